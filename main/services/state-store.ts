// The durable state store (state.sqlite in the data folder): the committed scene and the append-only audit log, on better-sqlite3.
//
// Design, and why:
// - One SQLite file in WAL mode with synchronous=FULL: a write is on disk when its call returns, so the
//   caller may acknowledge it (ARCHITECTURE.md: "persisted before it is acknowledged"), and a kill -9 or a
//   power cut loses nothing that was acknowledged. WAL lets a reader (the console, `ioc-wall audit`) read
//   while the wall writes; busy_timeout makes a second process wait instead of failing at once.
// - The file is created 0600 inside the 0700 data folder: the audit log says who did what from where.
//   SQLite gives its -wal and -shm companions the mode of the database file.
// - The schema is versioned with PRAGMA user_version; migrations run in one IMMEDIATE transaction, so two
//   processes opening a fresh folder at once cannot both migrate it (and a failed migration leaves the old schema).
// - scene_state holds a single row (CHECK id = 1). Its version only goes up: commitScene checks it in an
//   IMMEDIATE transaction (so two writers cannot both pass the check), and triggers refuse the same
//   mistake from any other SQL, so an older switch can never overwrite a newer one.
// - The audit log is truly append-only. `audit` rows are the facts "this was asked" and are written
//   BEFORE the command runs; the outcome is a separate fact in `audit_outcome`, inserted once, later.
//   A missing outcome reads as `pending` (the process died, or the command is still running). Nothing
//   is ever updated, so there is no "update once" exception to get wrong: triggers refuse every UPDATE
//   and DELETE on both tables, and a second outcome for the same entry (including INSERT OR REPLACE,
//   whose implicit delete would not fire a delete trigger) is refused by a BEFORE INSERT trigger.
//   The triggers guard against program mistakes, not against someone who can write the file (they could
//   drop the triggers); the file's mode is what keeps others out.
// - Secrets are never stored. The caller passes the validated, already redacted parameters of a command,
//   never the token that authorised it. Because an append-only log cannot be cleaned afterwards, the store
//   refuses a request or detail that still carries a secret-looking key (token, password, authorization ...)
//   unless its value is the redaction marker, so a forgotten redaction fails in tests, not in the log.
// - Times are passed in by the caller (no clock in here), so tests and replays are deterministic.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEntry, AuditResult } from '../../common/contract/control.ts';
import type { CommittedScene } from '../core/scene-switch.ts';

export type { AuditEntry, AuditResult, CommittedScene };

/** The file name of the state database inside the data folder. */
export const STATE_FILE_NAME = 'state.sqlite';

/** What a redacted secret must read as, when the caller keeps its key in a request or detail. */
export const REDACTED = '[redacted]';

/** How long a write waits for another process's write lock before failing (milliseconds). */
const BUSY_TIMEOUT_MILLISECONDS = 5_000;

/** Bounds that keep one audit row reasonable; a bigger one is a caller bug (it is logging a payload, not parameters). */
const MAXIMUM_NAME_LENGTH = 256;
const MAXIMUM_JSON_LENGTH = 64 * 1024;
const DEFAULT_AUDIT_PAGE = 100;
const MAXIMUM_AUDIT_PAGE = 1_000;

/** Keys whose values are secrets; compared lower-cased with everything but letters and digits removed. */
const SECRET_KEYS = new Set([
  'token', 'accesstoken', 'refreshtoken', 'bearertoken', 'idtoken', 'authtoken', 'apitoken',
  'password', 'passwd', 'passphrase', 'secret', 'clientsecret', 'authorization', 'cookie', 'setcookie',
  'apikey', 'privatekey', 'credentials',
]);

export interface AuditInput {
  /** Epoch milliseconds at which the command was received. */
  readonly at: number;
  /** Who asked, e.g. `env:admin`. */
  readonly actor: string;
  /** Where from: a remote address, `cli` or `console`. */
  readonly origin: string;
  /** What was asked, e.g. `scene.activate`. */
  readonly action: string;
  /** What it was asked of, e.g. a scene id. */
  readonly target?: string;
  /** The validated parameters of the command, already redacted (never a token); stored as JSON. */
  readonly request: unknown;
}

