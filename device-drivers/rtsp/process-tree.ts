// Test support: the processes below a pid, read from /proc, so a test can show it left no ffmpeg, gateway or camera behind.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessEntry {
  readonly pid: number;
  readonly parent: number;
  /** The executable's short name (comm), e.g. "ffmpeg". */
  readonly name: string;
}

function readProcess(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read around the last ')'.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    // A zombie has exited; only its parent has not collected it yet.
    if (fields[0] === 'Z') return undefined;
    return { pid, parent: Number(fields[1]), name: stat.slice(open + 1, close) };
  } catch {
    return undefined;
  }
}

/** Every live process below `root` (children, grandchildren ...). */
export function descendants(root: number = process.pid): ProcessEntry[] {
  const all: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readProcess(Number(name));
    if (entry) all.push(entry);
  }
  const found: ProcessEntry[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of all) {
      if (parents.has(entry.parent) && !parents.has(entry.pid)) {
        parents.add(entry.pid);
        found.push(entry);
        grew = true;
      }
    }
  }
  return found;
}

/** Whether a pid still names a live (not zombie) process. */
export function isRunning(pid: number): boolean {
  return readProcess(pid) !== undefined;
}

/** Waits until `condition` holds, polling; throws with `what` after the timeout. */
export async function waitFor<T>(what: string, condition: () => T | undefined | false, timeoutMilliseconds = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    const result = condition();
    if (result !== undefined && result !== false) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMilliseconds} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A process's arguments, or undefined once it is gone. */
export function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return undefined;
  }
}
