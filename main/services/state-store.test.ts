// The durable state store: the committed scene survives restarts and kill -9, versions only go up, the audit log is append-only.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED, STATE_FILE_NAME, StateStore, StateStoreError, type AuditEntry, type StateStoreErrorCode } from './state-store.ts';

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CRASH_CHILD = fileURLToPath(new URL('./state-store.crash-child.ts', import.meta.url));

let directory: string;
const opened: { dispose(): void }[] = [];
const children: ChildProcess[] = [];

beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'ioc-wall-state-'));
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const resource of opened.splice(0)) resource.dispose();
  rmSync(directory, { recursive: true, force: true });
});

function openStore(): StateStore {
  const store = StateStore.open(directory);
  opened.push(store);
  return store;
}

/** A second connection that bypasses the store, as a buggy tool or a hand-typed sqlite3 session would. */
function openRaw(): Database.Database {
  const database = new Database(path.join(directory, STATE_FILE_NAME));
  opened.push({ dispose: () => database.close() });
  return database;
}

function expectRefusal(action: () => unknown, code: StateStoreErrorCode, message?: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a refusal').toBeInstanceOf(StateStoreError);
  expect((caught as StateStoreError).code).toBe(code);
  if (message) expect((caught as StateStoreError).message).toMatch(message);
}

const activate = (sceneId: string, at = 1_000) => ({ at, actor: 'env:admin', origin: '127.0.0.1', action: 'scene.activate', target: sceneId, request: { sceneId } });

/** Every audit entry, read page by page, newest first. */
function wholeAudit(store: StateStore): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (;;) {
    const page = store.audit({ limit: 1_000, ...(entries.length > 0 ? { beforeId: entries.at(-1)!.id } : {}) });
    if (page.length === 0) return entries;
    entries.push(...page);
  }
}

describe('the committed scene', () => {
  it('is absent on a fresh data folder, and survives closing and reopening', () => {
    const store = openStore();
    expect(store.committedScene()).toBeUndefined();
    store.commitScene({ sceneId: 'flood', version: 7, committedAt: 1_700_000_000_123, previousSceneId: 'normal' });
    store.dispose();

    const reopened = openStore();
    expect(reopened.committedScene()).toEqual({ sceneId: 'flood', version: 7, committedAt: 1_700_000_000_123, previousSceneId: 'normal' });
  });

  it('only goes up in version: an older or equal commit is refused and the stored scene stays', () => {
    const store = openStore();
    store.commitScene({ sceneId: 'flood', version: 5, committedAt: 2_000, previousSceneId: 'normal' });

    expectRefusal(() => store.commitScene({ sceneId: 'normal', version: 4, committedAt: 3_000, previousSceneId: 'flood' }), 'stale-version', /version 4 .* not newer than the committed version 5/);
    expectRefusal(() => store.commitScene({ sceneId: 'traffic', version: 5, committedAt: 3_000, previousSceneId: 'flood' }), 'stale-version');
    expect(store.committedScene()).toEqual({ sceneId: 'flood', version: 5, committedAt: 2_000, previousSceneId: 'normal' });

    store.commitScene({ sceneId: 'traffic', version: 9, committedAt: 4_000, previousSceneId: 'flood' });
    expect(store.committedScene()?.version).toBe(9);
  });

  it('cannot be rolled back or deleted by raw SQL either', () => {
    const store = openStore();
    store.commitScene({ sceneId: 'flood', version: 5, committedAt: 2_000, previousSceneId: null });
    const raw = openRaw();

    expect(() => raw.prepare('UPDATE scene_state SET version = 4').run()).toThrow(/version must increase/);
    expect(() => raw.prepare('DELETE FROM scene_state').run()).toThrow(/cannot be deleted/);
    expect(() => raw.prepare("INSERT OR REPLACE INTO scene_state VALUES (1, 'normal', 1, 0, NULL)").run()).toThrow(/one row/);
    expect(store.committedScene()).toEqual({ sceneId: 'flood', version: 5, committedAt: 2_000, previousSceneId: null });
  });
});

