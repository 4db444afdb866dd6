// Authentication: the bootstrap admin token (IOC_WALL_ADMIN_TOKEN or made on first start), users' passwords, tokens, display tokens, and browser sessions.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DISPLAY_ROLE, type ClientRole } from '../../common/contract/index.ts';
import { LoginLimiter, type LoginLimits } from '../core/login-limiter.ts';
import type { Identities, Principal } from './identities.ts';

export const MINIMUM_TOKEN_LENGTH = 32;
const TOKEN_FILE = 'admin-token';
/** A login code is for the person who just started the server: it expires soon and works once. */
const LOGIN_CODE_MILLISECONDS = 10 * 60_000;

export class TokenTooShortError extends Error {
  constructor() {
    super(`IOC_WALL_ADMIN_TOKEN must be at least ${MINIMUM_TOKEN_LENGTH} characters; the server does not start with a guessable token`);
  }
}

/** Compares secrets in constant time: hashing first makes the lengths equal, so length leaks nothing either. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const randomSecret = () => randomBytes(32).toString('base64url');

export interface AdminToken {
  readonly token: string;
  /** How the audit log names whoever presents it. */
  readonly actor: string;
  /** Where it came from, for the start-up message (never the token itself). */
  readonly source: string;
}

/** The admin token: the environment's if set (it must be long enough), else the data folder's, made on first start (mode 0600). */
export async function loadAdminToken(dataDirectory: string, environment: NodeJS.ProcessEnv = process.env): Promise<AdminToken> {
  const fromEnvironment = environment.IOC_WALL_ADMIN_TOKEN;
  if (fromEnvironment !== undefined) {
    if (fromEnvironment.length < MINIMUM_TOKEN_LENGTH) throw new TokenTooShortError();
    return { token: fromEnvironment, actor: 'env:admin', source: 'IOC_WALL_ADMIN_TOKEN' };
  }
  const file = path.join(dataDirectory, TOKEN_FILE);
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= MINIMUM_TOKEN_LENGTH) return { token: stored, actor: 'local:admin', source: file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomSecret();
  await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'w' });
  return { token, actor: 'local:admin', source: file };
}

/** A browser session ends after this long without a request (the console polls, so an open console never idles out) ... */
export const SESSION_IDLE_MILLISECONDS = 30 * 60_000;
/** ... and after a shift, whatever. */
export const SESSION_ABSOLUTE_MILLISECONDS = 12 * 60 * 60_000;
/** A display's session lasts as long as its token (a wall PC runs for months); re-checked on every connection. */
const DISPLAY_SESSION_MILLISECONDS = 400 * 24 * 60 * 60_000;

/** A display's socket may stay quiet for months; a person's browser not for long. */
const idleLimit = (role: ClientRole): number => (role === DISPLAY_ROLE ? DISPLAY_SESSION_MILLISECONDS : SESSION_IDLE_MILLISECONDS);

export type LoginResult =
  | { readonly kind: 'ok'; readonly principal: Principal; readonly session: { readonly id: string; readonly csrf: string } }
  | { readonly kind: 'refused'; readonly message: string; readonly retryAfterSeconds?: number };

/** Who a request or socket acts as: the bootstrap admin token, a user or display token, a browser session, or nobody. */
export class Authenticator {
  private loginCode: { code: string; expires: number } | undefined;
  private readonly limiter: LoginLimiter;
  /** Limiter keys with a password check under way: one at a time each, or parallel guesses would all pass the lock check before any failure counts. */
  private readonly checking = new Set<string>();

  constructor(
    private readonly admin: AdminToken,
    private readonly identities: Identities,
    private readonly now: () => number = Date.now,
    limits?: LoginLimits,
  ) {
    this.limiter = new LoginLimiter(now, limits);
  }

  /** A fresh one-time code for the console link printed at start (it signs in as the local admin); the previous one stops working. */
  newLoginCode(): string {
    const code = randomSecret();
    this.loginCode = { code, expires: this.now() + LOGIN_CODE_MILLISECONDS };
    return code;
  }

