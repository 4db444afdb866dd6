// MediaGateway as main uses it: a real forked gateway reports health, comes back (same URL) after a SIGKILL, follows the server's host and TLS, takes its ffmpeg with it on dispose, and keeps every secret (TLS key included) out of logs, argv and env.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { requireFfmpeg, withCredentials } from './ffmpeg.ts';
import { commandLine, descendants, isRunning, waitFor } from './process-tree.ts';
import { MediaGateway, type CameraFeedHealth, type GatewayCamera, type MediaGatewayLogger } from './supervisor.ts';
import { GatewayEventSchema, type GatewayEvent } from '../../common/contract/gateway.ts';
import { requireOpenssl, selfSignedCertificate } from './test-certificate.ts';
import { freePort } from './test-rtsp-server.ts';
import { privateKeySecrets } from './tls.ts';
import { signTicket } from './tickets.ts';

const ffmpegIt = requireFfmpeg() ? it : it.skip;
const tlsIt = requireFfmpeg() && requireOpenssl() ? it : it.skip;

const ORIGIN = 'http://127.0.0.1:8080';
const USERNAME = 'operator';
const PASSWORD = 'Sup3r:s3cret@door/1';
const ENVIRONMENT_SECRET = 'env-only-secret-7f3a';

let gateway: MediaGateway | undefined;
afterEach(async () => {
  await gateway?.dispose();
  gateway = undefined;
  vi.unstubAllEnvs();
  expect(descendants().filter((entry) => entry.name === 'ffmpeg' || entry.name === 'node')).toEqual([]);
});

function recordingLogger(): { logger: MediaGatewayLogger; lines: { level: string; object: object; message: string }[] } {
  const lines: { level: string; object: object; message: string }[] = [];
  const record = (level: string) => (object: object, message: string) => void lines.push({ level, object, message });
  return { logger: { info: record('info'), warn: record('warn'), error: record('error') }, lines };
}

function testPatternProcesses(root: number): number[] {
  return descendants(root)
    .filter((entry) => entry.name === 'ffmpeg' && commandLine(entry.pid)?.some((argument) => argument.startsWith('testsrc2=')))
    .map((entry) => entry.pid);
}

