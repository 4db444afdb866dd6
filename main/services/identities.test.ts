// Users, tokens and sessions in the state database: what a person can do with them, when they stop working, and that no secret is stored in clear.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csrfMatches, Identities, IdentityError, type Principal } from './identities.ts';
import { STATE_FILE_NAME, StateStore } from './state-store.ts';

const PASSWORD = 'Mật khẩu đủ dài 2026';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let directory: string;
let store: StateStore;
let clock: number;
let identities: Identities;

beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'ioc-wall-identities-'));
  store = StateStore.open(directory);
  clock = Date.UTC(2026, 10, 26, 8, 0, 0);
  identities = new Identities(store, () => clock);
});

afterEach(() => {
  store.dispose();
  rmSync(directory, { recursive: true, force: true });
});

const idle = (minutes: number) => () => minutes * MINUTE;

describe('users', () => {
  it('adds, lists, disables, enables and changes the password of a user', async () => {
    await identities.addUser('an', 'duty-officer', PASSWORD);
    clock += MINUTE;
    await identities.addUser('binh', 'viewer', 'another long password');
    expect(identities.listUsers()).toEqual([
      { name: 'an', role: 'duty-officer', disabled: false, createdAt: clock - MINUTE, changedAt: clock - MINUTE },
      { name: 'binh', role: 'viewer', disabled: false, createdAt: clock, changedAt: clock },
    ]);
    expect(await identities.checkPassword('an', PASSWORD)).toMatchObject({ name: 'an', role: 'duty-officer' });
    expect(await identities.checkPassword('an', 'another long password')).toBeUndefined();
    // The password is compared as NFC: the same Vietnamese typed with combining marks signs in.
    expect(await identities.checkPassword('an', PASSWORD.normalize('NFD'))).toBeDefined();

    clock += MINUTE;
    identities.disableUser('an');
    expect(identities.listUsers()[0]).toMatchObject({ name: 'an', disabled: true, changedAt: clock });
    expect(await identities.checkPassword('an', PASSWORD)).toBeUndefined();
    identities.disableUser('an'); // twice is not an error
    identities.enableUser('an');
    expect(await identities.checkPassword('an', PASSWORD)).toBeDefined();

    await identities.setPassword('an', 'a brand new password');
    expect(await identities.checkPassword('an', PASSWORD)).toBeUndefined();
    expect(await identities.checkPassword('an', 'a brand new password')).toMatchObject({ name: 'an' });
  });

  it('refuses a weak password, a taken name, a bad name and an unknown user', async () => {
    await expect(identities.addUser('an', 'operator', 'short')).rejects.toThrow(/at least 12 characters/);
    await identities.addUser('an', 'operator', PASSWORD);
    await expect(identities.addUser('an', 'admin', PASSWORD)).rejects.toThrow(new IdentityError("user 'an' already exists"));
    await expect(identities.addUser('An Nguyen', 'operator', PASSWORD)).rejects.toThrow(IdentityError);
    await expect(identities.setPassword('an', 'too short')).rejects.toThrow(/at least 12 characters/);
    await expect(identities.setPassword('ghost', PASSWORD)).rejects.toThrow("no user 'ghost'");
    expect(() => identities.disableUser('ghost')).toThrow("no user 'ghost'");
    expect(() => identities.enableUser('ghost')).toThrow("no user 'ghost'");
    expect(identities.listUsers().map((user) => [user.name, user.role])).toEqual([['an', 'operator']]);
  });

  it('answers undefined for an unknown user, after the same password work as for a known one', async () => {
    await identities.addUser('an', 'operator', PASSWORD);
    const time = async (name: string) => {
      const start = performance.now();
      const user = await identities.checkPassword(name, 'wrong password 123');
      return { user, milliseconds: performance.now() - start };
    };
    await time('ghost'); // the dummy hash is made once, on first use
    const known = [];
    const unknown = [];
    for (let round = 0; round < 3; round++) {
      known.push(await time('an'));
      unknown.push(await time('ghost'));
    }
    expect([...known, ...unknown].every((attempt) => attempt.user === undefined)).toBe(true);
    // Both run scrypt (tens of ms): an unknown name does not answer faster. The fastest of three ignores pauses.
    const fastest = (attempts: { milliseconds: number }[]) => Math.min(...attempts.map((attempt) => attempt.milliseconds));
    expect(fastest(unknown)).toBeGreaterThan(fastest(known) / 3);
  });
});

