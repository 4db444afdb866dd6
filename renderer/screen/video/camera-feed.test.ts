// A camera feed follows its socket and its frames: newest ticket on every connection, states from frames and the gateway, backoff, and a teardown in order.
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../../common/contract/manual-scheduler.ts';
import { MEDIA_CLOSE } from '../../../common/contract/media.ts';
import type { Media } from '../../../common/contract/messages.ts';
import type * as CameraFeedModule from './camera-feed.ts';
import type { FeedPlayer, MediaSourcePlayerOptions } from './media-source-player.ts';

let CameraFeed: typeof CameraFeedModule.CameraFeed;

beforeAll(async () => {
  // pixi.js sniffs navigator.userAgent when it loads; Node 20 has no navigator.
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'node' };
  ({ CameraFeed } = await import('./camera-feed.ts'));
});

const START = 1_700_000_000_000;

/** A socket the test speaks for: what the feed opened, and what it closed. */
class FakeSocket {
  binaryType = 'blob';
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  closedWith: number | undefined;
  constructor(
    readonly url: string,
    private readonly log: string[],
  ) {}
  close(code: number): void {
    this.closedWith = code;
    this.log.push('socket closed');
  }
  text(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  binary(bytes = 8): void {
    this.onmessage?.({ data: new ArrayBuffer(bytes) });
  }
  /** The gateway closes it. */
  drop(code: number): void {
    this.onclose?.({ code });
  }
}

/** The parts of a <video> the feed and pixi's VideoSource touch; `present` plays the video frame callback. */
function fakeVideo(log: string[]) {
  let callback: (() => void) | undefined;
  const video = {
    videoWidth: 0,
    videoHeight: 0,
    width: 0,
    height: 0,
    paused: true,
    ended: false,
    src: '',
    muted: false,
    defaultMuted: false,
    playsInline: false,
    autoplay: false,
    preload: '',
    requestVideoFrameCallback: (next: () => void) => {
      callback = next;
      return 1;
    },
    cancelVideoFrameCallback: () => {
      callback = undefined;
    },
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    pause: () => undefined,
    load: () => log.push('video emptied'),
  };
  return {
    video,
    present: () => {
      video.videoWidth = 640;
      video.videoHeight = 360;
      const run = callback;
      callback = undefined;
      run?.();
    },
  };
}

/** `null`: no media message yet. */
function setup(initialMedia: Media | null = media('t1')) {
  const scheduler = new ManualScheduler(START);
  const log: string[] = [];
  const sockets: FakeSocket[] = [];
  const calls: string[] = [];
  let failure: MediaSourcePlayerOptions['onFailure'] = () => undefined;
  const player: FeedPlayer = {
    start: (mimeType) => calls.push(`start ${mimeType}`),
    append: () => calls.push('append'),
    dispose: () => log.push('player ended'),
  };
  const { video, present } = fakeVideo(log);
  let current: Media | undefined = initialMedia ?? undefined;
  const feed = new CameraFeed({
    cameraId: 'cam_cau_truong_tien',
    media: () => current,
    now: scheduler.now,
    scheduler,
    openSocket: (url) => {
      const socket = new FakeSocket(url, log);
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
    createVideo: () => video as unknown as HTMLVideoElement,
    createPlayer: (_video, options) => {
      failure = options.onFailure;
      return player;
    },
  });
  const originalDestroy = feed.texture.destroy.bind(feed.texture);
  feed.texture.destroy = (destroySource?: boolean) => {
    log.push('texture destroyed');
    originalDestroy(destroySource);
  };
  return {
    feed,
    scheduler,
    log,
    sockets,
    calls,
    video,
    present,
    fail: (message: string) => failure({ kind: 'broken', message }),
    setMedia: (next: Media) => {
      current = next;
      feed.mediaChanged();
    },
    socket: () => sockets.at(-1)!,
  };
}

function media(ticket: string | undefined, gateway: string | null = 'ws://127.0.0.1:7001'): Media {
  return { type: 'media', gateway, tickets: ticket === undefined ? {} : { cam_cau_truong_tien: ticket }, expiresAt: START + 600_000, ...(gateway === null ? { problem: 'ffmpeg was not found' } : {}) };
}

/** The gateway starts a stream on the socket: state, init, init segment. */
function startStream(socket: FakeSocket): void {
  socket.text({ type: 'state', state: 'live', lastFrameAt: START });
  socket.text({ type: 'init', mimeType: 'video/mp4; codecs="avc1.64001f"', width: 640, height: 360 });
  socket.binary(600);
}

describe('CameraFeed', () => {
  it('connects with its ticket, plays the init segment and fragments, and goes live on the first presented frame', () => {
    const { feed, sockets, calls, present } = setup();
    expect(sockets.map((socket) => socket.url)).toEqual(['ws://127.0.0.1:7001/cameras/cam_cau_truong_tien?ticket=t1']);
    expect(sockets[0]!.binaryType).toBe('arraybuffer');
    startStream(sockets[0]!);
    sockets[0]!.binary();
    sockets[0]!.binary();
    expect(calls).toEqual(['start video/mp4; codecs="avc1.64001f"', 'append', 'append']);
    expect(feed.status.state).toBe('connecting');
    let frames = 0;
    feed.onDidPresentFrame(() => frames++);
    present();
    present();
    expect(feed.status).toMatchObject({ state: 'live', lastFrameAt: START, hadFrame: true });
    expect(feed.framesPresented).toBe(2);
    expect(frames).toBe(2);
    expect(feed.texture.source.pixelWidth).toBe(640);
    feed.dispose();
  });

  it('goes lost 2 s after the last frame even when the gateway says nothing, and at once when it says lost', () => {
    const { feed, sockets, present, scheduler } = setup();
    startStream(sockets[0]!);
    present();
    scheduler.advance(1_500);
    present();
    scheduler.advance(1_900);
    expect(feed.status.state).toBe('live');
    scheduler.advance(600);
    expect(feed.status.state).toBe('lost');
    expect(scheduler.pending).toBe(0);

    present();
    expect(feed.status.state).toBe('live');
    sockets[0]!.text({ type: 'state', state: 'lost', lastFrameAt: scheduler.now(), detail: 'no frame for 3 s' });
    expect(feed.status).toMatchObject({ state: 'lost', detail: 'no frame for 3 s' });
    feed.dispose();
  });

  it('recovers when the source restarts on the same socket: a new MediaSource, the dimmed last frame until a new one', () => {
    const { feed, sockets, calls, present } = setup();
    startStream(sockets[0]!);
    present();
    sockets[0]!.text({ type: 'init', mimeType: 'video/mp4; codecs="avc1.640028"', width: 1280, height: 720 });
    sockets[0]!.binary(700);
    expect(calls.filter((call) => call.startsWith('start'))).toEqual(['start video/mp4; codecs="avc1.64001f"', 'start video/mp4; codecs="avc1.640028"']);
    expect(feed.status.state).toBe('recovering');
    present();
    expect(feed.status.state).toBe('live');
    feed.dispose();
  });

  it('reconnects with backoff after a drop, with the newest ticket, and recovers on the new stream', () => {
    const { feed, sockets, present, scheduler, setMedia } = setup();
    startStream(sockets[0]!);
    present();
    sockets[0]!.drop(1006);
    // What the video buffered still plays: the silence rule says lost if the reconnection takes longer.
    expect(feed.status.state).toBe('live');
    setMedia(media('t2'));
    // A retry is on its way: the media message does not open a second socket.
    expect(sockets).toHaveLength(1);
    scheduler.advance(400);
    expect(sockets.map((socket) => socket.url.split('ticket=')[1])).toEqual(['t1', 't2']);
    startStream(sockets[1]!);
    expect(feed.status.state).toBe('recovering');
    present();
    expect(feed.status.state).toBe('live');
    feed.dispose();
  });

  it('after a refused ticket waits for a newer one instead of retrying the same', () => {
    const { sockets, scheduler, setMedia, feed } = setup();
    sockets[0]!.drop(MEDIA_CLOSE.badTicket);
    scheduler.advance(30_000);
    expect(sockets).toHaveLength(1);
    setMedia(media('t1'));
    expect(sockets).toHaveLength(1);
    setMedia(media('t2'));
    expect(sockets.map((socket) => socket.url.split('ticket=')[1])).toEqual(['t1', 't2']);
    feed.dispose();
  });

  it('goes to a gateway that moved at once, without waiting out the backoff', () => {
    const { sockets, scheduler, setMedia, feed } = setup();
    for (let drop = 0; drop < 4; drop++) {
      sockets.at(-1)!.drop(1006);
      scheduler.advance(10_000);
    }
    sockets.at(-1)!.drop(1006);
    expect(sockets).toHaveLength(5);
    setMedia(media('t1'));
    expect(sockets).toHaveLength(5);
    setMedia({ ...media('t2'), gateway: 'ws://127.0.0.1:7002' });
    expect(sockets.at(-1)!.url).toBe('ws://127.0.0.1:7002/cameras/cam_cau_truong_tien?ticket=t2');
    expect(scheduler.pending).toBe(0);
    // And an open socket to the old address is left for the new one.
    setMedia({ ...media('t3'), gateway: 'ws://127.0.0.1:7003' });
    expect(sockets.at(-2)!.closedWith).toBe(1000);
    expect(sockets.at(-1)!.url).toContain('7003');
    feed.dispose();
  });

  it('waits for a media message that carries its ticket', () => {
    const { sockets, setMedia, feed } = setup(null);
    expect(sockets).toHaveLength(0);
    setMedia(media(undefined));
    expect(sockets).toHaveLength(0);
    expect(feed.status.state).toBe('connecting');
    setMedia(media('t9'));
    expect(sockets).toHaveLength(1);
    feed.dispose();
  });

  it('is unavailable while no gateway runs (with the media message’s problem), and connects when one does', () => {
    const { sockets, setMedia, feed } = setup(media('t1', null));
    expect(feed.status).toMatchObject({ state: 'unavailable', detail: 'ffmpeg was not found' });
    expect(sockets).toHaveLength(0);
    setMedia(media('t2'));
    expect(feed.status.state).toBe('connecting');
    expect(sockets).toHaveLength(1);
    sockets[0]!.text({ type: 'state', state: 'unavailable', lastFrameAt: null, detail: 'camera source: connection refused' });
    expect(feed.status).toMatchObject({ state: 'unavailable', detail: 'camera source: connection refused' });
    feed.dispose();
  });

  it('is unavailable for a camera the gateway does not know, until the next media message', () => {
    const { sockets, scheduler, setMedia, feed } = setup();
    sockets[0]!.drop(MEDIA_CLOSE.unknownCamera);
    expect(feed.status.state).toBe('unavailable');
    expect(feed.status.detail).toMatchObject({ en: 'The media gateway does not know this camera' });
    scheduler.advance(60_000);
    expect(sockets).toHaveLength(1);
    setMedia(media('t2'));
    expect(sockets).toHaveLength(2);
    expect(feed.status.state).toBe('connecting');
    feed.dispose();
  });

  it('starts again from a keyframe when the player breaks (a new socket brings a new init)', () => {
    const { sockets, present, scheduler, fail, feed } = setup();
    startStream(sockets[0]!);
    present();
    fail('the video failed: decode error');
    expect(sockets[0]!.closedWith).toBe(1000);
    scheduler.advance(400);
    expect(sockets).toHaveLength(2);
    startStream(sockets[1]!);
    expect(feed.status.state).toBe('recovering');
    sockets[1]!.drop(1006);
    expect(feed.status.state).toBe('lost');
    feed.dispose();
  });

  it('ignores what is not the protocol', () => {
    const { sockets, calls, feed } = setup();
    sockets[0]!.onmessage?.({ data: '{not json' });
    sockets[0]!.text({ type: 'state', state: 'exploded', lastFrameAt: null });
    // A fragment before any init has no stream to go to.
    sockets[0]!.binary();
    expect(calls).toEqual(['append']);
    expect(feed.status.state).toBe('connecting');
    feed.dispose();
  });

  it('tears down in order: socket closed, MediaSource ended, texture destroyed; no timer left', () => {
    const { sockets, present, scheduler, log, feed } = setup();
    startStream(sockets[0]!);
    present();
    feed.dispose();
    expect(log).toEqual(['socket closed', 'player ended', 'texture destroyed', 'video emptied']);
    expect(sockets[0]!.closedWith).toBe(1000);
    expect(scheduler.pending).toBe(0);
    feed.dispose();
    expect(log).toHaveLength(4);
  });
});