  /** Exchanges the login code for an admin session (once). */
  openCodeSession(code: string): LoginResult {
    const current = this.loginCode;
    if (!current || this.now() > current.expires || !sameSecret(code, current.code)) {
      return { kind: 'refused', message: 'this login code is wrong, used or expired: restart the server for a new console link, or sign in with a user name and password' };
    }
    this.loginCode = undefined;
    const principal: Principal = { actor: 'console:admin', role: 'admin', credential: { kind: 'admin' } };
    return this.withSession(principal, SESSION_ABSOLUTE_MILLISECONDS);
  }

  /** Checks a user's password, limited per user and per address; a success opens a session. */
  async login(name: string, password: string, address: string): Promise<LoginResult> {
    const keys = [`user:${name}`, `address:${address}`];
    const wait = this.limiter.retryAfter(keys);
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      return { kind: 'refused', message: `too many failed sign-ins: try again in ${Math.ceil(retryAfterSeconds / 60)} min`, retryAfterSeconds };
    }
    if (keys.some((key) => this.checking.has(key))) {
      return { kind: 'refused', message: 'a sign-in for this user or from this address is being checked: try again in a moment', retryAfterSeconds: 1 };
    }
    for (const key of keys) this.checking.add(key);
    let user;
    try {
      user = await this.identities.checkPassword(name, password);
    } finally {
      for (const key of keys) this.checking.delete(key);
    }
    if (!user) {
      this.limiter.failed(keys);
      return { kind: 'refused', message: 'wrong user name or password, or the user is disabled' };
    }
    this.limiter.succeeded(`user:${name}`);
    // The session stands for the user from now on: its credential is the session, checked again on every use.
    return this.withSession({ actor: `user:${user.name}`, role: user.role, credential: { kind: 'admin' } }, SESSION_ABSOLUTE_MILLISECONDS);
  }

  /** A display PC's token (from its URL fragment) for a session bound to its screen. */
  displaySession(token: string, screen: string): LoginResult {
    const principal = this.identities.tokenPrincipal(token);
    if (!principal || principal.role !== DISPLAY_ROLE || principal.screen !== screen) {
      return { kind: 'refused', message: `this is not a valid display token for screen ${screen} (revoked, expired, or for another screen): print a new URL with ioc-wall display-url ${screen}` };
    }
    return this.withSession(principal, DISPLAY_SESSION_MILLISECONDS);
  }

  private withSession(principal: Principal, absoluteMilliseconds: number): LoginResult {
    const session = this.identities.openSession(principal, absoluteMilliseconds);
    const stored = this.identities.session(session.id, idleLimit)!;
    return { kind: 'ok', principal: stored.principal, session };
  }

  closeSession(id: string): void {
    this.identities.closeSession(id);
  }

  /** Who sent these credentials: a bearer token wins over a cookie; `csrfHash` comes with a session, for state-changing requests. */
  identify(credentials: { authorization?: string; sessionId?: string }): { principal: Principal; csrfHash?: string } | undefined {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(credentials.authorization ?? '')?.[1];
    if (credentials.authorization !== undefined) {
      if (bearer === undefined) return undefined;
      if (sameSecret(bearer, this.admin.token)) return { principal: { actor: this.admin.actor, role: 'admin', credential: { kind: 'admin' } } };
      const principal = this.identities.tokenPrincipal(bearer);
      return principal && { principal };
    }
    if (credentials.sessionId === undefined) return undefined;
    const session = this.identities.session(credentials.sessionId, idleLimit);
    return session && { principal: session.principal, csrfHash: session.csrfHash };
  }

  /** Whether a principal found when a socket opened still holds (a token revoked, a user disabled, a session ended end it). */
  stillValid(principal: Principal): boolean {
    return this.identities.stillValid(principal, idleLimit(principal.role));
  }
}
