// Reads layout files from disk and adds the checks that need the file system (images beside the layout).
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { byPosition, hasErrors, parseLayout, type Problem, type WallLayout } from '../../common/wall/index.ts';

export interface LayoutFile {
  readonly file: string;
  /** The layout, when it has no error. */
  readonly layout?: WallLayout;
  readonly problems: readonly Problem[];
}

/** The file could not be read at all: a usage or I/O problem, not a layout mistake. */
export class LayoutReadError extends Error {
  constructor(
    readonly file: string,
    cause: NodeJS.ErrnoException,
  ) {
    super(`${file}: cannot read: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`, { cause });
  }
}

/** Files a layout refers to, resolved against the layout's own folder. */
export function layoutAssetPath(layoutFile: string, relative: string): string {
  return path.resolve(path.dirname(layoutFile), relative);
}

export async function readLayoutFile(file: string): Promise<LayoutFile> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new LayoutReadError(file, error as NodeJS.ErrnoException);
  }
  const parsed = parseLayout(source);
  if (!parsed.layout) return { file, problems: parsed.problems };

  const missing: Problem[] = [];
  for (const [index, panel] of parsed.layout.panels.entries()) {
    if (panel.type !== 'image') continue;
    try {
      await access(layoutAssetPath(file, panel.src));
    } catch {
      const { line, column } = parsed.positionOf(['panels', index, 'src']);
      missing.push({ severity: 'error', line, column, path: `panels[${index}].src`, message: `image file not found: ${panel.src} (paths are relative to the layout file)` });
    }
  }
  const problems = [...parsed.problems, ...missing].sort(byPosition);
  return hasErrors(problems) ? { file, problems } : { file, layout: parsed.layout, problems };
}
