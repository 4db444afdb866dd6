// CameraFeed against real ffmpeg: a test pattern goes live with a keyframe-first GOP cache; a real RTSP camera with credentials goes live, lost and live again, and no password ever shows.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CameraFeed, FFMPEG_MISSING_DETAIL, type CameraFeedOptions, type FeedStatus, type FeedViewer } from './feed.ts';
import { ffmpegOutput, requireFfmpeg, withCredentials } from './ffmpeg.ts';
import type { InitSegment, MediaFragment } from './fmp4.ts';
import { descendants, isRunning, waitFor } from './process-tree.ts';
import { requireGstreamerRtsp, startRtspServer, type RtspServer } from './test-rtsp-server.ts';

const ffmpegIt = requireFfmpeg() ? it : it.skip;
const rtspIt = requireFfmpeg() && requireGstreamerRtsp() ? it : it.skip;

/** What a viewer received, in order. */
class RecordingViewer implements FeedViewer {
  readonly events: ({ kind: 'state'; status: FeedStatus } | InitSegment | MediaFragment)[] = [];
  state(status: FeedStatus): void {
    this.events.push({ kind: 'state', status });
  }
  init(segment: InitSegment): void {
    this.events.push(segment);
  }
  fragment(fragment: MediaFragment): void {
    this.events.push(fragment);
  }
  get inits(): InitSegment[] {
    return this.events.filter((event): event is InitSegment => event.kind === 'init');
  }
  get fragments(): MediaFragment[] {
    return this.events.filter((event): event is MediaFragment => event.kind === 'fragment');
  }
  get states(): FeedStatus[] {
    return this.events.flatMap((event) => (event.kind === 'state' ? [event.status] : []));
  }
}

const feeds: CameraFeed[] = [];
const servers: RtspServer[] = [];
const spawned: number[] = [];
let scratch: string | undefined;

function startFeed(options: CameraFeedOptions): CameraFeed {
  const feed = new CameraFeed(options);
  feeds.push(feed);
  if (feed.processId !== undefined) spawned.push(feed.processId);
  feed.onDidStartProcess((pid) => spawned.push(pid));
  return feed;
}

