// Who a request is: the bootstrap admin token, user and display tokens, password sign-in with its lock, display sessions bound to a screen, the one-time console code.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Authenticator, loadAdminToken, SESSION_IDLE_MILLISECONDS, TokenTooShortError, type AdminToken, type LoginResult } from './auth.ts';
import { csrfMatches, Identities } from './identities.ts';
import { StateStore } from './state-store.ts';

const ADMIN: AdminToken = { token: 'test-admin-token-0123456789-abcdefghijklmnop', actor: 'env:admin', source: 'IOC_WALL_ADMIN_TOKEN' };
const PASSWORD = 'correct horse battery staple';
const MINUTE = 60_000;

let directory: string;
let store: StateStore;
let clock: number;
let identities: Identities;
let authenticator: Authenticator;

beforeEach(async () => {
  directory = mkdtempSync(path.join(tmpdir(), 'ioc-wall-auth-'));
  store = StateStore.open(directory);
  clock = Date.UTC(2026, 10, 26, 8, 0, 0);
  identities = new Identities(store, () => clock);
  authenticator = new Authenticator(ADMIN, identities, () => clock);
  await identities.addUser('an', 'duty-officer', PASSWORD);
});

afterEach(() => {
  store.dispose();
  rmSync(directory, { recursive: true, force: true });
});

function ok(result: LoginResult) {
  if (result.kind !== 'ok') throw new Error(`refused: ${result.message}`);
  return result;
}

describe('bearer tokens', () => {
  it('knows the admin token, and nobody for a wrong or malformed one', () => {
    expect(authenticator.identify({ authorization: `Bearer ${ADMIN.token}` })).toEqual({ principal: { actor: 'env:admin', role: 'admin', credential: { kind: 'admin' } } });
    expect(authenticator.identify({ authorization: `bearer  ${ADMIN.token} ` })?.principal.actor).toBe('env:admin');
    expect(authenticator.identify({ authorization: `Bearer ${ADMIN.token}x` })).toBeUndefined();
    expect(authenticator.identify({ authorization: `Basic ${ADMIN.token}` })).toBeUndefined();
    expect(authenticator.identify({})).toBeUndefined();
  });

  it('knows a user token by its role, until it is revoked', () => {
    const { token, id } = identities.createToken({ label: 'scada', role: 'operator' });
    const found = authenticator.identify({ authorization: `Bearer ${token}` });
    expect(found).toEqual({ principal: { actor: `token:${id}`, role: 'operator', credential: { kind: 'token', id } } });
    expect(authenticator.stillValid(found!.principal)).toBe(true);
    identities.revokeToken(id);
    expect(authenticator.identify({ authorization: `Bearer ${token}` })).toBeUndefined();
    expect(authenticator.stillValid(found!.principal)).toBe(false);
  });

  it('lets a bearer header win over a cookie, even a wrong one', () => {
    const { session } = ok(authenticator.openCodeSession(authenticator.newLoginCode()));
    expect(authenticator.identify({ sessionId: session.id })?.principal.actor).toBe('console:admin');
    expect(authenticator.identify({ authorization: 'Bearer wrong', sessionId: session.id })).toBeUndefined();
  });
});

