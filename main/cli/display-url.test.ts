// `ioc-wall display-url` as a technician runs it: one URL on stdout with a display token for that screen, warnings for an unknown screen and for clear-text LAN use.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Authenticator } from '../services/auth.ts';
import { Identities } from '../services/identities.ts';
import { StateStore } from '../services/state-store.ts';
import { DEFAULT_LAYOUT as SERVE_DEFAULT_LAYOUT } from './serve.ts';
import { DEFAULT_LAYOUT } from './display-url.ts';
import { main } from './main.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BIN = path.join(ROOT, 'bin/ioc-wall.js');
const URL_TOKEN = /#token=(iocw_[0-9a-f]{12}_[A-Za-z0-9_-]{43})$/;

function ioc(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, IOC_WALL_DATA_DIR: undefined } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin.end();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const dataFolder = () => mkdtempSync(path.join(tmpdir(), 'ioc-wall-display-url-'));

describe('ioc-wall display-url', () => {
  it('prints the screen URL with a display token bound to that screen, and only that on stdout', async () => {
    const data = dataFolder();
    const result = await ioc(['display-url', 'S01', '--data-dir', data]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^http:\/\/127\.0\.0\.1:7300\/screen\/S01#token=iocw_\S+\n$/);
    const token = URL_TOKEN.exec(result.stdout.trim())![1]!;
    // The only line on stderr is the note, with no warning and no secret.
    expect(result.stderr).toMatch(/^ioc-wall display-url: created display token ([0-9a-f]{12}) for screen S01 \(no expiry\); the URL holds it and cannot be shown again: .* ioc-wall tokens revoke \1\n$/);
    expect(result.stderr).not.toContain(token.split('_').at(-1));

    const store = StateStore.open(data);
    const identities = new Identities(store);
    const [listed] = identities.listTokens();
    expect(listed).toMatchObject({ label: 'display S01', role: 'display', screen: 'S01', expiresAt: null });
    const authenticator = new Authenticator({ token: 'x'.repeat(32), actor: 'env:admin', source: 'test' }, identities);
    expect(authenticator.displaySession(token, 'S01')).toMatchObject({ kind: 'ok', principal: { role: 'display', screen: 'S01' } });
    expect(authenticator.displaySession(token, 'S02').kind).toBe('refused');
    store.dispose();
  });

  it('warns when the server URL sends the token in clear over the LAN, and not for https or loopback', async () => {
    const data = dataFolder();
    const [lan, tls, proxied, loopback] = await Promise.all([
      ioc(['display-url', 'S02', '--server', 'http://10.20.0.5:7300/', '--expires', '90d', '--data-dir', data]),
      ioc(['display-url', 'S03', '--server', 'https://wall.ioc.example', '--data-dir', data]),
      ioc(['display-url', 'S04', '--server', 'https://ioc.example/wall/', '--data-dir', data]),
      ioc(['display-url', 'S05', '--server', 'http://localhost:7400', '--data-dir', data]),
    ]);
    expect(lan.stdout).toMatch(/^http:\/\/10\.20\.0\.5:7300\/screen\/S02#token=iocw_\S+\n$/);
    expect(lan.stderr).toContain('warning: http://10.20.0.5:7300 is plain http and not this machine: the token travels in clear on the LAN: serve with --tls-cert/--tls-key');
    expect(lan.stderr).toMatch(/\(expires \d{4}-\d\d-\d\dT\S+Z\)/);
    expect(tls.stdout).toMatch(/^https:\/\/wall\.ioc\.example\/screen\/S03#token=/);
    expect(proxied.stdout).toMatch(/^https:\/\/ioc\.example\/wall\/screen\/S04#token=/);
    expect(loopback.stdout).toMatch(/^http:\/\/localhost:7400\/screen\/S05#token=/);
    for (const quiet of [tls, proxied, loopback]) expect(quiet.stderr).not.toContain('warning');

    const store = StateStore.open(data);
    const [expiring] = new Identities(store).listTokens().filter((token) => token.screen === 'S02');
    expect(expiring!.expiresAt! - expiring!.createdAt).toBe(90 * 24 * 3_600_000);
    store.dispose();
  });

  it('warns when the layout has no such screen, and checks the layout --layout names', async () => {
    const data = dataFolder();
    const layout = path.join(dataFolder(), 'lab.yaml');
    writeFileSync(layout, '');
    const [unknown, lab, broken] = await Promise.all([
      ioc(['display-url', 'S99', '--data-dir', data]),
      ioc(['display-url', 'L1', '--layout', path.join(ROOT, 'wall-layouts/irregular-lab.yaml'), '--data-dir', data]),
      ioc(['display-url', 'S01', '--layout', layout, '--data-dir', data]),
    ]);
    expect(unknown.code).toBe(0);
    expect(unknown.stderr).toContain(`warning: screen 'S99' is not in the layout ${DEFAULT_LAYOUT} (its screens: S01 S02 S03`);
    expect(unknown.stdout).toMatch(/\/screen\/S99#token=/);
    expect(lab).toMatchObject({ code: 0, stdout: expect.stringMatching(/\/screen\/L1#token=/) });
    expect(lab.stderr).not.toContain('warning');
    expect(broken.code).toBe(0);
    expect(broken.stderr).toContain(`warning: could not check screen 'S01' against ${layout}: the layout has errors`);
    expect(DEFAULT_LAYOUT).toBe(SERVE_DEFAULT_LAYOUT);
  });

  it('refuses a missing or bad screen and a bad server URL (exit 2)', async () => {
    const run = async (...argv: string[]) => {
      const err: string[] = [];
      const out: string[] = [];
      const code = await main([...argv, '--data-dir', path.join(tmpdir(), 'ioc-wall-display-url-never-made')], { out: (line) => out.push(line), err: (line) => err.push(line) });
      expect(out).toEqual([]);
      return { code, err: err.join('\n') };
    };
    expect(await run('display-url')).toMatchObject({ code: 2, err: expect.stringContaining('name the screen') });
    expect(await run('display-url', 'S01', 'S02')).toMatchObject({ code: 2, err: expect.stringContaining("unexpected 'S02'") });
    expect(await run('display-url', 'S/../01')).toMatchObject({ code: 2, err: expect.stringContaining('is not a screen id') });
    expect(await run('display-url', 'S01', '--server', 'wall.local:7300')).toMatchObject({ code: 2, err: expect.stringContaining('--server must be') });
    expect(await run('display-url', 'S01', '--server', 'ftp://wall.local')).toMatchObject({ code: 2, err: expect.stringContaining('http:// or https://') });
    expect(await run('display-url', 'S01', '--server', 'http://admin:pw@wall.local')).toMatchObject({ code: 2, err: expect.stringContaining('no user, query or fragment') });
    expect(await run('display-url', 'S01', '--expires', 'forever')).toMatchObject({ code: 2, err: expect.stringContaining('--expires takes a duration') });
  });
});