afterEach(async () => {
  await Promise.all(feeds.splice(0).map((feed) => feed.dispose()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
  // Every ffmpeg (or stand-in) this test started has exited, and nothing else of ours runs below this worker.
  expect(spawned.splice(0).filter(isRunning)).toEqual([]);
  expect(descendants().filter((entry) => /ffmpeg|python|sleep|^sh$/.test(entry.name))).toEqual([]);
});

describe('CameraFeed on a test pattern', () => {
  ffmpegIt('goes live, streams one fragment per frame and gives a late viewer the init segment and the GOP from its keyframe', async () => {
    const startedAt = Date.now();
    const feed = startFeed({ source: { kind: 'test-pattern', pattern: 'testsrc2', size: '320x180', fps: 15 } });
    const early = new RecordingViewer();
    const subscription = feed.subscribe(early);
    expect(early.states).toEqual([{ state: 'connecting', lastFrameAt: null }]);
    expect(feed.processId).toBeGreaterThan(0);

    await waitFor('the first fragment', () => early.fragments.length > 0);
    console.log(`test pattern 320x180@15: first fragment ${Date.now() - startedAt} ms after the feed started`);
    expect(feed.current.state).toBe('live');
    expect(early.events[1]).toMatchObject({ kind: 'init', mimeType: expect.stringMatching(/^video\/mp4; codecs="avc1\.42c0[0-9a-f]{2}"$/), width: 320, height: 180 });
    expect(early.fragments[0]?.keyframe).toBe(true);

    // Into the second GOP, and a few frames past its keyframe, so the cache holds a keyframe and what follows it.
    await waitFor('frames past the second keyframe', () => early.fragments.length >= 19, 30_000);
    const keyframes = early.fragments.flatMap((fragment, index) => (fragment.keyframe ? [index] : []));
    expect(keyframes.slice(0, 2)).toEqual([0, 15]);

    const late = new RecordingViewer();
    feed.subscribe(late);
    const [state, init, ...cached] = late.events;
    expect(state).toMatchObject({ kind: 'state', status: { state: 'live' } });
    expect(init).toBe(early.inits[0]);
    const lastKeyframe = keyframes.at(-1)!;
    expect(cached).toEqual(early.fragments.slice(lastKeyframe));
    expect((cached[0] as MediaFragment).keyframe).toBe(true);
    expect(cached.length).toBeLessThanOrEqual(15);

    // Both viewers keep receiving the same live fragments.
    const before = late.fragments.length;
    await waitFor('live fragments for the late viewer', () => late.fragments.length >= before + 5);
    expect(early.fragments.slice(-3)).toEqual(late.fragments.slice(-3));

    const health = feed.health();
    expect(health).toMatchObject({ state: 'live', restarts: 0, viewers: 2 });
    expect(health.fps).toBeGreaterThan(5);
    expect(health.bitrate).toBeGreaterThan(0);
    expect(health.lastFrameAt).toBeGreaterThan(0);
    subscription.dispose();
    expect(feed.health().viewers).toBe(1);

    const pid = feed.processId!;
    await feed.dispose();
    expect(isRunning(pid)).toBe(false);
  });

  ffmpegIt('says ffmpeg is not installed when it cannot be found, and starts nothing', async () => {
    const feed = startFeed({ source: { kind: 'test-pattern', pattern: 'testsrc2', size: '320x180', fps: 15 }, ffmpeg: '/nonexistent/bin/ffmpeg' });
    await waitFor('unavailable', () => feed.current.state === 'unavailable');
    expect(feed.current.detail).toBe(FFMPEG_MISSING_DETAIL);
    expect(FFMPEG_MISSING_DETAIL).toBe('ffmpeg is not installed: apt-get install -y --no-install-recommends ffmpeg');
  });

  ffmpegIt('refuses a test pattern that would splice into the filter graph', async () => {
    const feed = startFeed({ source: { kind: 'test-pattern', pattern: 'testsrc2,drawtext=textfile=/etc/passwd', size: '320x180', fps: 15 } });
    expect(feed.current).toMatchObject({ state: 'unavailable', detail: expect.stringContaining('not an ffmpeg source name') });
    expect(feed.processId).toBeUndefined();
  });
});

describe('CameraFeed watchdog', () => {
  let recording: Buffer;
  beforeAll(async () => {
    if (!requireFfmpeg()) return;
    recording = await ffmpegOutput([
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=15', '-frames:v', '5'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '15'],
      ...['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1'],
    ]);
  });

  ffmpegIt('marks a feed that stops sending frames lost, kills the silent ffmpeg and restarts it with a new init segment', async () => {
    // A stand-in for ffmpeg that writes a few frames and then hangs with its pipe open, like ffmpeg on a frozen camera.
    scratch = await mkdtemp(path.join(tmpdir(), 'ioc-wall-feed-'));
    const stream = path.join(scratch, 'stream.mp4');
    await writeFile(stream, recording);
    const executable = path.join(scratch, 'hanging-ffmpeg');
    await writeFile(executable, `#!/bin/sh\ncat '${stream}'\nexec sleep 600\n`);
    await chmod(executable, 0o755);

    const feed = startFeed({
      source: { kind: 'test-pattern', pattern: 'testsrc2', size: '160x90', fps: 15 },
      ffmpeg: executable,
      lostAfterMilliseconds: 300,
      stallMilliseconds: 1_000,
      backoff: { initialMilliseconds: 100, maximumMilliseconds: 200 },
    });
    const viewer = new RecordingViewer();
    feed.subscribe(viewer);
    await waitFor('live', () => feed.current.state === 'live');
    await waitFor('lost', () => feed.current.state === 'lost');
    expect(feed.current.detail).toBe('no picture for 0.3 s');
    await waitFor('a second init segment after the restart', () => viewer.inits.length >= 2);
    expect(feed.health().restarts).toBeGreaterThanOrEqual(1);
    expect(spawned.length).toBeGreaterThanOrEqual(2);
    // The first run was killed: its `sleep` is gone, not left hanging.
    expect(isRunning(spawned[0]!)).toBe(false);
    expect(viewer.states.map((status) => status.state)).toEqual(expect.arrayContaining(['connecting', 'live', 'lost']));
  });
});

describe('CameraFeed on a real RTSP camera', () => {
  const username = 'operator';
  const password = 'S3cr:t@p/ss%wörd';

  /** Every text the feed produced that could reach a log or a renderer. */
  function texts(feed: CameraFeed, viewer: RecordingViewer, statuses: FeedStatus[]): string {
    return JSON.stringify({ errors: feed.recentErrors, states: viewer.states, statuses, health: feed.health() });
  }

  rtspIt('goes live with credentials, goes lost when the camera dies or hangs, comes back live with a new init, and never shows the password', async () => {
    const server = await startRtspServer({ username, password });
    servers.push(server);
    const startedAt = Date.now();
    const feed = startFeed({ source: { kind: 'rtsp', url: withCredentials(server.url, username, password), secrets: [username, password] } });
    const viewer = new RecordingViewer();
    feed.subscribe(viewer);
    const statuses: FeedStatus[] = [];
    feed.onDidChangeStatus((status) => statuses.push(status));

    await waitFor('live', () => feed.current.state === 'live');
    console.log(`RTSP 320x240@15 with digest authentication: first fragment ${Date.now() - startedAt} ms after the feed started`);
    expect(viewer.inits[0]).toMatchObject({ width: 320, height: 240, mimeType: expect.stringMatching(/^video\/mp4; codecs="avc1\.42c0[0-9a-f]{2}"$/) });
    await waitFor('a few frames', () => viewer.fragments.length >= 10);

    // The camera loses power: the TCP connection resets and ffmpeg exits.
    const killedAt = Date.now();
    await server.kill();
    await waitFor('lost after the camera died', () => feed.current.state === 'lost');
    console.log(`RTSP camera killed: feed lost ${Date.now() - killedAt} ms later (${feed.current.detail})`);

    await server.restart();
    const restartedAt = Date.now();
    await waitFor('live again', () => feed.current.state === 'live', 45_000);
    console.log(`RTSP camera restarted: feed live again ${Date.now() - restartedAt} ms later`);
    expect(viewer.inits).toHaveLength(2);
    const afterRestart = viewer.events.slice(viewer.events.indexOf(viewer.inits[1]!) + 1).find((event) => event.kind === 'fragment');
    expect(afterRestart).toMatchObject({ keyframe: true });

    // The camera hangs with its connection open: nothing tells ffmpeg, only the missing frames do.
    await waitFor('a few frames', () => feed.current.state === 'live' && Date.now() - restartedAt > 500);
    const frozenAt = Date.now();
    server.freeze();
    await waitFor('lost while the camera hangs', () => feed.current.state === 'lost');
    const delay = Date.now() - frozenAt;
    console.log(`RTSP camera frozen: feed lost ${delay} ms later (${feed.current.detail})`);
    expect(feed.current.detail).toBe('no picture for 2 s');
    server.thaw();
    await waitFor('live after the camera thawed', () => feed.current.state === 'live', 45_000);

    const everything = texts(feed, viewer, statuses);
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(encodeURIComponent(password));
    expect(everything).not.toContain('S3cr');
  }, 120_000);

  rtspIt('says why a wrong password fails, without the password', async () => {
    const server = await startRtspServer({ username, password });
    servers.push(server);
    const wrong = 'wr0ng:p@ss';
    const feed = startFeed({ source: { kind: 'rtsp', url: withCredentials(server.url, username, wrong), secrets: [username, wrong] } });
    const viewer = new RecordingViewer();
    feed.subscribe(viewer);
    await waitFor('an explanation', () => feed.current.detail);
    expect(feed.current.state).toBe('connecting');
    expect(feed.current.detail).toMatch(/401 Unauthorized/);
    expect(feed.recentErrors.join('\n')).toContain('rtsp://127.0.0.1:');
    const everything = texts(feed, viewer, []);
    expect(everything).not.toContain('wr0ng');
    expect(everything).not.toContain(encodeURIComponent(wrong));
    expect(everything).not.toContain(username);
  }, 60_000);
});