describe('MediaGateway', () => {
  ffmpegIt('starts the gateway, reports health, restarts it after a SIGKILL on the same URL, and leaves nothing running after dispose', async () => {
    vi.stubEnv('IOC_WALL_CAMERA_PASSWORD', ENVIRONMENT_SECRET);
    const closedPort = await freePort();
    const cameras: GatewayCamera[] = [
      { id: 'cam-1', source: { kind: 'test-pattern', pattern: 'testsrc2', size: '320x180', fps: 15 } },
      { id: 'cam-2', source: { kind: 'test-pattern', pattern: 'testsrc2', size: '320x180', fps: 15 } },
      // Nothing listens there: ffmpeg fails at once, and its error line carries the URL with the credentials.
      { id: 'cam-door', source: { kind: 'rtsp', url: withCredentials(`rtsp://127.0.0.1:${closedPort}/door`, USERNAME, PASSWORD), secrets: [USERNAME, PASSWORD] } },
    ];
    const { logger, lines } = recordingLogger();
    const ticketKey = randomBytes(32);
    const healthSeen: Record<string, CameraFeedHealth>[] = [];

    gateway = await MediaGateway.start({ logger, ticketKey, allowedOrigins: [ORIGIN], cameras });
    gateway.onDidChangeHealth((health) => healthSeen.push(health));
    const firstUrl = gateway.url;
    expect(firstUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const firstChild = gateway.processId!;
    expect(isRunning(firstChild)).toBe(true);

    await waitFor('cam-1 live', () => gateway!.health()['cam-1']?.state === 'live');
    await waitFor('why cam-door fails', () => gateway!.health()['cam-door']?.detail?.includes('Connection refused'));
    expect(gateway.health()['cam-2']).toMatchObject({ state: 'live' });
    // One ffmpeg for the two cameras with the same test pattern.
    expect(testPatternProcesses(firstChild)).toHaveLength(1);
    const firstFfmpeg = testPatternProcesses(firstChild)[0]!;

    // Secrets came over IPC only: not in the gateway's argv or environment, and main's environment is not passed on.
    const childArguments = readFileSync(`/proc/${firstChild}/cmdline`, 'utf8');
    const childEnvironment = readFileSync(`/proc/${firstChild}/environ`, 'utf8');
    for (const text of [childArguments, childEnvironment]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
      expect(text).not.toContain(ENVIRONMENT_SECRET);
    }

    // The gateway dies hard: main notices, marks the cameras lost, and starts another on the same port.
    process.kill(firstChild, 'SIGKILL');
    await waitFor('cameras marked lost', () => healthSeen.some((health) => health['cam-1']?.detail === 'the media gateway is restarting'));
    await waitFor('a new gateway', () => gateway!.processId !== undefined && gateway!.processId !== firstChild);
    await waitFor('cam-1 live again', () => gateway!.health()['cam-1']?.state === 'live' && gateway!.health()['cam-1']?.detail === undefined, 30_000);
    expect(gateway.url).toBe(firstUrl);
    // The orphaned ffmpeg of the killed gateway ends when its stdout breaks: nothing is left behind.
    await waitFor('the old ffmpeg gone', () => !isRunning(firstFfmpeg));

    // The new gateway serves viewers.
    const socket = new WebSocket(`${gateway.url}/cameras/cam-2?ticket=${signTicket(ticketKey, 'cam-2', Date.now() + 60_000)}`, { origin: ORIGIN });
    const received: string[] = [];
    socket.on('message', (data: Buffer, isBinary) => void (isBinary || received.push(JSON.parse(data.toString()).type)));
    await waitFor('an init on the new gateway', () => received.includes('init'));
    socket.terminate();

    const secondChild = gateway.processId!;
    const secondFfmpeg = testPatternProcesses(secondChild);
    expect(secondFfmpeg).toHaveLength(1);
    await gateway.dispose();
    expect(isRunning(secondChild)).toBe(false);
    expect(secondFfmpeg.filter(isRunning)).toEqual([]);
    gateway = undefined;

    const logged = JSON.stringify(lines);
    expect(logged).toContain('media gateway exited; restarting it');
    expect(logged).toContain('Connection refused');
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), 'Sup3r', ENVIRONMENT_SECRET]) expect(logged).not.toContain(secret);
    expect(JSON.stringify(healthSeen)).not.toContain('Sup3r');
  }, 90_000);

  ffmpegIt('applies a new camera list without restarting the gateway', async () => {
    const { logger } = recordingLogger();
    gateway = await MediaGateway.start({ logger, ticketKey: randomBytes(32), allowedOrigins: [ORIGIN], cameras: [] });
    const child = gateway.processId;
    expect(gateway.health()).toEqual({});
    gateway.configure([{ id: 'cam-1', source: { kind: 'test-pattern', pattern: 'testsrc2', size: '320x180', fps: 15 } }]);
    await waitFor('cam-1 live', () => gateway!.health()['cam-1']?.state === 'live');
    gateway.configure([]);
    await waitFor('cam-1 gone', () => gateway!.health()['cam-1'] === undefined);
    await waitFor('its ffmpeg gone', () => testPatternProcesses(child!).length === 0);
    expect(gateway.processId).toBe(child);
  }, 60_000);
});