export interface AuditOutcome {
  /** Epoch milliseconds at which the outcome was known. */
  readonly at: number;
  readonly result: AuditResult;
  /** Why, for a result other than ok (JSON, already redacted). */
  readonly detail?: unknown;
}


export type StateStoreErrorCode = 'bad-input' | 'stale-version' | 'outcome-already-recorded' | 'unknown-audit-entry' | 'unsupported-file' | 'closed';

/** Every refusal of the store, with a code a caller can act on (stale-version means "superseded"). */
export class StateStoreError extends Error {
  constructor(
    readonly code: StateStoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StateStoreError';
  }
}

const AUDIT_RESULTS: readonly AuditResult[] = ['ok', 'refused', 'failed', 'superseded'];

/** Migration n (index n - 1) takes the schema from version n - 1 to n. Append only; never edit a shipped one. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE scene_state (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    scene_id          TEXT    NOT NULL CHECK (length(scene_id) > 0),
    version           INTEGER NOT NULL CHECK (version >= 0),
    committed_at      INTEGER NOT NULL,
    previous_scene_id TEXT
  ) STRICT;
  CREATE TRIGGER scene_state_single_row BEFORE INSERT ON scene_state
    WHEN EXISTS (SELECT 1 FROM scene_state)
    BEGIN SELECT RAISE(ABORT, 'scene_state holds one row: update it'); END;
  CREATE TRIGGER scene_state_version_increases BEFORE UPDATE ON scene_state
    WHEN NEW.version <= OLD.version
    BEGIN SELECT RAISE(ABORT, 'scene_state: the version must increase'); END;
  CREATE TRIGGER scene_state_no_delete BEFORE DELETE ON scene_state
    BEGIN SELECT RAISE(ABORT, 'scene_state: the committed scene cannot be deleted'); END;

  CREATE TABLE audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    actor   TEXT    NOT NULL CHECK (length(actor) > 0),
    origin  TEXT    NOT NULL CHECK (length(origin) > 0),
    action  TEXT    NOT NULL CHECK (length(action) > 0),
    target  TEXT,
    request TEXT    NOT NULL CHECK (json_valid(request))
  ) STRICT;
  CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
    WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: an entry cannot be replaced'); END;
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: an entry cannot be updated'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: an entry cannot be deleted'); END;

  CREATE TABLE audit_outcome (
    audit_id INTEGER PRIMARY KEY REFERENCES audit (id),
    at       INTEGER NOT NULL,
    result   TEXT    NOT NULL CHECK (result IN ('ok', 'refused', 'failed', 'superseded')),
    detail   TEXT    CHECK (detail IS NULL OR json_valid(detail))
  ) STRICT;
  CREATE TRIGGER audit_outcome_once BEFORE INSERT ON audit_outcome
    WHEN EXISTS (SELECT 1 FROM audit_outcome WHERE audit_id = NEW.audit_id)
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: the outcome is already recorded'); END;
  CREATE TRIGGER audit_outcome_no_update BEFORE UPDATE ON audit_outcome
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: an outcome cannot be updated'); END;
  CREATE TRIGGER audit_outcome_no_delete BEFORE DELETE ON audit_outcome
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: an outcome cannot be deleted'); END;
  `,
  `
  CREATE TABLE users (
    name          TEXT    PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'technician', 'duty-officer', 'admin')),
    password_hash TEXT    NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
    disabled_at   INTEGER,
    created_at    INTEGER NOT NULL,
    changed_at    INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE tokens (
    id         TEXT    PRIMARY KEY CHECK (length(id) = 12),
    label      TEXT    NOT NULL CHECK (length(label) BETWEEN 1 AND 64),
    role       TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'technician', 'duty-officer', 'admin', 'display')),
    screen     TEXT    CHECK ((role = 'display') = (screen IS NOT NULL)),
    hash       TEXT    NOT NULL CHECK (length(hash) = 64),
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
  ) STRICT;
  CREATE TABLE sessions (
    hash         TEXT    PRIMARY KEY CHECK (length(hash) = 64),
    subject      TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    screen       TEXT,
    csrf_hash    TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
  ) STRICT;
  `,
];

interface SceneRow {
  scene_id: string;
  version: number;
  committed_at: number;
  previous_scene_id: string | null;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  origin: string;
  action: string;
  target: string | null;
  request: string;
  outcome_at: number | null;
  result: AuditResult | null;
  detail: string | null;
}

export class StateStore {
  private database: Database.Database | undefined;
  private readonly statements;

  private constructor(
    /** The database file (tests and tools open it directly). */
    readonly file: string,
    database: Database.Database,
  ) {
    this.database = database;
    this.statements = {
      scene: database.prepare<[], SceneRow>('SELECT scene_id, version, committed_at, previous_scene_id FROM scene_state WHERE id = 1'),
      insertScene: database.prepare('INSERT INTO scene_state (id, scene_id, version, committed_at, previous_scene_id) VALUES (1, ?, ?, ?, ?)'),
      updateScene: database.prepare('UPDATE scene_state SET scene_id = ?, version = ?, committed_at = ?, previous_scene_id = ? WHERE id = 1'),
      insertAudit: database.prepare('INSERT INTO audit (at, actor, origin, action, target, request) VALUES (?, ?, ?, ?, ?, ?)'),
      auditExists: database.prepare<[number], { found: number }>('SELECT 1 AS found FROM audit WHERE id = ?'),
      outcomeExists: database.prepare<[number], { found: number }>('SELECT 1 AS found FROM audit_outcome WHERE audit_id = ?'),
      insertOutcome: database.prepare('INSERT INTO audit_outcome (audit_id, at, result, detail) VALUES (?, ?, ?, ?)'),
      auditPage: database.prepare<[number, number], AuditRow>(
        `SELECT a.id, a.at, a.actor, a.origin, a.action, a.target, a.request, o.at AS outcome_at, o.result, o.detail
           FROM audit AS a LEFT JOIN audit_outcome AS o ON o.audit_id = a.id
          WHERE a.id < ? ORDER BY a.id DESC LIMIT ?`,
      ),
    };
  }

  /** Opens (creating and migrating if needed) `state.sqlite` in `directory`. */
  static open(directory: string): StateStore {
    if (typeof directory !== 'string' || directory.length === 0) throw new StateStoreError('bad-input', 'state store: the data folder must be a non-empty path');
    // The data folder is normally prepared (0700) by prepareDataDirectory; creating it here only spares tools a step.
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const file = path.join(path.resolve(directory), STATE_FILE_NAME);
    createPrivately(file);
    const database = new Database(file, { timeout: BUSY_TIMEOUT_MILLISECONDS });
    try {
      configure(database, file);
      migrate(database, file);
      return new StateStore(file, database);
    } catch (error) {
      database.close();
      throw error;
    }
  }

  /** The scene last committed, or undefined on a fresh data folder. */
  committedScene(): CommittedScene | undefined {
    this.open();
    const row = this.statements.scene.get();
    return row && { sceneId: row.scene_id, version: row.version, committedAt: row.committed_at, previousSceneId: row.previous_scene_id };
  }

  /**
   * Records `input` as the committed scene; it is on disk when this returns. Throws a StateStoreError
   * 'stale-version' (and keeps the stored scene) when `input.version` is not greater than the stored one.
   */
  commitScene(input: CommittedScene): void {
    const database = this.open();
    const scene = checkObject(input, 'commitScene: the scene');
    const sceneId = checkName(scene.sceneId, 'commitScene: sceneId');
    const version = checkInteger(scene.version, 'commitScene: version');
    const committedAt = checkInteger(scene.committedAt, 'commitScene: committedAt');
    const previousSceneId = scene.previousSceneId === null ? null : checkName(scene.previousSceneId, 'commitScene: previousSceneId (a scene id or null)');
    database
      .transaction(() => {
        const stored = this.statements.scene.get();
        if (stored === undefined) {
          this.statements.insertScene.run(sceneId, version, committedAt, previousSceneId);
          return;
        }
        if (version <= stored.version) {
          throw new StateStoreError('stale-version', `commitScene: version ${version} of scene '${sceneId}' is not newer than the committed version ${stored.version} (scene '${stored.scene_id}'); kept the committed scene`);
        }
        this.statements.updateScene.run(sceneId, version, committedAt, previousSceneId);
      })
      // IMMEDIATE takes the write lock before the check, so another process cannot commit between check and write.
      .immediate();
  }

  /**
   * Appends an audit entry, pending until recordOutcome; returns its id. It is on disk when this returns,
   * so the command path writes it BEFORE executing. `request` must already be redacted: no token, ever.
   */
  appendAudit(entry: AuditInput): number {
    this.open();
    const input = checkObject(entry, 'appendAudit: the entry');
    const at = checkInteger(input.at, 'appendAudit: at');
    const actor = checkName(input.actor, 'appendAudit: actor');
    const origin = checkName(input.origin, 'appendAudit: origin');
    const action = checkName(input.action, 'appendAudit: action');
    const target = input.target === undefined ? null : checkName(input.target, 'appendAudit: target');
    const request = toJson(input.request, 'appendAudit: request');
    return Number(this.statements.insertAudit.run(at, actor, origin, action, target, request).lastInsertRowid);
  }

  /** Records the outcome of a pending audit entry, once; on disk when this returns. */
  recordOutcome(auditId: number, outcome: AuditOutcome): void {
    const database = this.open();
    const id = checkPositiveInteger(auditId, 'recordOutcome: auditId');
    const input = checkObject(outcome, 'recordOutcome: the outcome');
    const at = checkInteger(input.at, 'recordOutcome: at');
    if (!AUDIT_RESULTS.includes(input.result)) {
      throw new StateStoreError('bad-input', `recordOutcome: result must be one of ${AUDIT_RESULTS.join(', ')}; got ${describe(input.result)}`);
    }
    const detail = input.detail === undefined || input.detail === null ? null : toJson(input.detail, 'recordOutcome: detail');
    database
      .transaction(() => {
        // Checked here for a clear message; the primary key, foreign key and triggers refuse the same thing from any other SQL.
        if (this.statements.auditExists.get(id) === undefined) throw new StateStoreError('unknown-audit-entry', `recordOutcome: there is no audit entry ${id}`);
        if (this.statements.outcomeExists.get(id) !== undefined) throw new StateStoreError('outcome-already-recorded', `recordOutcome: the outcome of audit entry ${id} is already recorded; the audit log is append-only`);
        this.statements.insertOutcome.run(id, at, input.result, detail);
      })
      .immediate();
  }

  /** Audit entries, newest first (by id, which is the order they were written); page with `beforeId`: the last id you got. */
  audit(options: { limit?: number; beforeId?: number } = {}): AuditEntry[] {
    this.open();
    const limit = options.limit === undefined ? DEFAULT_AUDIT_PAGE : checkPositiveInteger(options.limit, 'audit: limit');
    if (limit > MAXIMUM_AUDIT_PAGE) throw new StateStoreError('bad-input', `audit: limit must be at most ${MAXIMUM_AUDIT_PAGE}; got ${limit}`);
    const beforeId = options.beforeId === undefined ? Number.MAX_SAFE_INTEGER : checkPositiveInteger(options.beforeId, 'audit: beforeId');
    return this.statements.auditPage.all(beforeId, limit).map((row) => ({
      id: row.id,
      at: row.at,
      actor: row.actor,
      origin: row.origin,
      action: row.action,
      target: row.target,
      request: JSON.parse(row.request) as unknown,
      result: row.result ?? 'pending',
      outcomeAt: row.outcome_at,
      detail: row.detail === null ? null : (JSON.parse(row.detail) as unknown),
    }));
  }

  /** SQLite's own check of the file: 'ok' when it is sound, else the problems it found, one a line. */
  integrityCheck(): string {
    const rows = this.open().pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('\n');
  }

  /** Closes the database (the last connection checkpoints the WAL into the file). Safe to call twice. */
  dispose(): void {
    const database = this.database;
    this.database = undefined;
    database?.close();
  }

  close(): void {
    this.dispose();
  }

  /** The open database, for the stores that share its file (users, tokens, sessions). */
  get connection(): Database.Database {
    return this.open();
  }

  private open(): Database.Database {
    if (this.database === undefined) throw new StateStoreError('closed', `state store ${this.file} is closed`);
    return this.database;
  }
}