describe('the audit log', () => {
  it('reads a new entry as pending until its outcome is recorded, with its request and detail', () => {
    const store = openStore();
    const id = store.appendAudit(activate('flood'));
    expect(store.audit()).toEqual([
      { id, at: 1_000, actor: 'env:admin', origin: '127.0.0.1', action: 'scene.activate', target: 'flood', request: { sceneId: 'flood' }, result: 'pending', outcomeAt: null, detail: null },
    ]);

    store.recordOutcome(id, { at: 1_250, result: 'superseded', detail: { by: 'traffic', version: 12 } });
    expect(store.audit()[0]).toMatchObject({ id, result: 'superseded', outcomeAt: 1_250, detail: { by: 'traffic', version: 12 } });

    const withoutTarget = store.appendAudit({ at: 2_000, actor: 'env:admin', origin: 'cli', action: 'wall.reload', request: {} });
    expect(store.audit({ limit: 1 })[0]).toMatchObject({ id: withoutTarget, target: null, request: {} });
  });

  it('records an outcome once only', () => {
    const store = openStore();
    const id = store.appendAudit(activate('flood'));
    store.recordOutcome(id, { at: 1_100, result: 'ok' });

    expectRefusal(() => store.recordOutcome(id, { at: 1_200, result: 'failed', detail: { reason: 'late' } }), 'outcome-already-recorded', /already recorded/);
    expectRefusal(() => store.recordOutcome(id + 1, { at: 1_200, result: 'ok' }), 'unknown-audit-entry', /no audit entry/);
    expect(store.audit()[0]).toMatchObject({ id, result: 'ok', outcomeAt: 1_100, detail: null });
  });

  it('cannot be updated, deleted or replaced by raw SQL', () => {
    const store = openStore();
    const first = store.appendAudit(activate('flood'));
    store.recordOutcome(first, { at: 1_100, result: 'ok' });
    const second = store.appendAudit(activate('normal', 2_000));
    const before = store.audit();
    const raw = openRaw();

    const attempts = [
      "UPDATE audit SET actor = 'someone else'",
      `UPDATE audit SET id = 99 WHERE id = ${first}`,
      'DELETE FROM audit',
      `DELETE FROM audit WHERE id = ${second}`,
      `INSERT OR REPLACE INTO audit (id, at, actor, origin, action, request) VALUES (${first}, 0, 'x', 'x', 'x', '{}')`,
      "UPDATE audit_outcome SET result = 'failed'",
      'DELETE FROM audit_outcome',
      `INSERT OR REPLACE INTO audit_outcome (audit_id, at, result) VALUES (${first}, 0, 'failed')`,
      `INSERT INTO audit_outcome (audit_id, at, result) VALUES (${first}, 0, 'failed')`,
    ];
    for (const sql of attempts) expect(() => raw.prepare(sql).run(), sql).toThrow(/append-only/);
    // A pending entry gets an outcome by appending one, and an outcome the schema does not know is refused.
    expect(() => raw.prepare(`INSERT INTO audit_outcome (audit_id, at, result) VALUES (${second}, 0, 'maybe')`).run()).toThrow(/CHECK constraint/);

    expect(store.audit()).toEqual(before);
  });

  it('pages newest first', () => {
    const store = openStore();
    const ids = Array.from({ length: 25 }, (_, index) => store.appendAudit(activate(`scene-${index}`, 1_000 + index)));

    const first = store.audit({ limit: 10 });
    const second = store.audit({ limit: 10, beforeId: first.at(-1)!.id });
    const third = store.audit({ limit: 10, beforeId: second.at(-1)!.id });
    expect(first.map((entry) => entry.id)).toEqual(ids.slice(15).reverse());
    expect(second.map((entry) => entry.id)).toEqual(ids.slice(5, 15).reverse());
    expect(third.map((entry) => entry.id)).toEqual(ids.slice(0, 5).reverse());
    expect(store.audit({ limit: 10, beforeId: third.at(-1)!.id })).toEqual([]);
    expect(store.audit().map((entry) => entry.target)).toEqual(ids.map((_, index) => `scene-${index}`).reverse());
  });

  it('refuses a request that still holds a secret, and accepts it redacted', () => {
    const store = openStore();
    const withToken = { ...activate('flood'), request: { sceneId: 'flood', auth: { Authorization: 'Bearer abc' } } };
    expectRefusal(() => store.appendAudit(withToken), 'bad-input', /secret at 'auth\.Authorization'.*redact/);
    expectRefusal(() => store.appendAudit({ ...activate('flood'), request: [{ api_key: 'k' }] }), 'bad-input', /secret at '\[0\]\.api_key'/);
    const id = store.appendAudit({ ...activate('flood'), request: { sceneId: 'flood', token: REDACTED } });
    expectRefusal(() => store.recordOutcome(id, { at: 1_100, result: 'failed', detail: { password: 'hunter2' } }), 'bad-input', /secret at 'password'/);
    expect(store.audit().map((entry) => entry.request)).toEqual([{ sceneId: 'flood', token: REDACTED }]);
  });
});