describe('MediaGateway off loopback and over TLS', () => {
  const camera: GatewayCamera = { id: 'cam-1', source: { kind: 'test-pattern', pattern: 'testsrc2', size: '320x180', fps: 15 } };

  /** The key's secret parts (the whole PEM, its body, each long line), none of which may show anywhere. */
  function expectNoKey(text: string, key: string): void {
    for (const secret of privateKeySecrets(key)) expect(text).not.toContain(secret);
  }

  /** Opens a wss:// viewer of cam-1 and resolves with the message types it got once an init segment came. */
  async function watch(url: string, ticketKey: Buffer, ca: string): Promise<string[]> {
    const socket = new WebSocket(`${url}/cameras/cam-1?ticket=${signTicket(ticketKey, 'cam-1', Date.now() + 60_000)}`, { origin: ORIGIN, ca });
    socket.on('error', () => undefined);
    const received: string[] = [];
    socket.on('message', (data: Buffer, isBinary) => void received.push(isBinary ? 'binary' : JSON.parse(data.toString()).type));
    try {
      await waitFor(`an init segment from ${url}`, () => received.includes('init') && received.includes('binary'));
      return received;
    } finally {
      socket.terminate();
    }
  }

  tlsIt('binds the host it is given, serves wss:// with the TLS it got over IPC, keeps host, port and TLS across a restart, and never shows the key', async () => {
    const tls = selfSignedCertificate();
    const { logger, lines } = recordingLogger();
    const ticketKey = randomBytes(32);
    gateway = await MediaGateway.start({ logger, ticketKey, allowedOrigins: [ORIGIN], cameras: [camera], host: '0.0.0.0', tls, backoff: { initialMilliseconds: 100, maximumMilliseconds: 100 } });
    const port = gateway.port;
    expect(port).toBeGreaterThan(0);
    expect(gateway.secure).toBe(true);
    expect(gateway.url).toBe(`wss://0.0.0.0:${port}`);
    expect(lines).toContainEqual({ level: 'info', object: expect.objectContaining({ host: '0.0.0.0', port, secure: true }), message: 'media gateway listening' });

    // Main hands each client the address it reached the server by: here loopback.
    expect(await watch(`wss://127.0.0.1:${port}`, ticketKey, tls.cert)).toContain('init');

    // The key came over IPC only.
    const firstChild = gateway.processId!;
    for (const file of ['cmdline', 'environ']) expectNoKey(readFileSync(`/proc/${firstChild}/${file}`, 'utf8'), tls.key);

    // A restarted gateway gets host and TLS again, and the same port.
    process.kill(firstChild, 'SIGKILL');
    await waitFor('a new gateway', () => gateway!.processId !== undefined && gateway!.processId !== firstChild && lines.filter((line) => line.message === 'media gateway listening').length === 2);
    expect(gateway).toMatchObject({ port, secure: true, url: `wss://0.0.0.0:${port}` });
    expect(await watch(`wss://127.0.0.1:${port}`, ticketKey, tls.cert)).toContain('init');

    await gateway.dispose();
    gateway = undefined;
    expectNoKey(JSON.stringify(lines), tls.key);
  }, 60_000);

  it.skipIf(!requireOpenssl())('fails to start with the reason, and without the key, when the certificate and key do not match', async () => {
    const tls = selfSignedCertificate();
    const other = selfSignedCertificate();
    const { logger, lines } = recordingLogger();
    const started = MediaGateway.start({ logger, ticketKey: randomBytes(32), allowedOrigins: [ORIGIN], cameras: [], tls: { cert: tls.cert, key: other.key } });
    const error = await started.then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/cannot serve wss:\/\/ with this certificate and key/);
    expectNoKey(`${error?.message} ${JSON.stringify(lines)}`, other.key);
  }, 30_000);

  it('fails to start with the reason when the host is not an address of this machine, and refuses one that is not an address at all', async () => {
    const { logger } = recordingLogger();
    const options = { logger, ticketKey: randomBytes(32), allowedOrigins: [ORIGIN], cameras: [] };
    await expect(MediaGateway.start({ ...options, host: '192.0.2.1' })).rejects.toThrow(/EADDRNOTAVAIL/);
    await expect(MediaGateway.start({ ...options, host: 'ws://0.0.0.0' })).rejects.toThrow(/not an address or host name/);
  }, 30_000);
});

describe('gateway process', () => {
  ffmpegIt('refuses a message outside the contract, and closes everything when main goes away (IPC disconnect)', async () => {
    const child = fork(fileURLToPath(new URL('./gateway-process.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const events: GatewayEvent[] = [];
    child.on('message', (raw) => events.push(GatewayEventSchema.parse(raw)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor('ready', () => events.some((event) => event.type === 'ready'));
      child.send({ type: 'configure', cameras: 'all of them' });
      await waitFor('a refusal', () => events.find((event) => event.type === 'refused'));
      child.send({
        type: 'configure',
        ticketKey: randomBytes(32).toString('base64'),
        allowedOrigins: [ORIGIN],
        cameras: [{ id: 'cam-1', source: { kind: 'test-pattern', pattern: 'testsrc2', size: '320x180', fps: 15 } }],
      });
      const listening = await waitFor('listening', () => events.find((event) => event.type === 'listening'));
      expect(listening.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      await waitFor('cam-1 live', () => events.some((event) => event.type === 'health' && event.cameras['cam-1']?.state === 'live'));
      const ffmpeg = testPatternProcesses(child.pid!);
      expect(ffmpeg).toHaveLength(1);

      child.disconnect();
      expect(await exited).toBe(0);
      expect(ffmpeg.filter(isRunning)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  }, 60_000);
});
