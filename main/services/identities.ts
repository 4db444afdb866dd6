// Users (scrypt passwords), tokens (random, stored hashed, shown once) and browser sessions, in the state database.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type Database from 'better-sqlite3';
import { DISPLAY_ROLE, isRole, type ClientRole, type Role } from '../../common/contract/index.ts';
import type { StateStore } from './state-store.ts';

/** Who a request or a socket acts as, and what keeps that true (checked again when credentials change). */
export interface Principal {
  /** What the audit log records: user:<name>, token:<id>, env:admin ... never a secret. */
  readonly actor: string;
  readonly role: ClientRole;
  /** A display is bound to one screen. */
  readonly screen?: string;
  readonly credential: { readonly kind: 'admin' } | { readonly kind: 'token'; readonly id: string } | { readonly kind: 'session'; readonly hash: string };
}

export interface UserSummary {
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly createdAt: number;
  readonly changedAt: number;
}

export interface TokenSummary {
  readonly id: string;
  readonly label: string;
  readonly role: ClientRole;
  readonly screen: string | null;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

export class IdentityError extends Error {
  override readonly name = 'IdentityError';
}

export const MINIMUM_PASSWORD_LENGTH = 12;
const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const TOKEN_PREFIX = 'iocw_';
const TOKEN_PATTERN = /^iocw_([0-9a-f]{12})_([A-Za-z0-9_-]{32,})$/;

// OWASP's scrypt floor (N = 2^17 would take ~0.3 s here); about 60 ms per login on these cores.
const SCRYPT: ScryptOptions & { N: number; r: number; p: number } = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function derive(password: string, salt: Buffer, options: typeof SCRYPT): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to check against when the user does not exist, so a wrong name costs as long as a wrong password. */
const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));

interface UserRow {
  name: string;
  role: Role;
  password_hash: string;
  disabled_at: number | null;
  created_at: number;
  changed_at: number;
}

interface TokenRow {
  id: string;
  label: string;
  role: ClientRole;
  screen: string | null;
  hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

interface SessionRow {
  hash: string;
  subject: string;
  role: ClientRole;
  screen: string | null;
  csrf_hash: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
}

export class Identities {
  private readonly database: Database.Database;

  constructor(
    store: StateStore,
    private readonly now: () => number = Date.now,
  ) {
    this.database = store.connection;
  }

  /** Changes whenever another process (the CLI) commits to the database: the server then checks open sockets again. */
  dataVersion(): number {
    return this.database.pragma('data_version', { simple: true }) as number;
  }

  async addUser(name: string, role: Role, password: string): Promise<void> {
    if (!USER_NAME.test(name)) throw new IdentityError(`user name '${name}' must be 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit`);
    checkPassword(password);
    const hash = await hashPassword(password);
    const now = this.now();
    try {
      this.database.prepare('INSERT INTO users (name, role, password_hash, created_at, changed_at) VALUES (?, ?, ?, ?, ?)').run(name, role, hash, now, now);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new IdentityError(`user '${name}' already exists`);
      throw error;
    }
  }

  listUsers(): UserSummary[] {
    return this.database
      .prepare<[], UserRow>('SELECT * FROM users ORDER BY name')
      .all()
      .map((row) => ({ name: row.name, role: row.role, disabled: row.disabled_at !== null, createdAt: row.created_at, changedAt: row.changed_at }));
  }

  /** Disables a user: their sessions end at once (open sockets are closed when the server notices). */
  disableUser(name: string): void {
    const now = this.now();
    const changed = this.database.prepare('UPDATE users SET disabled_at = ?, changed_at = ? WHERE name = ? AND disabled_at IS NULL').run(now, now, name).changes;
    if (changed === 0 && !this.user(name)) throw new IdentityError(`no user '${name}'`);
    this.database.prepare('DELETE FROM sessions WHERE subject = ?').run(`user:${name}`);
  }

  enableUser(name: string): void {
    if (this.database.prepare('UPDATE users SET disabled_at = NULL, changed_at = ? WHERE name = ?').run(this.now(), name).changes === 0) throw new IdentityError(`no user '${name}'`);
  }

  /** A new password ends the user's sessions. */
  async setPassword(name: string, password: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password);
    if (this.database.prepare('UPDATE users SET password_hash = ?, changed_at = ? WHERE name = ?').run(hash, this.now(), name).changes === 0) throw new IdentityError(`no user '${name}'`);
    this.database.prepare('DELETE FROM sessions WHERE subject = ?').run(`user:${name}`);
  }

  /** The user when the password is theirs and they are enabled; as slow for an unknown name as for a wrong password. */
  async checkPassword(name: string, password: string): Promise<UserSummary | undefined> {
    const row = this.user(name);
    const matches = await verifyPassword(password, row?.password_hash ?? (await DUMMY_HASH));
    if (!row || !matches || row.disabled_at !== null) return undefined;
    return { name: row.name, role: row.role, disabled: false, createdAt: row.created_at, changedAt: row.changed_at };
  }

  private user(name: string): UserRow | undefined {
    return this.database.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?').get(name);
  }