describe('bad input', () => {
  it('is a clear error, and nothing is written', () => {
    const store = openStore();
    const scene = { sceneId: 'flood', version: 1, committedAt: 0, previousSceneId: null };
    expectRefusal(() => store.commitScene({ ...scene, sceneId: '' }), 'bad-input', /sceneId must be a non-empty string; got ''/);
    expectRefusal(() => store.commitScene({ ...scene, version: 1.5 }), 'bad-input', /version must be a whole number/);
    expectRefusal(() => store.commitScene({ ...scene, version: -1 }), 'bad-input', /version/);
    expectRefusal(() => store.commitScene({ ...scene, committedAt: Number.NaN }), 'bad-input', /committedAt/);
    expectRefusal(() => store.commitScene({ ...scene, previousSceneId: undefined as unknown as null }), 'bad-input', /previousSceneId/);
    expectRefusal(() => store.commitScene(undefined as never), 'bad-input', /must be an object/);
    expect(store.committedScene()).toBeUndefined();

    expectRefusal(() => store.appendAudit({ ...activate('flood'), actor: '' }), 'bad-input', /actor/);
    expectRefusal(() => store.appendAudit({ ...activate('flood'), target: 'x'.repeat(300) }), 'bad-input', /target must be at most 256/);
    expectRefusal(() => store.appendAudit({ ...activate('flood'), request: undefined }), 'bad-input', /request must be a JSON value/);
    expectRefusal(() => store.appendAudit({ ...activate('flood'), request: { big: 1n } }), 'bad-input', /request cannot be written as JSON/);
    expectRefusal(() => store.appendAudit({ ...activate('flood'), request: { blob: 'x'.repeat(70_000) } }), 'bad-input', /at most 65536/);
    const id = store.appendAudit(activate('flood'));
    expectRefusal(() => store.recordOutcome(id, { at: 1_100, result: 'pending' as never }), 'bad-input', /result must be one of ok, refused, failed, superseded; got 'pending'/);
    expectRefusal(() => store.recordOutcome(0, { at: 1_100, result: 'ok' }), 'bad-input', /auditId/);
    expectRefusal(() => store.audit({ limit: 0 }), 'bad-input', /limit/);
    expectRefusal(() => store.audit({ limit: 5_000 }), 'bad-input', /at most 1000/);
    expect(store.audit().map((entry) => entry.id)).toEqual([id]);

    store.dispose();
    store.dispose();
    expectRefusal(() => store.committedScene(), 'closed', /is closed/);
  });

  it('refuses a database written by a newer schema, and leaves it alone', () => {
    openStore().dispose();
    const raw = new Database(path.join(directory, STATE_FILE_NAME));
    raw.pragma('user_version = 3');
    raw.close();
    expectRefusal(() => StateStore.open(directory), 'unsupported-file', /schema version 3 was written by a newer ioc-wall/);
  });
});

