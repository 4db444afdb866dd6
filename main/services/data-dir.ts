// The data folder (state, history, the last good layout): --data-dir, IOC_WALL_DATA_DIR, or the XDG data home; private to the user.
import { chmod, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

export function resolveDataDirectory(option: string | undefined, environment: NodeJS.ProcessEnv = process.env): string {
  if (option) return path.resolve(option);
  if (environment.IOC_WALL_DATA_DIR) return path.resolve(environment.IOC_WALL_DATA_DIR);
  const dataHome = environment.XDG_DATA_HOME || path.join(homedir(), '.local', 'share');
  return path.join(dataHome, 'ioc-wall');
}

/** Creates the folder if needed, and makes it readable by its owner only (it will hold tokens and history). */
export async function prepareDataDirectory(directory: string): Promise<string> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await chmod(directory, 0o700);
  return directory;
}
