// The layout the server runs: read at start (or the last good copy), kept in the data folder, and hot-reloaded when the file changes.
import { watch, type FSWatcher } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { formatProblem, type Problem, type WallLayout } from '../../common/wall/index.ts';
import { readLayoutFile, LayoutReadError } from './layout-file.ts';

const LAST_GOOD_FILE = 'last-good-layout.yaml';
const LAST_GOOD_META = 'last-good-layout.json';
/** Editors write in bursts (truncate, write, rename): wait for quiet before reading. */
const SETTLE_MILLISECONDS = 150;

export interface LoadedLayout {
  readonly layout: WallLayout;
  /** The file the layout came from; image paths resolve against it. */
  readonly file: string;
  /** Set when the layout file was broken and the last good copy is running instead. */
  readonly fromLastGood?: { readonly savedAt: string; readonly problems: readonly Problem[] };
}

export class LayoutUnavailableError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

interface LastGoodMeta {
  readonly source: string;
  readonly savedAt: string;
}

async function saveLastGood(dataDirectory: string, file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const meta: LastGoodMeta = { source: path.resolve(file), savedAt: new Date().toISOString() };
  // Write beside and rename, so a crash never leaves half a copy.
  for (const [name, content] of [
    [LAST_GOOD_FILE, text],
    [LAST_GOOD_META, `${JSON.stringify(meta, null, 2)}\n`],
  ] as const) {
    const target = path.join(dataDirectory, name);
    await writeFile(`${target}.tmp`, content, { mode: 0o600 });
    await rename(`${target}.tmp`, target);
  }
}

/** Reads the layout; when it is broken, falls back to the last good copy of the same file, or explains why it cannot start. */
export async function loadLayout(file: string, dataDirectory: string): Promise<LoadedLayout> {
  const problemsText = (problems: readonly Problem[]) => problems.map((problem) => formatProblem(file, problem));
  let problems: readonly Problem[];
  try {
    const loaded = await readLayoutFile(file);
    if (loaded.layout) {
      await saveLastGood(dataDirectory, file);
      return { layout: loaded.layout, file };
    }
    problems = loaded.problems;
  } catch (error) {
    if (!(error instanceof LayoutReadError)) throw error;
    problems = [{ severity: 'error', line: 1, column: 1, path: '', message: error.message }];
  }
  try {
    const meta = JSON.parse(await readFile(path.join(dataDirectory, LAST_GOOD_META), 'utf8')) as LastGoodMeta;
    if (meta.source !== path.resolve(file)) throw new Error('the last good copy is of another file');
    const copy = await readLayoutFile(path.join(dataDirectory, LAST_GOOD_FILE));
    if (!copy.layout) throw new Error('the last good copy no longer validates');
    return { layout: copy.layout, file, fromLastGood: { savedAt: meta.savedAt, problems } };
  } catch {
    throw new LayoutUnavailableError(`${file} has errors and there is no last good copy of it in ${dataDirectory}`, problemsText(problems));
  }
}

export interface LayoutWatcherEvents {
  onDidAccept(layout: WallLayout): void;
  onDidReject(problems: readonly string[]): void;
}

/**
 * Watches the layout's folder (a save by rename replaces the file, which a watch on the file itself
 * would miss) and hands over every valid change; an invalid one is reported and the wall keeps its layout.
 */
export function watchLayout(file: string, dataDirectory: string, logger: Logger, events: LayoutWatcherEvents): { dispose(): void } {
  const directory = path.dirname(path.resolve(file));
  const name = path.basename(file);
  let timer: NodeJS.Timeout | undefined;
  let lastText: string | undefined;
  let reading = Promise.resolve();

  const reload = async () => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return; // mid-rename: the next event brings the new file
    }
    if (text === lastText) return;
    lastText = text;
    try {
      const loaded = await readLayoutFile(file);
      if (loaded.layout) {
        await saveLastGood(dataDirectory, file);
        events.onDidAccept(loaded.layout);
      } else {
        events.onDidReject(loaded.problems.filter((problem) => problem.severity === 'error').map((problem) => formatProblem(file, problem)));
      }
    } catch (error) {
      logger.error({ err: error }, 'reading the changed layout failed');
    }
  };

  const watcher: FSWatcher = watch(directory, (_event, changed) => {
    if (changed !== null && changed !== name) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      reading = reading.then(reload);
    }, SETTLE_MILLISECONDS);
  });
  watcher.on('error', (error) => logger.error({ err: error }, `watching ${directory} failed; layout changes are no longer seen`));
  void readFile(file, 'utf8').then(
    (text) => (lastText ??= text),
    () => undefined,
  );
  return {
    dispose: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
