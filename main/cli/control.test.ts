// The control API and `ioc-wall scenes` against a real server: the admin token, console sessions, the audit log, durability across kill -9.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BIN = path.join(ROOT, 'bin/ioc-wall.js');
const TOKEN = 'test-admin-token-0123456789-abcdefghijklmnop';
const running = new Set<ChildProcessWithoutNullStreams>();

interface Server {
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
  readonly stderr: () => string;
  readonly stdout: () => string;
}

function serve(dataDirectory: string, environment: NodeJS.ProcessEnv = { IOC_WALL_ADMIN_TOKEN: TOKEN }): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--broker-port', '0', '--data-dir', dataDirectory], { cwd: ROOT, env: { ...process.env, IOC_WALL_ADMIN_TOKEN: undefined, ...environment } });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const url = /listening on (\S+)/.exec(stdout)?.[1];
      if (url) resolve({ url, child, stderr: () => stderr, stdout: () => stdout });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

const dataFolder = () => mkdtempSync(path.join(tmpdir(), 'ioc-wall-control-'));
const post = (url: string, headers: Record<string, string> = {}, body?: unknown) =>
  fetch(url, { method: 'POST', headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<any> => response.json();

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

describe('the control API', () => {
  it('switches scenes for the admin token only, and audits every attempt', async () => {
    const server = await serve(dataFolder());
    const anonymous = await post(`${server.url}/api/scenes/flood/activate`);
    expect(anonymous.status).toBe(401);
    expect((await json(anonymous)).message).toContain('Authorization: Bearer');
    expect((await post(`${server.url}/api/scenes/flood/activate`, bearer('wrong-token-of-enough-length-000000000'))).status).toBe(401);

    const answer = await post(`${server.url}/api/scenes/flood/activate`, bearer(TOKEN));
    expect(answer.status).toBe(200);
    expect(await json(answer)).toMatchObject({ sceneId: 'flood', version: 1, committedAt: expect.any(Number), screens: { flipped: [], late: [], failed: [] } });
    expect(await json(await fetch(`${server.url}/api/state`))).toMatchObject({ scene: { id: 'flood', version: 1, previous: 'normal' }, pending: null });
    expect((await post(`${server.url}/api/scenes/tsunami/activate`, bearer(TOKEN))).status).toBe(404);

    expect((await fetch(`${server.url}/api/audit`)).status).toBe(401);
    const audit = await json(await fetch(`${server.url}/api/audit`, { headers: bearer(TOKEN) }));
    expect(audit.map((entry: { actor: string; action: string; target: string; result: string }) => [entry.actor, entry.action, entry.target, entry.result])).toEqual([
      // An unknown scene is a refusal on the record too.
      ['env:admin', 'scene.activate', 'tsunami', 'refused'],
      ['env:admin', 'scene.activate', 'flood', 'ok'],
      ['anonymous', 'scene.activate', 'flood', 'refused'],
      ['anonymous', 'scene.activate', 'flood', 'refused'],
    ]);
    // The token is in no log, and not in the state database.
    expect(server.stderr() + server.stdout()).not.toContain(TOKEN);
    expect(readFileSync(path.join(server.child.spawnargs.at(-1)!, 'state.sqlite')).includes(TOKEN)).toBe(false);
  });

  it('refuses to start with a short admin token', async () => {
    await expect(serve(dataFolder(), { IOC_WALL_ADMIN_TOKEN: 'short' })).rejects.toThrow(/at least 32 characters/);
  });

  it('comes back after kill -9 on the last scene it answered 200 for', async () => {
    const data = dataFolder();
    const first = await serve(data);
    for (const scene of ['flood', 'epidemic', 'traffic_incident']) expect((await post(`${first.url}/api/scenes/${scene}/activate`, bearer(TOKEN))).status).toBe(200);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await serve(data);
    expect(await json(await fetch(`${second.url}/api/state`))).toMatchObject({ scene: { id: 'traffic_incident', version: 3, previous: 'epidemic' } });
    expect((await json(await post(`${second.url}/api/scenes/previous`, bearer(TOKEN)))).sceneId).toBe('epidemic');
  });

  it('survives kill -9 in the middle of a burst of switches: never older than the last one answered 200', async () => {
    const data = dataFolder();
    const scenes = ['flood', 'epidemic', 'traffic_incident', 'normal'];
    for (let round = 0; round < 3; round++) {
      const server = await serve(data);
      let answered: { sceneId: string; version: number } | undefined;
      let index = 0;
      const burst = (async () => {
        for (;;) {
          const response = await post(`${server.url}/api/scenes/${scenes[index++ % scenes.length]}/activate`, bearer(TOKEN)).catch(() => undefined);
          if (!response) return;
          if (response.status === 200) answered = await json(response);
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 300));
      server.child.kill('SIGKILL');
      await burst;
      expect(answered, 'some switches were answered before the kill').toBeDefined();
      const restarted = await serve(data);
      const state = (await json(await fetch(`${restarted.url}/api/state`))).scene;
      // The last answered switch, or one committed after it whose answer the kill cut off.
      expect(state.version).toBeGreaterThanOrEqual(answered!.version);
      expect(state.version).toBeLessThanOrEqual(answered!.version + 1);
      if (state.version === answered!.version) expect(state.id).toBe(answered!.sceneId);
      restarted.child.kill('SIGKILL');
      await new Promise((resolve) => restarted.child.once('exit', resolve));
    }
    const { StateStore } = await import('../services/state-store.ts');
    const store = StateStore.open(data);
    expect(store.integrityCheck()).toBe('ok');
    expect(store.audit({ limit: 5 }).length).toBe(5);
    store.dispose();
  });

  it('opens a console session from the one-time code of the printed link, and refuses cross-site use of it', async () => {
    const data = dataFolder();
    const server = await serve(data, {});
    expect(statSync(path.join(data, 'admin-token')).mode & 0o777).toBe(0o600);
    const link = await new Promise<string>((resolve) => {
      const poll = setInterval(() => {
        const found = /console \(sign-in link[^)]*\): (\S+)/.exec(server.stderr())?.[1];
        if (found) {
          clearInterval(poll);
          resolve(found);
        }
      }, 20);
    });
    const code = new URL(link).hash.replace('#login=', '');
    const origin = { origin: server.url };
    const session = await post(`${server.url}/api/session`, origin, { code });
    expect(session.status).toBe(200);
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^ioc_wall_session=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
    expect((await post(`${server.url}/api/session`, origin, { code })).status).toBe(401); // once only

    const withCookie = { cookie: cookie.split(';')[0]! };
    const { csrf } = (await session.json()) as { csrf: string };
    const csrfHeader = { 'x-csrf-token': csrf };
    expect((await post(`${server.url}/api/scenes/epidemic/activate`, { ...withCookie, ...origin, ...csrfHeader })).status).toBe(200);
    // The cookie alone is not enough: a cross-site page has neither our Origin nor the CSRF token.
    expect((await post(`${server.url}/api/scenes/flood/activate`, { ...withCookie, ...origin })).status).toBe(403);
    expect((await post(`${server.url}/api/scenes/flood/activate`, { ...withCookie, ...csrfHeader })).status).toBe(403);
    expect((await post(`${server.url}/api/scenes/flood/activate`, { ...withCookie, ...csrfHeader, origin: 'http://evil.example' })).status).toBe(403);
    const [latest] = await json(await fetch(`${server.url}/api/audit`, { headers: bearer(readFileSync(path.join(data, 'admin-token'), 'utf8').trim()) }));
    expect(latest).toMatchObject({ actor: 'console:admin', result: 'refused', detail: { reason: expect.stringContaining('X-CSRF-Token') } });
    expect(server.stderr()).not.toContain(readFileSync(path.join(data, 'admin-token'), 'utf8').trim());
  });

  it('is driven by `ioc-wall scenes` with the token from IOC_WALL_TOKEN', async () => {
    const server = await serve(dataFolder());
    const run = (args: string[], environment: NodeJS.ProcessEnv = { IOC_WALL_TOKEN: TOKEN }) =>
      promisify(execFile)(process.execPath, [BIN, 'scenes', ...args, '--server', server.url], { cwd: ROOT, env: { ...process.env, ...environment } }).then(
        (result) => ({ code: 0, ...result }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const activated = await run(['activate', 'epidemic']);
    expect(activated.code).toBe(0);
    expect(activated.stdout).toMatch(/^epidemic: version 1, committed \S+: 0 flipped, 0 late, 0 failed\n$/);
    expect((await run(['list'])).stdout).toMatch(/^\*\s+epidemic\s+F4\s+Dịch bệnh \/ Epidemic$/m);
    expect((await run(['previous'])).stdout).toMatch(/^normal: version 2/);
    const refused = await run(['activate', 'flood'], { IOC_WALL_TOKEN: '' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('set IOC_WALL_TOKEN to the admin token');
    expect((await run(['activate'])).code).toBe(2);
  });

  it('identifies the screens through the command path, for the admin only', async () => {
    const server = await serve(dataFolder());
    const identify = (environment: NodeJS.ProcessEnv) =>
      promisify(execFile)(process.execPath, [BIN, 'identify', '--seconds', '5', '--server', server.url], { cwd: ROOT, env: { ...process.env, ...environment } }).then(
        (result) => ({ code: 0, ...result }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    expect(await identify({ IOC_WALL_TOKEN: TOKEN })).toMatchObject({ code: 0, stdout: 'identifying 0 screens for 5 s: (no screen connected)\n' });
    expect((await identify({ IOC_WALL_TOKEN: '' })).code).toBe(1);
    const [latest, previous] = await json(await fetch(`${server.url}/api/audit`, { headers: bearer(TOKEN) }));
    expect([latest.action, latest.result, previous.action, previous.result]).toEqual(['screens.identify', 'refused', 'screens.identify', 'ok']);
  });
});