describe('tokens', () => {
  it('creates a token shown once, verifies it, and stops it when revoked', () => {
    const { token, id } = identities.createToken({ label: 'scada bridge', role: 'operator' });
    expect(token).toMatch(new RegExp(`^iocw_${id}_[A-Za-z0-9_-]{43}$`));
    expect(identities.tokenPrincipal(token)).toEqual({ actor: `token:${id}`, role: 'operator', credential: { kind: 'token', id } });
    expect(identities.listTokens()).toEqual([{ id, label: 'scada bridge', role: 'operator', screen: null, createdAt: clock, expiresAt: null, revokedAt: null }]);

    // A forged secret with a real id, and garbage, are nobody.
    expect(identities.tokenPrincipal(`iocw_${id}_${'A'.repeat(43)}`)).toBeUndefined();
    expect(identities.tokenPrincipal('not a token')).toBeUndefined();

    clock += MINUTE;
    identities.revokeToken(id);
    expect(identities.tokenPrincipal(token)).toBeUndefined();
    expect(identities.listTokens()[0]!.revokedAt).toBe(clock);
    identities.revokeToken(id); // twice is not an error
    expect(() => identities.revokeToken('000000000000')).toThrow("no token '000000000000'");
  });

  it('stops a token at its expiry', () => {
    const { token } = identities.createToken({ label: 'contractor', role: 'viewer', expiresAt: clock + 12 * HOUR });
    clock += 12 * HOUR - 1;
    expect(identities.tokenPrincipal(token)).toMatchObject({ role: 'viewer' });
    clock += 1;
    expect(identities.tokenPrincipal(token)).toBeUndefined();
  });

  it('binds a display token to one screen, and refuses one without a screen', () => {
    expect(() => identities.createToken({ label: 'display', role: 'display' })).toThrow(/give --screen/);
    expect(() => identities.createToken({ label: 'op', role: 'operator', screen: 'S01' })).toThrow(/only for display tokens/);
    expect(() => identities.createToken({ label: 'x', role: 'superuser' as 'admin' })).toThrow(/unknown role 'superuser'/);
    const { token, id } = identities.createToken({ label: 'display S01', role: 'display', screen: 'S01' });
    expect(identities.tokenPrincipal(token)).toEqual({ actor: `token:${id}`, role: 'display', screen: 'S01', credential: { kind: 'token', id } });
  });
});

