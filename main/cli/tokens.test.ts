// `ioc-wall tokens` as an administrator runs it: the secret printed once on stdout and nowhere else, listed without secrets, revoked at once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Identities } from '../services/identities.ts';
import { STATE_FILE_NAME, StateStore } from '../services/state-store.ts';
import { main } from './main.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BIN = path.join(ROOT, 'bin/ioc-wall.js');
const TOKEN_LINE = /^(iocw_([0-9a-f]{12})_[A-Za-z0-9_-]{43})\n$/;

function ioc(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, IOC_WALL_DATA_DIR: undefined } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin.end();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const dataFolder = () => mkdtempSync(path.join(tmpdir(), 'ioc-wall-tokens-'));

async function inProcess(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ioc-wall tokens', () => {
  it('creates a token printed once on stdout, lists it without the secret, and revokes it at once', async () => {
    const data = dataFolder();
    const started = Date.now();
    const created = await ioc(['tokens', 'create', '--role', 'operator', '--expires', '90d', '--label', 'SCADA bridge', '--data-dir', data]);
    expect(created.code).toBe(0);
    const [, token, id] = TOKEN_LINE.exec(created.stdout)!;
    expect(created.stderr).toMatch(new RegExp(`^ioc-wall tokens: created token ${id} 'SCADA bridge' \\(operator, expires \\S+\\); .*cannot be shown again\\. Revoke it with: ioc-wall tokens revoke ${id}\\n$`));
    const display = await ioc(['tokens', 'create', '--role', 'display', '--screen', 'S07', '--data-dir', data]);
    const [, displayToken, displayId] = TOKEN_LINE.exec(display.stdout)!;

    const list = await ioc(['tokens', 'list', '--data-dir', data]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^id\\s+label\\s+role\\s+screen\\s+created\\s+expires\\s+revoked\\n${id}\\s+SCADA bridge\\s+operator\\s+-\\s+\\S+Z\\s+\\S+Z\\s+-\\n${displayId}\\s+display S07\\s+display\\s+S07\\s+\\S+Z\\s+never\\s+-\\n$`));
    const json = JSON.parse((await ioc(['tokens', 'list', '--json', '--data-dir', data])).stdout);
    expect(json[0]).toEqual({ id, label: 'SCADA bridge', role: 'operator', screen: null, createdAt: expect.any(Number), expiresAt: expect.any(Number), revokedAt: null });
    expect(json[0].expiresAt - json[0].createdAt).toBe(90 * 24 * 3_600_000);
    expect(json[0].createdAt).toBeGreaterThanOrEqual(started);

    const store = StateStore.open(data);
    const identities = new Identities(store);
    expect(identities.tokenPrincipal(token!)).toMatchObject({ role: 'operator' });
    expect(identities.tokenPrincipal(displayToken!)).toMatchObject({ role: 'display', screen: 'S07' });
    const before = identities.dataVersion();

    // Revoked from another process while this connection stays open, as the running server's is.
    expect(await ioc(['tokens', 'revoke', id!, '--data-dir', data])).toEqual({ code: 0, stdout: `revoked token ${id} 'SCADA bridge'; a server using this database closes its connections at once\n`, stderr: '' });
    expect(identities.dataVersion()).not.toBe(before);
    expect(identities.tokenPrincipal(token!)).toBeUndefined();
    expect((await ioc(['tokens', 'list', '--data-dir', data])).stdout).toMatch(new RegExp(`^${id}\\s.*\\s\\S+Z$`, 'm'));
    expect(await ioc(['tokens', 'revoke', id!, '--data-dir', data])).toMatchObject({ code: 0, stdout: `token ${id} was already revoked\n` });
    expect(await ioc(['tokens', 'revoke', '000000000000', '--data-dir', data])).toMatchObject({ code: 1, stderr: "ioc-wall tokens: no token '000000000000' (ioc-wall tokens list shows the ids)\n" });

    expect(store.audit().map((entry) => [entry.action, entry.target, entry.result, entry.detail])).toEqual([
      ['token.revoke', '000000000000', 'refused', { message: "no token '000000000000'" }],
      ['token.revoke', id, 'ok', null],
      ['token.revoke', id, 'ok', null],
      ['token.create', 'display S07', 'ok', { id: displayId }],
      ['token.create', 'SCADA bridge', 'ok', { id }],
    ]);
    store.dispose();

    // The secrets were on stdout once, and nowhere else: not on stderr, not in a listing, not in the database.
    const everythingElse = [created.stderr, display.stderr, list.stdout, JSON.stringify(json)].join('\n');
    const database = Buffer.concat(readdirSync(data).filter((name) => name.startsWith(STATE_FILE_NAME)).map((name) => readFileSync(path.join(data, name))));
    for (const secret of [token!, displayToken!].flatMap((whole) => [whole, whole.split('_').at(-1)!])) {
      expect(everythingElse).not.toContain(secret);
      expect(database.includes(Buffer.from(secret))).toBe(false);
    }
  });

  it('refuses a request that cannot make a useful token (exit 2), before touching the database', async () => {
    for (const [argv, message] of [
      [['tokens', 'create'], "give the token's role"],
      [['tokens', 'create', '--role', 'root'], "unknown role 'root'; roles: viewer, operator, technician, duty-officer, admin, display"],
      [['tokens', 'create', '--role', 'display'], 'a display token is for one screen: give --screen <id>'],
      [['tokens', 'create', '--role', 'operator', '--screen', 'S01'], '--screen is only for display tokens'],
      [['tokens', 'create', '--role', 'display', '--screen', 'S 01'], "'S 01' is not a screen id"],
      [['tokens', 'create', '--role', 'viewer', '--expires', '3 months'], "--expires takes a duration such as 90d, 12h or 30m, not '3 months'"],
      [['tokens', 'create', '--role', 'viewer', '--label', 'x'.repeat(65)], '--label must be 1 to 64 characters'],
      [['tokens', 'list', '--role', 'viewer'], '--role, --screen, --expires and --label are for tokens create'],
      [['tokens', 'revoke'], 'name the token'],
      [['tokens', 'rotate'], "unknown action 'rotate'"],
    ] as const) {
      const result = await inProcess(...argv, '--data-dir', path.join(tmpdir(), 'ioc-wall-tokens-never-made'));
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toContain(message);
      expect(result.out).toBe('');
    }
    expect(readdirSync(tmpdir())).not.toContain('ioc-wall-tokens-never-made');
  });
});
