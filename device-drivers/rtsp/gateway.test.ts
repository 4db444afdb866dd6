// The media gateway over real WebSockets and real ffmpeg: a ticketed viewer of an allowed origin gets state, init and a keyframe-first stream (also off loopback, also over wss://); others are refused; identical sources share one ffmpeg; close leaves none.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MEDIA_CLOSE, MediaControlSchema, type MediaControl } from '../../common/contract/media.ts';
import { requireFfmpeg } from './ffmpeg.ts';
import { Fmp4Splitter, type MediaFragment } from './fmp4.ts';
import { ViewerSession, startGateway, type Gateway, type GatewayCamera, type GatewayOptions } from './gateway.ts';
import { commandLine, descendants, isRunning, waitFor } from './process-tree.ts';
import { requireOpenssl, selfSignedCertificate } from './test-certificate.ts';
import { signTicket } from './tickets.ts';

const ffmpegIt = requireFfmpeg() ? it : it.skip;
const tlsIt = requireFfmpeg() && requireOpenssl() ? it : it.skip;

const ORIGIN = 'http://127.0.0.1:8080';
const key = randomBytes(32);
const ticket = (camera: string, lifetime = 60_000): string => signTicket(key, camera, Date.now() + lifetime);
const pattern = (name: string, fps = 15): GatewayCamera['source'] => ({ kind: 'test-pattern', pattern: name, size: '320x180', fps });

let gateway: Gateway | undefined;
const clients: WebSocket[] = [];
const spawned = new Set<number>();

async function start(cameras: GatewayCamera[], options: Partial<GatewayOptions> = {}): Promise<Gateway> {
  gateway = await startGateway({ ticketKey: key, allowedOrigins: [ORIGIN], ...options });
  gateway.configure(cameras);
  for (const pid of gateway.processIds()) spawned.add(pid);
  return gateway;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await gateway?.close();
  gateway = undefined;
  expect([...spawned].filter(isRunning)).toEqual([]);
  spawned.clear();
  expect(descendants().filter((entry) => entry.name === 'ffmpeg')).toEqual([]);
});