describe('the database file', () => {
  it('is private to its owner (0600, with its WAL), in WAL mode, at schema version 2, and sound', () => {
    const store = openStore();
    store.commitScene({ sceneId: 'flood', version: 1, committedAt: 0, previousSceneId: null });
    const file = path.join(directory, STATE_FILE_NAME);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);

    const raw = openRaw();
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(2);
    expect(store.integrityCheck()).toBe('ok');
  });

  it('is made private again when an older tool left it readable by others', () => {
    const file = path.join(directory, STATE_FILE_NAME);
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    openStore();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

interface ChildRun {
  /** The versions the child printed as committed, in order. */
  readonly printed: number[];
  readonly signal: NodeJS.Signals | null;
}

/** What a reader in this process saw while a child was committing. */
const readWhileWriting: { printed: number; stored: number; audited: number }[] = [];

/** Starts a committing child and kills it with SIGKILL `delay` milliseconds after it has printed `atLeast` commits. */
function runChildAndKill(atLeast: number, delay: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CRASH_CHILD, directory], { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const printed: number[] = [];
    let pending = '';
    let errors = '';
    let killScheduled = false;
    const giveUp = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child printed ${printed.length} commits in 10 s; standard error: ${errors}`));
    }, 10_000);
    child.stderr.setEncoding('utf8').on('data', (text: string) => (errors += text));
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      const lines = (pending + text).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const match = /^committed (\d+)$/.exec(line);
        if (!match) return reject(new Error(`unexpected line from the child: ${line}`));
        printed.push(Number(match[1]));
      }
      if (!killScheduled && printed.length >= atLeast) {
        killScheduled = true;
        setTimeout(() => child.kill('SIGKILL'), delay);
        // A console reading while the wall writes: WAL lets it open and read without waiting for the writer.
        const reader = StateStore.open(directory);
        try {
          readWhileWriting.push({ printed: printed.at(-1)!, stored: reader.committedScene()?.version ?? 0, audited: reader.audit({ limit: 1 }).length });
        } finally {
          reader.dispose();
        }
      }
    });
    // 'close' comes after standard output is drained, so every line the child wrote before dying is counted.
    child.on('close', (_code, signal) => {
      clearTimeout(giveUp);
      if (!killScheduled) reject(new Error(`the child stopped by itself (signal ${signal}); standard error: ${errors}`));
      else resolve({ printed, signal });
    });
  });
}

describe('a kill -9 in the middle of committing', () => {
  it('never loses a printed commit nor damages the file, whatever the moment', { timeout: 20_000 }, async () => {
    const rounds = 8;
    const allPrinted: number[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const delay = Math.floor(Math.random() * 40);
      const { printed, signal } = await runChildAndKill(20, delay);
      const context = `round ${round}, killed ${delay} ms after the 20th commit, last printed ${printed.at(-1)}`;
      expect(signal, context).toBe('SIGKILL');
      // Each child continues from the version the previous one left on disk.
      expect(printed[0], context).toBe((allPrinted.at(-1) ?? 0) + 1);
      allPrinted.push(...printed);

      const store = StateStore.open(directory);
      try {
        expect(store.integrityCheck(), context).toBe('ok');
        const stored = store.committedScene()!;
        // Never older than what was acknowledged; at most the one commit the child made but had no time to print.
        expect(stored.version, context).toBeGreaterThanOrEqual(allPrinted.at(-1)!);
        expect(stored.version, context).toBeLessThanOrEqual(allPrinted.at(-1)! + 1);
        if (stored.version > allPrinted.at(-1)!) allPrinted.push(stored.version);

        const entries = wholeAudit(store);
        const audited = new Set(entries.map((entry) => (entry.request as { version: number }).version));
        expect(allPrinted.filter((version) => !audited.has(version)), context).toEqual([]);
        // Only the entry in flight at each kill can be left pending.
        expect(entries.filter((entry) => entry.result === 'pending').length, context).toBeLessThanOrEqual(round);
        expect(entries.every((entry, index) => index === 0 || entry.id < entries[index - 1]!.id), context).toBe(true);
        const seen = readWhileWriting.at(-1)!;
        expect(seen.stored, `${context}: the reader saw an older version than was printed`).toBeGreaterThanOrEqual(seen.printed);
        expect(seen.audited, context).toBe(1);
      } finally {
        store.dispose();
      }
    }
  });
});
