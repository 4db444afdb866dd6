// `ioc-wall serve` as a process: the listening line, loopback only, the data folder, hot reload, the last good layout, a clean stop.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { request as httpsRequest } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { requireOpenssl, selfSignedCertificate } from '../../device-drivers/rtsp/test-certificate.ts';
import WebSocket from 'ws';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const REFERENCE = path.join(ROOT, 'wall-layouts/ioc-province.yaml');
const running = new Set<ChildProcessWithoutNullStreams>();

interface Served {
  readonly process: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly stdout: string[];
  readonly stderr: string[];
}

/** A layout folder of its own (the server watches it), holding a copy of the reference wall and its map image path. */
function layoutFolder(): { file: string; dataDirectory: string } {
  const folder = mkdtempSync(path.join(tmpdir(), 'ioc-wall-serve-'));
  const file = path.join(folder, 'wall.yaml');
  writeFileSync(file, readFileSync(REFERENCE, 'utf8').replace('../assets/maps/province-outline.svg', path.join(ROOT, 'assets/maps/province-outline.svg')));
  return { file, dataDirectory: path.join(folder, 'data') };
}

function serve(...args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/ioc-wall.js'), 'serve', '--port', '0', '--broker-port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, IOC_WALL_LOG_LEVEL: 'info' },
  });
  running.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (text: string) => stderr.push(text));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout.push(text);
      const match = /^ioc-wall: listening on (https?:\/\/\S+)$/m.exec(stdout.join(''));
      if (match) resolve({ process: child, url: match[1]!, stdout, stderr });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr.join('')}`)));
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve)));
}

async function eventually<T>(probe: () => Promise<T | undefined>, milliseconds = 10_000): Promise<T> {
  const deadline = Date.now() + milliseconds;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** JSON of a GET, typed loosely: these tests read a few fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const getJson = async (url: string): Promise<any> => (await fetch(url)).json();

const health = async (url: string) => (await fetch(`${url}/healthz`)).json() as Promise<{ status: string; layout: { version: number; lastError?: { problems: string[] } } }>;

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

describe('ioc-wall serve', () => {
  it('prints exactly one listening line, serves /api/wall as describe --json does, and stops cleanly on SIGTERM', async () => {
    const { file, dataDirectory } = layoutFolder();
    const served = await serve('--layout', file, '--data-dir', dataDirectory);
    expect(served.stdout.join('')).toMatch(/^ioc-wall: listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(statSync(dataDirectory).mode & 0o777).toBe(0o700);

    const wall = await getJson(`${served.url}/api/wall`);
    expect(wall.plan.screens).toHaveLength(18);
    expect(Object.keys(wall)).toEqual(['wall', 'screens', 'fields', 'series', 'panels', 'scenes', 'plan']);
    expect(await health(served.url)).toMatchObject({ status: 'degraded', screens: { expected: 18, connected: 0 }, layout: { version: 1 } });

    // A connected screen is told the server is restarting before it goes.
    const socket = new WebSocket(`${served.url.replace('http', 'ws')}/bridge`);
    const messages: string[] = [];
    socket.on('message', (data) => messages.push(String(data)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'hello', protocol: 1, screens: ['S01'], client: 'screen' }));
    await eventually(async () => (messages.length > 0 ? true : undefined));
    served.process.kill('SIGTERM');
    expect(await exitOf(served.process)).toBe(0);
    expect(messages.map((message) => JSON.parse(message).type)).toContain('restarting');
  });

  it('prints one JSON line with --json', async () => {
    const { file, dataDirectory } = layoutFolder();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/ioc-wall.js'), 'serve', '--port', '0', '--broker-port', '0', '--json', '--layout', file, '--data-dir', dataDirectory]);
    running.add(child);
    const line = await new Promise<string>((resolve) => child.stdout.setEncoding('utf8').once('data', resolve));
    expect(JSON.parse(line)).toEqual({ event: 'listening', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), port: expect.any(Number), host: '127.0.0.1' });
    expect(line.endsWith('}\n')).toBe(true);
  });

  it('stops with a hint when the embedded broker port is taken, and names the port it took', async () => {
    const { file, dataDirectory } = layoutFolder();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/ioc-wall.js'), 'serve', '--port', '0', '--broker-port', String(port), '--layout', file, '--data-dir', dataDirectory]);
      running.add(child);
      let stderr = '';
      child.stderr.on('data', (text) => (stderr += text));
      expect(await exitOf(child)).toBe(1);
      expect(stderr).toContain(`port ${port} on 127.0.0.1 is in use (another MQTT broker?): pass --broker-port 0 to take a free port`);
    } finally {
      blocker.close();
    }
    const served = await serve('--layout', file, '--data-dir', dataDirectory);
    await eventually(async () => (/embedded MQTT broker on mqtt:\/\/127\.0\.0\.1:\d+ \(loopback only\)/.test(served.stderr.join('')) ? true : undefined));
  });

  it('bound to every address, refuses anonymous requests to every route but the page shells, and serves a token', async () => {
    const { file, dataDirectory } = layoutFolder();
    const served = await serve('--host', '0.0.0.0', '--layout', file, '--data-dir', dataDirectory);
    expect(served.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await eventually(async () => (served.stderr.join('').includes('passwords, session cookies and display tokens cross the LAN in clear') ? true : undefined));
    const local = served.url.replace('0.0.0.0', '127.0.0.1');
    const status = async (route: string, init: RequestInit = {}) => (await fetch(`${local}${route}`, init)).status;
    for (const route of ['/', '/api/wall', '/healthz', '/metrics', '/api/state', '/api/scenes', '/api/audit', '/api/telemetry', '/api/telemetry/topics', '/api/cameras', '/api/session', '/panel-image/map_outline']) {
      expect(await status(route), route).toBe(401);
    }
    for (const route of ['/api/scenes/flood/activate', '/api/scenes/previous', '/api/identify']) expect(await status(route, { method: 'POST' }), route).toBe(401);
    // The page shells load (they hold no data) so that a person can sign in and a display can present its token.
    for (const route of ['/console', '/screen/S01', '/wall']) expect(await status(route), route).toBe(200);
    const bridgeClosed = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${local.replace('http', 'ws')}/bridge`);
      socket.on('close', (code) => resolve(code));
    });
    expect(bridgeClosed).toBe(4401);
    const token = readFileSync(path.join(dataDirectory, 'admin-token'), 'utf8').trim();
    const authorised = { headers: { authorization: `Bearer ${token}` } };
    for (const route of ['/api/state', '/metrics', '/api/cameras', '/healthz']) expect(await status(route, authorised), route).toBe(200);
    expect(served.stderr.join('')).not.toContain(token);
  });

  (requireOpenssl() ? it : it.skip)('serves HTTPS and WSS with --tls-cert/--tls-key, with Secure cookies, and a wss:// media gateway', async () => {
    const { file, dataDirectory } = layoutFolder();
    const folder = mkdtempSync(path.join(tmpdir(), 'ioc-wall-tls-'));
    const certificate = selfSignedCertificate();
    writeFileSync(path.join(folder, 'cert.pem'), certificate.cert);
    writeFileSync(path.join(folder, 'key.pem'), certificate.key, { mode: 0o600 });
    const served = await serve('--layout', file, '--data-dir', dataDirectory, '--tls-cert', path.join(folder, 'cert.pem'), '--tls-key', path.join(folder, 'key.pem'));
    expect(served.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const get = (route: string, headers: Record<string, string> = {}, method = 'GET', body?: string) =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
        const request = httpsRequest(`${served.url}${route}`, { method, headers, ca: certificate.cert }, (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
        });
        request.on('error', reject);
        request.end(body);
      });
    expect((await get('/console')).status).toBe(200);
    const csp = String((await get('/screen/S06')).headers['content-security-policy']);
    expect(csp).toMatch(/connect-src 'self' wss:\/\/127\.0\.0\.1:\d+/);
    const link = await eventually(async () => /console#login=(\S+)/.exec(served.stderr.join(''))?.[1]);
    const signedIn = await get('/api/session', { origin: served.url, 'content-type': 'application/json' }, 'POST', JSON.stringify({ code: link }));
    expect(signedIn.status).toBe(200);
    expect(String(signedIn.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Path=\/; Secure/);
    const assigned = await new Promise<{ type: string }>((resolve, reject) => {
      const socket = new WebSocket(`${served.url.replace('https', 'wss')}/bridge`, { ca: certificate.cert });
      socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', protocol: 1, screens: ['S01'], client: 'screen' })));
      socket.on('message', (data) => {
        resolve(JSON.parse(String(data)) as { type: string });
        socket.close();
      });
      socket.on('error', reject);
    });
    expect(assigned.type).toBe('assignment');
    expect(served.stderr.join('')).not.toContain(certificate.key.split('\n')[1]!);
  });

  it('reloads a valid change saved by rename, and keeps the last good layout when a change is broken', async () => {
    const { file, dataDirectory } = layoutFolder();
    const served = await serve('--layout', file, '--data-dir', dataDirectory);
    const original = readFileSync(file, 'utf8');

    // Save by writing a new file and renaming it over the old one, as editors do.
    writeFileSync(`${file}.tmp`, original.replace('defaultScene: normal', 'defaultScene: calibration'));
    renameSync(`${file}.tmp`, file);
    await eventually(async () => ((await health(served.url)).layout.version === 2 ? true : undefined));
    expect((await getJson(`${served.url}/api/wall`)).wall.defaultScene).toBe('calibration');

    writeFileSync(file, original.replace('defaultScene: normal', 'defaultScene: normall'));
    const rejected = await eventually(async () => (await health(served.url)).layout.lastError);
    expect(rejected.problems[0]).toMatch(new RegExp(`^${file}:\\d+:17: wall\\.defaultScene: unknown scene 'normall'`));
    expect(served.stderr.join('')).toContain("wall.defaultScene: unknown scene 'normall' (did you mean 'normal'?)");
    expect((await health(served.url)).layout.version).toBe(2);
    expect((await getJson(`${served.url}/api/wall`)).wall.defaultScene).toBe('calibration');
  });

  it('starts from the last good copy when the file is broken, and exits 1 when it has none', async () => {
    const { file, dataDirectory } = layoutFolder();
    const broken = readFileSync(file, 'utf8').replace('defaultScene: normal', 'defaultScene: nope');
    const backup = `${file}.good`;
    copyFileSync(file, backup);

    writeFileSync(file, broken);
    const refused = spawn(process.execPath, [path.join(ROOT, 'bin/ioc-wall.js'), 'serve', '--port', '0', '--broker-port', '0', '--layout', file, '--data-dir', dataDirectory]);
    let refusal = '';
    refused.stderr.on('data', (text) => (refusal += text));
    expect(await exitOf(refused as ChildProcessWithoutNullStreams)).toBe(1);
    expect(refusal).toContain("wall.defaultScene: unknown scene 'nope'");
    expect(refusal).toContain('there is no last good copy');

    copyFileSync(backup, file);
    const first = await serve('--layout', file, '--data-dir', dataDirectory);
    first.process.kill('SIGTERM');
    await exitOf(first.process);

    writeFileSync(file, broken);
    const second = await serve('--layout', file, '--data-dir', dataDirectory);
    expect(second.stderr.join('')).toContain('WARNING');
    expect(second.stderr.join('')).toContain('running the last good copy');
    const state = await health(second.url);
    expect(state.status).toBe('degraded');
    expect(state.layout.lastError?.problems[0]).toContain("unknown scene 'nope'");
    expect((await getJson(`${second.url}/api/wall`)).wall.defaultScene).toBe('normal');
  });
});
