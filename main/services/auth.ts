// The one identity of this release, the admin: a bearer token (from IOC_WALL_ADMIN_TOKEN or made on first start), and console sessions opened by a one-time login code.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const MINIMUM_TOKEN_LENGTH = 32;
const TOKEN_FILE = 'admin-token';
export const SESSION_COOKIE = 'ioc_wall_session';
/** A login code is for the person who just started the server: it expires soon and works once. */
const LOGIN_CODE_MILLISECONDS = 10 * 60_000;
const SESSION_IDLE_MILLISECONDS = 12 * 60 * 60_000;

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

interface Session {
  lastUsed: number;
}

/** Who a request acts as: the admin token, a console session, or nobody. */
export class Authenticator {
  private loginCode: { code: string; expires: number } | undefined;
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly admin: AdminToken,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh one-time code for the console link; the previous one stops working. */
  newLoginCode(): string {
    const code = randomSecret();
    this.loginCode = { code, expires: this.now() + LOGIN_CODE_MILLISECONDS };
    return code;
  }

  /** Exchanges a login code for a session id (once), or undefined. */
  openSession(code: string): string | undefined {
    const current = this.loginCode;
    if (!current || this.now() > current.expires || !sameSecret(code, current.code)) return undefined;
    this.loginCode = undefined;
    const id = randomSecret();
    this.sessions.set(id, { lastUsed: this.now() });
    return id;
  }

  closeSession(id: string): void {
    this.sessions.delete(id);
  }

  /** The audit name of whoever sent these credentials, or undefined for nobody. */
  identify(credentials: { authorization?: string; sessionId?: string }): string | undefined {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(credentials.authorization ?? '')?.[1];
    if (bearer !== undefined) return sameSecret(bearer, this.admin.token) ? this.admin.actor : undefined;
    const session = credentials.sessionId === undefined ? undefined : this.sessions.get(credentials.sessionId);
    if (!session) return undefined;
    if (this.now() - session.lastUsed > SESSION_IDLE_MILLISECONDS) {
      this.sessions.delete(credentials.sessionId!);
      return undefined;
    }
    session.lastUsed = this.now();
    return 'console:admin';
  }
}