  /** Creates a token; the secret is returned here only (the database keeps its hash). */
  createToken(options: { label: string; role: ClientRole; screen?: string; expiresAt?: number }): { token: string; id: string } {
    if (options.role === DISPLAY_ROLE && !options.screen) throw new IdentityError('a display token is for one screen: give --screen <id>');
    if (options.role !== DISPLAY_ROLE && options.screen) throw new IdentityError('--screen is only for display tokens');
    if (options.role !== DISPLAY_ROLE && !isRole(options.role)) throw new IdentityError(`unknown role '${String(options.role)}'`);
    const id = randomBytes(6).toString('hex');
    const token = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
    this.database
      .prepare('INSERT INTO tokens (id, label, role, screen, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, options.label, options.role, options.screen ?? null, sha256(token), this.now(), options.expiresAt ?? null);
    return { token, id };
  }

  listTokens(): TokenSummary[] {
    return this.database
      .prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at, id')
      .all()
      .map((row) => ({ id: row.id, label: row.label, role: row.role, screen: row.screen, createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: row.revoked_at }));
  }

  /** Revokes a token and every session opened with it. */
  revokeToken(id: string): void {
    const changed = this.database.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(this.now(), id).changes;
    if (changed === 0 && !this.database.prepare('SELECT 1 FROM tokens WHERE id = ?').get(id)) throw new IdentityError(`no token '${id}'`);
    this.database.prepare('DELETE FROM sessions WHERE subject = ?').run(`token:${id}`);
  }

  /** Who a bearer token is: valid, not revoked, not expired. */
  tokenPrincipal(token: string): Principal | undefined {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return undefined;
    const row = this.validToken(match[1]!);
    if (!row || !timingSafeEqual(Buffer.from(sha256(token), 'hex'), Buffer.from(row.hash, 'hex'))) return undefined;
    return { actor: `token:${row.id}`, role: row.role, ...(row.screen ? { screen: row.screen } : {}), credential: { kind: 'token', id: row.id } };
  }

  private validToken(id: string): TokenRow | undefined {
    const row = this.database.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE id = ?').get(id);
    if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= this.now())) return undefined;
    return row;
  }

  /** Opens a browser session for a principal (a user or a display token); the id and CSRF token are returned here only. */
  openSession(principal: Principal, absoluteMilliseconds: number): { id: string; csrf: string } {
    const id = randomBytes(32).toString('base64url');
    const csrf = csrfTokenOf(id);
    const now = this.now();
    this.database
      .prepare('INSERT INTO sessions (hash, subject, role, screen, csrf_hash, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(sha256(id), principal.actor, principal.role, principal.screen ?? null, sha256(csrf), now, now, now + absoluteMilliseconds);
    return { id, csrf };
  }

  /** The session's principal while it is neither idle too long nor past its end, and its subject still valid; touches it. */
  session(id: string, idleMilliseconds: (role: ClientRole) => number): { principal: Principal; csrfHash: string } | undefined {
    const hash = sha256(id);
    const row = this.database.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE hash = ?').get(hash);
    const now = this.now();
    if (!row) return undefined;
    if (now > row.expires_at || now - row.last_used_at > idleMilliseconds(row.role) || !this.subjectValid(row.subject)) {
      this.database.prepare('DELETE FROM sessions WHERE hash = ?').run(hash);
      return undefined;
    }
    // Touch at most once a minute: every request of a polling console need not write.
    if (now - row.last_used_at > 60_000) this.database.prepare('UPDATE sessions SET last_used_at = ? WHERE hash = ?').run(now, hash);
    return { principal: { actor: row.subject, role: row.role, ...(row.screen ? { screen: row.screen } : {}), credential: { kind: 'session', hash } }, csrfHash: row.csrf_hash };
  }

  closeSession(id: string): void {
    this.database.prepare('DELETE FROM sessions WHERE hash = ?').run(sha256(id));
  }

  /** Whether a principal found earlier still holds (for open sockets): its token not revoked, its session not ended. */
  stillValid(principal: Principal, idleMilliseconds: number): boolean {
    const { credential } = principal;
    if (credential.kind === 'admin') return true;
    if (credential.kind === 'token') return this.validToken(credential.id) !== undefined;
    const row = this.database.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE hash = ?').get(credential.hash);
    const now = this.now();
    return row !== undefined && now <= row.expires_at && now - row.last_used_at <= idleMilliseconds && this.subjectValid(row.subject);
  }

  private subjectValid(subject: string): boolean {
    const [kind, name] = [subject.slice(0, subject.indexOf(':')), subject.slice(subject.indexOf(':') + 1)];
    if (kind === 'user') return this.user(name)?.disabled_at === null;
    if (kind === 'token') return this.validToken(name) !== undefined;
    // The console link of the local admin (console:admin) lives as long as its session.
    return true;
  }
}

function checkPassword(password: string): void {
  if (password.length < MINIMUM_PASSWORD_LENGTH) throw new IdentityError(`a password needs at least ${MINIMUM_PASSWORD_LENGTH} characters`);
}

/** sha256 of a CSRF token, to compare with the session's. */
export function csrfMatches(given: string | undefined, expectedHash: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(Buffer.from(sha256(given), 'hex'), Buffer.from(expectedHash, 'hex'));
}

/**
 * A session's CSRF token, derived from its id: the page can be given it again at any time (GET /api/session) without
 * the database keeping it, and only whoever holds the session id (an HttpOnly cookie) can compute it.
 */
export function csrfTokenOf(sessionId: string): string {
  return createHash('sha256').update(`ioc-wall csrf\n${sessionId}`, 'utf8').digest('base64url');
}
