// Global test setup: makes sure the renderer bundle the server serves exists (npm install builds it; a fresh edit may not have).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE = path.join(ROOT, 'dist/renderer/screen.html');

/** Newest modification time under a folder. */
function newest(directory: string): number {
  let latest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

export default function setup(): void {
  const stale = !existsSync(BUNDLE) || statSync(BUNDLE).mtimeMs < Math.max(newest(path.join(ROOT, 'renderer')), newest(path.join(ROOT, 'common')));
  if (!stale) return;
  console.log('building the renderer bundle (vite build) for the tests ...');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}