describe('password sign-in', () => {
  it('opens a session for the right password, with a CSRF token', async () => {
    const result = ok(await authenticator.login('an', PASSWORD, '10.0.0.7'));
    expect(result.principal).toMatchObject({ actor: 'user:an', role: 'duty-officer', credential: { kind: 'session' } });
    const found = authenticator.identify({ sessionId: result.session.id })!;
    expect(found.principal).toMatchObject({ actor: 'user:an', role: 'duty-officer' });
    expect(csrfMatches(result.session.csrf, found.csrfHash!)).toBe(true);

    clock += SESSION_IDLE_MILLISECONDS + 1;
    expect(authenticator.identify({ sessionId: result.session.id })).toBeUndefined();
  });

  it('refuses a wrong password, an unknown user and a disabled one with the same message', async () => {
    const wrong = await authenticator.login('an', 'wrong password!!', '10.0.0.7');
    const unknown = await authenticator.login('ghost', PASSWORD, '10.0.0.8');
    identities.disableUser('an');
    const disabled = await authenticator.login('an', PASSWORD, '10.0.0.9');
    for (const result of [wrong, unknown, disabled]) expect(result).toEqual({ kind: 'refused', message: 'wrong user name or password, or the user is disabled' });
  });

  it('locks the user after 5 failures, tells when to retry, and lets them in after the lock', async () => {
    for (let attempt = 0; attempt < 5; attempt++) expect((await authenticator.login('an', `guess number ${attempt}`, `10.0.0.${attempt}`)).kind).toBe('refused');
    const locked = await authenticator.login('an', PASSWORD, '10.0.0.200');
    expect(locked).toMatchObject({ kind: 'refused', retryAfterSeconds: 900, message: expect.stringContaining('try again in 15 min') });
    clock += 10 * MINUTE;
    expect(await authenticator.login('an', PASSWORD, '10.0.0.200')).toMatchObject({ kind: 'refused', retryAfterSeconds: 300 });
    clock += 5 * MINUTE;
    ok(await authenticator.login('an', PASSWORD, '10.0.0.200'));
  });

  it('locks an address that guesses many names, but not the users it guessed', async () => {
    for (const name of ['admin', 'root', 'an', 'operator', 'test']) await authenticator.login(name, 'password1234', '203.0.113.5');
    expect(await authenticator.login('an', PASSWORD, '203.0.113.5')).toMatchObject({ kind: 'refused', retryAfterSeconds: 900 });
    ok(await authenticator.login('an', PASSWORD, '10.0.0.7'));
  });

  it('does not let parallel guesses get around the lock', async () => {
    const guesses = Array.from({ length: 12 }, (_, index) => authenticator.login('an', `guess number ${index}`, '203.0.113.9'));
    const results = await Promise.all([...guesses, authenticator.login('an', PASSWORD, '203.0.113.9')]);
    expect(results.filter((result) => result.kind === 'ok')).toEqual([]);
  });
});

describe('display sessions', () => {
  it('binds a display session to the screen of its token', () => {
    const { token, id } = identities.createToken({ label: 'display S01', role: 'display', screen: 'S01' });
    const result = ok(authenticator.displaySession(token, 'S01'));
    expect(result.principal).toMatchObject({ actor: `token:${id}`, role: 'display', screen: 'S01', credential: { kind: 'session' } });
    expect(authenticator.identify({ sessionId: result.session.id })?.principal).toMatchObject({ role: 'display', screen: 'S01' });

    expect(authenticator.displaySession(token, 'S02')).toMatchObject({ kind: 'refused', message: expect.stringContaining('ioc-wall display-url S02') });
    const operator = identities.createToken({ label: 'scada', role: 'operator' });
    expect(authenticator.displaySession(operator.token, 'S01').kind).toBe('refused');

    // A display PC stays signed in for months without a request ...
    clock += 90 * 24 * 60 * MINUTE;
    expect(authenticator.stillValid(result.principal)).toBe(true);
    // ... until its token is revoked.
    identities.revokeToken(id);
    expect(authenticator.stillValid(result.principal)).toBe(false);
    expect(authenticator.displaySession(token, 'S01').kind).toBe('refused');
  });
});

describe('the console link', () => {
  it('opens one admin session per code, once, within 10 minutes', () => {
    const code = authenticator.newLoginCode();
    const result = ok(authenticator.openCodeSession(code));
    expect(result.principal).toMatchObject({ actor: 'console:admin', role: 'admin' });
    expect(authenticator.openCodeSession(code).kind).toBe('refused');

    const replaced = authenticator.newLoginCode();
    authenticator.newLoginCode();
    expect(authenticator.openCodeSession(replaced).kind).toBe('refused');

    const late = authenticator.newLoginCode();
    clock += 10 * MINUTE + 1;
    expect(authenticator.openCodeSession(late).kind).toBe('refused');
    authenticator.closeSession(result.session.id);
    expect(authenticator.identify({ sessionId: result.session.id })).toBeUndefined();
  });
});

describe('the admin token', () => {
  it('comes from the environment when long enough, else is made once in the data folder (0600)', async () => {
    await expect(loadAdminToken(directory, { IOC_WALL_ADMIN_TOKEN: 'short' })).rejects.toThrow(TokenTooShortError);
    expect(await loadAdminToken(directory, { IOC_WALL_ADMIN_TOKEN: ADMIN.token })).toEqual({ token: ADMIN.token, actor: 'env:admin', source: 'IOC_WALL_ADMIN_TOKEN' });
    const made = await loadAdminToken(directory, {});
    expect(made).toMatchObject({ actor: 'local:admin', source: path.join(directory, 'admin-token') });
    expect(made.token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(made.source).mode & 0o777).toBe(0o600);
    expect((await loadAdminToken(directory, {})).token).toBe(made.token);
  });
});