/** A viewer: every frame it got, in order, and how the socket closed. */
interface Viewer {
  readonly socket: WebSocket;
  readonly frames: ({ text: MediaControl } | { binary: Buffer })[];
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** `base`: where to connect instead of the gateway's url (a client reaches a gateway bound to 0.0.0.0 at one of its addresses); `ca`: the certificate to trust. */
function connect(cameraId: string, options: { ticket?: string; origin?: string | null; base?: string; ca?: string } = {}): Viewer {
  const query = options.ticket === undefined ? `?ticket=${encodeURIComponent(ticket(cameraId))}` : `?ticket=${encodeURIComponent(options.ticket)}`;
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  const socket = new WebSocket(`${options.base ?? gateway!.url}/cameras/${encodeURIComponent(cameraId)}${query}`, {
    ...(origin === null ? {} : { origin }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  clients.push(socket);
  const frames: Viewer['frames'] = [];
  socket.on('message', (data: Buffer, isBinary) => {
    frames.push(isBinary ? { binary: data } : { text: MediaControlSchema.parse(JSON.parse(data.toString('utf8'))) });
  });
  socket.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { socket, frames, closed };
}

/** Splits what a viewer received after its n-th init segment, as a renderer's MSE would get it. */
function fragmentsAfterInit(viewer: Viewer, which = 0): MediaFragment[] {
  const initIndexes = viewer.frames.flatMap((frame, index) => ('text' in frame && frame.text.type === 'init' ? [index] : []));
  const start = initIndexes[which]!;
  const end = initIndexes[which + 1] ?? viewer.frames.length;
  const splitter = new Fmp4Splitter();
  const fragments: MediaFragment[] = [];
  splitter.onDidSplit((output) => {
    if (output.kind === 'fragment') fragments.push(output);
    if (output.kind === 'error') throw new Error(output.message);
  });
  for (const frame of viewer.frames.slice(start + 1, end)) if ('binary' in frame) splitter.push(frame.binary);
  return fragments;
}

describe('media gateway', () => {
  ffmpegIt('gives a ticketed viewer of an allowed origin the state, the init segment and a stream that starts with a keyframe', async () => {
    await start([{ id: 'cam-1', source: pattern('testsrc2') }]);
    expect(gateway!.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    await waitFor('the feed live', () => gateway!.health()['cam-1']?.state === 'live');

    const viewer = connect('cam-1');
    await waitFor('ten fragments', () => viewer.frames.filter((frame) => 'binary' in frame).length >= 11);
    const [state, init, initSegment] = viewer.frames;
    expect(state).toEqual({ text: { type: 'state', state: 'live', lastFrameAt: expect.any(Number) } });
    expect(init).toEqual({ text: { type: 'init', mimeType: expect.stringMatching(/^video\/mp4; codecs="avc1\.42c0[0-9a-f]{2}"$/), width: 320, height: 180 } });
    expect((initSegment as { binary: Buffer }).binary.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const fragments = fragmentsAfterInit(viewer);
    expect(fragments[0]?.keyframe).toBe(true);
    expect(fragments.length).toBeGreaterThanOrEqual(10);
    expect(gateway!.health()['cam-1']).toMatchObject({ state: 'live', viewers: 1, restarts: 0 });

    viewer.socket.close();
    await viewer.closed;
    await waitFor('the viewer gone from health', () => gateway!.health()['cam-1']?.viewers === 0);
  });

  ffmpegIt('refuses a bad, expired or borrowed ticket, a foreign or missing Origin, and an unknown camera', async () => {
    await start([
      { id: 'cam-1', source: pattern('testsrc2') },
      { id: 'cam-2', source: pattern('testsrc2') },
    ]);
    const good = ticket('cam-1');
    const refusals = await Promise.all([
      connect('cam-1', { ticket: 'nonsense' }).closed,
      connect('cam-1', { ticket: signTicket(key, 'cam-1', Date.now() - 1) }).closed,
      connect('cam-1', { ticket: ticket('cam-2') }).closed,
      connect('cam-1', { ticket: signTicket(randomBytes(32), 'cam-1', Date.now() + 60_000) }).closed,
      connect('cam-1', { ticket: good.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')) }).closed,
      connect('cam-1', { origin: 'http://evil.example' }).closed,
      connect('cam-1', { origin: null }).closed,
      connect('cam-9').closed,
    ]);
    expect(refusals.map((refusal) => refusal.code)).toEqual([
      MEDIA_CLOSE.badTicket,
      MEDIA_CLOSE.badTicket,
      MEDIA_CLOSE.badTicket,
      MEDIA_CLOSE.badTicket,
      MEDIA_CLOSE.badTicket,
      MEDIA_CLOSE.badOrigin,
      MEDIA_CLOSE.badOrigin,
      MEDIA_CLOSE.unknownCamera,
    ]);
    // The origin is checked first: a page of another origin cannot tell cameras that exist from those that do not.
    expect((await connect('cam-9', { origin: 'http://evil.example', ticket: 'x' }).closed).code).toBe(MEDIA_CLOSE.badOrigin);
    expect(gateway!.health()['cam-1']?.viewers).toBe(0);
  });

  ffmpegIt('runs one ffmpeg for cameras with the same source, and stops it when the last of them goes', async () => {
    await start([
      { id: 'cam-a', source: pattern('testsrc2') },
      { id: 'cam-b', source: pattern('testsrc2') },
      { id: 'cam-c', source: pattern('rgbtestsrc') },
    ]);
    const running = (): number[] => descendants().filter((entry) => entry.name === 'ffmpeg').map((entry) => entry.pid);
    await waitFor('both feeds live', () => Object.values(gateway!.health()).every((health) => health.state === 'live'));
    expect(running()).toHaveLength(2);
    expect(gateway!.processIds().sort()).toEqual(running().sort());

    const viewerA = connect('cam-a');
    const viewerB = connect('cam-b');
    await waitFor('both viewers streaming', () => fragmentsAfterInit(viewerA).length >= 3 && fragmentsAfterInit(viewerB).length >= 3);

    // cam-a goes; cam-b keeps the shared ffmpeg and its viewer keeps streaming.
    const processes = gateway!.processIds();
    const shared = processes.find((pid) => commandLine(pid)?.includes('testsrc2=size=320x180:rate=15'))!;
    expect(shared).toBeDefined();
    gateway!.configure([
      { id: 'cam-b', source: pattern('testsrc2') },
      { id: 'cam-c', source: pattern('rgbtestsrc') },
    ]);
    expect((await viewerA.closed).code).toBe(MEDIA_CLOSE.unknownCamera);
    expect(gateway!.processIds().sort()).toEqual(processes.sort());
    const before = fragmentsAfterInit(viewerB).length;
    await waitFor('cam-b still streaming', () => fragmentsAfterInit(viewerB).length >= before + 5);

    // cam-b moves to another pattern: its viewer follows with a new init segment, and the old ffmpeg stops.
    gateway!.configure([
      { id: 'cam-b', source: pattern('mandelbrot') },
      { id: 'cam-c', source: pattern('rgbtestsrc') },
    ]);
    for (const pid of gateway!.processIds()) spawned.add(pid);
    await waitFor('a second init for cam-b', () => viewerB.frames.filter((frame) => 'text' in frame && frame.text.type === 'init').length === 2);
    await waitFor('the new stream', () => fragmentsAfterInit(viewerB, 1).length >= 2);
    expect(fragmentsAfterInit(viewerB, 1)[0]?.keyframe).toBe(true);
    await waitFor('the old ffmpeg gone', () => !isRunning(shared));
    expect(running()).toHaveLength(2);

    gateway!.configure([]);
    await waitFor('no ffmpeg left', () => running().length === 0);
    expect(gateway!.health()).toEqual({});
  });

  ffmpegIt('close() closes viewers with 1001 and leaves no ffmpeg', async () => {
    await start([{ id: 'cam-1', source: pattern('testsrc2') }]);
    const viewer = connect('cam-1');
    await waitFor('streaming', () => fragmentsAfterInit(viewer).length >= 2);
    const pids = gateway!.processIds();
    expect(pids).toHaveLength(1);
    await gateway!.close();
    expect((await viewer.closed).code).toBe(1001);
    expect(pids.filter(isRunning)).toEqual([]);
    expect(descendants().filter((entry) => entry.name === 'ffmpeg')).toEqual([]);
  });

  ffmpegIt('bound to 0.0.0.0 (a wall served to the LAN), streams to a ticketed viewer of an allowed origin, and still refuses the others', async () => {
    await start([{ id: 'cam-1', source: pattern('testsrc2') }], { host: '0.0.0.0' });
    expect(gateway).toMatchObject({ host: '0.0.0.0', secure: false, url: `ws://0.0.0.0:${gateway!.port}` });
    // A client uses an address of this machine, here its loopback one.
    const base = `ws://127.0.0.1:${gateway!.port}`;
    const viewer = connect('cam-1', { base });
    await waitFor('streaming', () => fragmentsAfterInit(viewer).length >= 2);
    expect(fragmentsAfterInit(viewer)[0]?.keyframe).toBe(true);
    // Off loopback, the ticket and the Origin are the only guards: both still hold.
    const refusals = await Promise.all([
      connect('cam-1', { base, origin: null }).closed,
      connect('cam-1', { base, origin: 'http://192.168.1.66:8080' }).closed,
      connect('cam-1', { base, ticket: ticket('cam-2') }).closed,
    ]);
    expect(refusals.map((refusal) => refusal.code)).toEqual([MEDIA_CLOSE.badOrigin, MEDIA_CLOSE.badOrigin, MEDIA_CLOSE.badTicket]);
  });

  it('says why it cannot listen on an address this machine does not have', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
    await expect(startGateway({ host: '192.0.2.1', ticketKey: key, allowedOrigins: [ORIGIN] })).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
  });
});

describe('media gateway over TLS', () => {
  tlsIt('serves wss:// to a client that trusts its certificate, and nothing to ws:// or to a client that does not trust it', async () => {
    const tls = selfSignedCertificate();
    await start([{ id: 'cam-1', source: pattern('testsrc2') }], { host: '0.0.0.0', tls });
    expect(gateway).toMatchObject({ secure: true, url: `wss://0.0.0.0:${gateway!.port}` });

    const viewer = connect('cam-1', { base: `wss://127.0.0.1:${gateway!.port}`, ca: tls.cert });
    await waitFor('streaming over wss://', () => fragmentsAfterInit(viewer).length >= 2);
    expect(fragmentsAfterInit(viewer)[0]?.keyframe).toBe(true);

    // A page over HTTPS could not even try ws:// (mixed content); a client that does gets no upgrade from a TLS server.
    const plain = connect('cam-1', { base: `ws://127.0.0.1:${gateway!.port}` });
    const untrusted = connect('cam-1', { base: `wss://127.0.0.1:${gateway!.port}` });
    for (const refused of [plain, untrusted]) {
      expect((await refused.closed).code).toBe(1006);
      expect(refused.frames).toEqual([]);
    }
    expect(gateway!.health()['cam-1']?.viewers).toBe(1);
  });

  it.skipIf(!requireOpenssl())('refuses a key that does not belong to the certificate, without showing either', async () => {
    const tls = selfSignedCertificate();
    const other = selfSignedCertificate();
    const started = startGateway({ ticketKey: key, allowedOrigins: [ORIGIN], tls: { cert: tls.cert, key: other.key } });
    await expect(started).rejects.toThrow(/cannot serve wss:\/\/ with this certificate and key/);
    const message = await started.catch((error: Error) => error.message);
    expect(message).not.toContain('BEGIN');
  });
});

describe('ViewerSession backpressure', () => {
  /** A socket whose send buffer the test fills and drains by hand. */
  function fakeSocket(): { socket: WebSocket; sent: (string | Uint8Array)[]; setBuffered(bytes: number): void } {
    const sent: (string | Uint8Array)[] = [];
    let buffered = 0;
    const socket = {
      OPEN: 1,
      readyState: 1,
      get bufferedAmount() {
        return buffered;
      },
      send: (data: string | Uint8Array) => void sent.push(data),
    } as unknown as WebSocket;
    return { socket, sent, setBuffered: (bytes) => void (buffered = bytes) };
  }
  const fragment = (keyframe: boolean, time: number): MediaFragment => ({ kind: 'fragment', data: new Uint8Array([time]), keyframe, baseMediaDecodeTime: time });

  it('skips fragments while the socket holds more than the limit, and resumes only at a keyframe', () => {
    const { socket, sent, setBuffered } = fakeSocket();
    const session = new ViewerSession('cam-1', socket, 1_000);
    session.init({ kind: 'init', data: new Uint8Array([0]), mimeType: 'video/mp4; codecs="avc1.42c01e"', width: 320, height: 180 });
    // A stream joined mid-GOP waits for its keyframe.
    session.fragment(fragment(false, 1));
    session.fragment(fragment(true, 2));
    session.fragment(fragment(false, 3));
    setBuffered(5_000);
    session.fragment(fragment(false, 4));
    session.fragment(fragment(true, 5));
    setBuffered(0);
    session.fragment(fragment(false, 6));
    session.fragment(fragment(true, 7));
    session.fragment(fragment(false, 8));
    const times = sent.filter((data): data is Uint8Array => typeof data !== 'string' && data[0] !== 0).map((data) => data[0]);
    expect(times).toEqual([2, 3, 7, 8]);
    expect(session.skippedFragments).toBe(4);
  });
});