/** Creates the file with mode 0600 before SQLite does (SQLite would use 0644 less the umask), and tightens an existing one. */
function createPrivately(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const companion of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(companion, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function configure(database: Database.Database, file: string): void {
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MILLISECONDS}`);
  const journalMode = database.pragma('journal_mode = WAL', { simple: true });
  if (journalMode !== 'wal') {
    throw new StateStoreError('unsupported-file', `state store ${file}: cannot use write-ahead logging (journal mode stays '${String(journalMode)}'); put the data folder on a local disk`);
  }
  // Per connection, not stored in the file: FULL syncs the WAL at every commit, so a commit survives a power cut too.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  // Schema triggers and views are ours; never run SQL functions a crafted file could smuggle in.
  database.pragma('trusted_schema = OFF');
}

function migrate(database: Database.Database, file: string): void {
  // Read first without a lock, so opening an up-to-date file (a console reading while the wall writes) never waits for the writer.
  if (database.pragma('user_version', { simple: true }) === MIGRATIONS.length) return;
  database
    .transaction(() => {
      // Read again under the write lock: another process may have migrated in between.
      const current = database.pragma('user_version', { simple: true }) as number;
      if (current > MIGRATIONS.length) {
        throw new StateStoreError('unsupported-file', `state store ${file}: schema version ${current} was written by a newer ioc-wall; this one knows up to ${MIGRATIONS.length}`);
      }
      for (let version = current + 1; version <= MIGRATIONS.length; version += 1) {
        database.exec(MIGRATIONS[version - 1]!);
        database.pragma(`user_version = ${version}`);
      }
    })
    .immediate();
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

function checkObject<T>(value: T, what: string): T {
  if (typeof value !== 'object' || value === null) throw new StateStoreError('bad-input', `${what} must be an object; got ${describe(value)}`);
  return value;
}

function checkName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new StateStoreError('bad-input', `${what} must be a non-empty string; got ${describe(value)}`);
  if (value.length > MAXIMUM_NAME_LENGTH) throw new StateStoreError('bad-input', `${what} must be at most ${MAXIMUM_NAME_LENGTH} characters; got ${value.length}`);
  return value;
}

/** Times and versions: whole, non-negative and exact in a JavaScript number. */
function checkInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StateStoreError('bad-input', `${what} must be a whole number, 0 or more; got ${describe(value)}`);
  }
  return value;
}

function checkPositiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new StateStoreError('bad-input', `${what} must be a whole number, 1 or more; got ${describe(value)}`);
  }
  return value;
}

function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StateStoreError('bad-input', `${what} cannot be written as JSON: ${(error as Error).message}`, { cause: error });
  }
  if (text === undefined) throw new StateStoreError('bad-input', `${what} must be a JSON value; got ${describe(value)}`);
  if (text.length > MAXIMUM_JSON_LENGTH) throw new StateStoreError('bad-input', `${what} is ${text.length} characters of JSON; at most ${MAXIMUM_JSON_LENGTH} (log the parameters, not a payload)`);
  const secret = findSecret(JSON.parse(text) as unknown, '');
  if (secret !== undefined) {
    throw new StateStoreError('bad-input', `${what} holds a secret at '${secret}': redact it before auditing (drop the key, or set it to '${REDACTED}'); the audit log is append-only and cannot be cleaned later`);
  }
  return text;
}

/** The path of the first secret-looking key whose value is not redacted, in the JSON form of the value. */
function findSecret(value: unknown, at: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findSecret(item, `${at}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const where = at === '' ? key : `${at}.${key}`;
    const isSecretKey = SECRET_KEYS.has(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
    if (isSecretKey && item !== null && !(typeof item === 'string' && item.toLowerCase() === REDACTED)) return where;
    const found = findSecret(item, where);
    if (found !== undefined) return found;
  }
  return undefined;
}