describe('sessions', () => {
  const userPrincipal = (name: string, role: Principal['role'] = 'operator'): Principal => ({ actor: `user:${name}`, role, credential: { kind: 'admin' } });

  it('ends a session after its idle time and after its absolute lifetime, and touches it on use', async () => {
    await identities.addUser('an', 'operator', PASSWORD);
    const { id } = identities.openSession(userPrincipal('an'), 12 * HOUR);
    // Used every 20 minutes, a 30-minute idle limit never ends it ...
    for (let step = 0; step < 35; step++) {
      clock += 20 * MINUTE;
      expect(identities.session(id, idle(30)), `after ${(step + 1) * 20} min`).toMatchObject({ principal: { actor: 'user:an', role: 'operator' } });
    }
    // ... until the shift ends (12 h absolute).
    clock += 21 * MINUTE;
    expect(identities.session(id, idle(30))).toBeUndefined();

    const second = identities.openSession(userPrincipal('an'), 12 * HOUR);
    clock += 31 * MINUTE;
    expect(identities.session(second.id, idle(30))).toBeUndefined();
    // Once ended it stays ended, even for a caller with a longer idle limit.
    expect(identities.session(second.id, idle(600))).toBeUndefined();
  });

  it('ends the sessions of a disabled user, of a new password, and of a revoked token, also for open sockets', async () => {
    await identities.addUser('an', 'operator', PASSWORD);
    const first = identities.openSession(userPrincipal('an'), 12 * HOUR);
    const held = identities.session(first.id, idle(30))!.principal;
    expect(held.credential).toMatchObject({ kind: 'session' });
    expect(identities.stillValid(held, 30 * MINUTE)).toBe(true);
    identities.disableUser('an');
    expect(identities.session(first.id, idle(30))).toBeUndefined();
    expect(identities.stillValid(held, 30 * MINUTE)).toBe(false);

    identities.enableUser('an');
    const second = identities.openSession(userPrincipal('an'), 12 * HOUR);
    await identities.setPassword('an', 'a brand new password');
    expect(identities.session(second.id, idle(30))).toBeUndefined();

    const { token, id } = identities.createToken({ label: 'display S07', role: 'display', screen: 'S07' });
    const display = identities.openSession(identities.tokenPrincipal(token)!, 400 * 24 * HOUR);
    const displayPrincipal = identities.session(display.id, idle(400 * 24 * 60))!.principal;
    expect(displayPrincipal).toMatchObject({ actor: `token:${id}`, role: 'display', screen: 'S07' });
    const tokenPrincipal = identities.tokenPrincipal(token)!;
    identities.revokeToken(id);
    expect(identities.session(display.id, idle(400 * 24 * 60))).toBeUndefined();
    expect(identities.stillValid(displayPrincipal, 400 * 24 * HOUR)).toBe(false);
    expect(identities.stillValid(tokenPrincipal, 0)).toBe(false);
  });

  it('ends a session when it is closed, and when its token expires', () => {
    const { token } = identities.createToken({ label: 'display S02', role: 'display', screen: 'S02', expiresAt: clock + HOUR });
    const session = identities.openSession(identities.tokenPrincipal(token)!, 400 * 24 * HOUR);
    expect(identities.session(session.id, idle(600))).toBeDefined();
    clock += HOUR;
    expect(identities.session(session.id, idle(600))).toBeUndefined();

    const other = identities.openSession({ actor: 'console:admin', role: 'admin', credential: { kind: 'admin' } }, HOUR);
    identities.closeSession(other.id);
    expect(identities.session(other.id, idle(30))).toBeUndefined();
  });

  it('matches the CSRF token of the session only', () => {
    const { id, csrf } = identities.openSession({ actor: 'console:admin', role: 'admin', credential: { kind: 'admin' } }, HOUR);
    const { csrfHash } = identities.session(id, idle(30))!;
    expect(csrfMatches(csrf, csrfHash)).toBe(true);
    expect(csrfMatches(`${csrf}x`, csrfHash)).toBe(false);
    expect(csrfMatches(id, csrfHash)).toBe(false);
    expect(csrfMatches('', csrfHash)).toBe(false);
    expect(csrfMatches(undefined, csrfHash)).toBe(false);
  });

  it('changes the data version when another connection (the CLI) writes', () => {
    const before = identities.dataVersion();
    const other = StateStore.open(directory);
    new Identities(other).createToken({ label: 'from the cli', role: 'viewer' });
    other.dispose();
    expect(identities.dataVersion()).not.toBe(before);
  });
});

describe('the database', () => {
  it('holds no password, token, session id or CSRF token in clear', async () => {
    await identities.addUser('an', 'operator', PASSWORD);
    await identities.setPassword('an', 'the second password');
    const { token } = identities.createToken({ label: 'scada', role: 'operator' });
    const display = identities.createToken({ label: 'display S01', role: 'display', screen: 'S01' });
    const userSession = identities.openSession({ actor: 'user:an', role: 'operator', credential: { kind: 'admin' } }, HOUR);
    const displaySession = identities.openSession(identities.tokenPrincipal(display.token)!, HOUR);
    const secrets = [PASSWORD, 'the second password', token, token.split('_').at(-1)!, display.token, display.token.split('_').at(-1)!, userSession.id, userSession.csrf, displaySession.id, displaySession.csrf];

    // Every cell of every table, through a second connection ...
    const raw = new Database(path.join(directory, STATE_FILE_NAME), { readonly: true });
    const tables = raw.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    const cells = tables.flatMap(({ name }) => raw.prepare(`SELECT * FROM "${name}"`).all().flatMap((row) => Object.values(row as object).map(String)));
    raw.close();
    expect(cells.join('\n')).toContain('scrypt$');
    for (const secret of secrets) expect(cells.some((cell) => cell.includes(secret)), secret).toBe(false);
    // ... and every byte of the files, write-ahead log included (deleted rows linger in free pages).
    const files = readdirSync(directory).filter((name) => name.startsWith(STATE_FILE_NAME));
    expect(files).toContain(`${STATE_FILE_NAME}-wal`);
    for (const file of files) {
      const bytes = readFileSync(path.join(directory, file));
      for (const secret of secrets) expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${file}`).toBe(false);
    }
  });
});
