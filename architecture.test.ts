// The dependency direction of ARCHITECTURE.md, enforced: each layer imports only what its runtime allows.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.dirname(new URL(import.meta.url).pathname);
const SCANNED = ['common', 'main', 'renderer', 'device-drivers', 'bin', 'e2e', 'bench'];

interface SourceFile {
  /** Path from the project root, with forward slashes. */
  readonly file: string;
  readonly source: string;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module a file imports, with whether the import is for types only (erased at build). */
function importsOf(source: string): { specifier: string; typeOnly: boolean }[] {
  return [...source.matchAll(IMPORT)].map((match) => ({ specifier: (match[2] ?? match[3] ?? match[4])!, typeOnly: match[1] !== undefined }));
}

/** The top-level layer of a project path: common, main/core, main/app, renderer ... */
function layerOf(file: string): string {
  const [top, second] = file.split('/');
  return top === 'main' && ['core', 'services', 'app', 'preload', 'cli'].includes(second ?? '') ? `main/${second}` : top!;
}

function violations(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const { file, source } of files) {
    const layer = layerOf(file);
    for (const { specifier, typeOnly } of importsOf(source)) {
      const target = specifier.startsWith('.') ? layerOf(path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))) : undefined;
      const say = (rule: string) => found.push(`${file}: imports '${specifier}': ${rule}`);
      if (specifier === 'electron' && !typeOnly && layer !== 'main/app' && layer !== 'main/preload') {
        say("'electron' may be imported only in main/app and main/preload (type-only imports are free)");
      }
      if (layer === 'common') {
        if (target !== undefined && target !== 'common') say('common is pure: it imports only common');
        if (specifier.startsWith('node:') || specifier === 'electron') say('common is pure: no Node built-ins, no electron');
      }
      if ((layer === 'renderer' || layer === 'device-drivers') && target?.startsWith('main')) say(`${layer} never imports main`);
      // Tests of main/core may read fixtures from disk; the code under test may not.
      if (layer === 'main/core' && !file.endsWith('.test.ts')) {
        if (target !== undefined && target !== 'common' && target !== 'main/core') say('main/core talks to ports: it imports only common and main/core');
        if (specifier.startsWith('node:')) say('main/core is framework-free: no Node built-ins (inject them through a port)');
      }
    }
    // House rule 2: time, randomness and timers reach main/core through ports, so tests control them.
    if (layer === 'main/core' && !file.endsWith('.test.ts')) {
      const forbidden = { 'Date.now': /\bDate\.now\(/, 'new Date()': /\bnew Date\(\)/, setTimeout: /(?<![.\w])setTimeout\(/, setInterval: /(?<![.\w])setInterval\(/, 'Math.random': /\bMath\.random\(/ };
      for (const [name, pattern] of Object.entries(forbidden)) {
        if (pattern.test(source)) found.push(`${file}: uses ${name}: inject time, timers and randomness through the Scheduler port`);
      }
    }
  }
  return found;
}

function projectFiles(): SourceFile[] {
  const files: SourceFile[] = [];
  const visit = (directory: string) => {
    for (const entry of readdirSync(path.join(ROOT, directory), { withFileTypes: true })) {
      const relative = `${directory}/${entry.name}`;
      if (entry.isDirectory()) visit(relative);
      else if (/\.(ts|js|mts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push({ file: relative, source: readFileSync(path.join(ROOT, relative), 'utf8') });
      }
    }
  };
  for (const directory of SCANNED) {
    try {
      visit(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return files;
}

describe('dependency direction', () => {
  it('holds across the project', () => {
    const files = projectFiles();
    expect(files.length).toBeGreaterThan(10);
    expect(violations(files)).toEqual([]);
  });

  it('catches each kind of violation', () => {
    expect(
      violations([
        { file: 'common/wall/x.ts', source: "import { readFile } from 'node:fs';\nimport { y } from '../../main/services/y.ts';" },
        { file: 'renderer/screen/x.ts', source: "import { serve } from '../../main/services/server.ts';" },
        { file: 'device-drivers/mqtt/x.ts', source: "const m = await import('../../main/core/router.ts');" },
        { file: 'main/services/x.ts', source: "import { app } from 'electron';" },
        { file: 'main/core/x.ts', source: "import { open } from 'node:fs/promises';\nexport { x } from '../services/x.ts';" },
        { file: 'main/core/timer.ts', source: 'const started = Date.now();' },
      ]),
    ).toEqual([
      "common/wall/x.ts: imports 'node:fs': common is pure: no Node built-ins, no electron",
      "common/wall/x.ts: imports '../../main/services/y.ts': common is pure: it imports only common",
      "renderer/screen/x.ts: imports '../../main/services/server.ts': renderer never imports main",
      "device-drivers/mqtt/x.ts: imports '../../main/core/router.ts': device-drivers never imports main",
      "main/services/x.ts: imports 'electron': 'electron' may be imported only in main/app and main/preload (type-only imports are free)",
      "main/core/x.ts: imports 'node:fs/promises': main/core is framework-free: no Node built-ins (inject them through a port)",
      "main/core/x.ts: imports '../services/x.ts': main/core talks to ports: it imports only common and main/core",
      'main/core/timer.ts: uses Date.now: inject time, timers and randomness through the Scheduler port',
    ]);
  });

  it('allows what the rules allow', () => {
    expect(
      violations([
        { file: 'main/app/window.ts', source: "import { BrowserWindow } from 'electron';" },
        { file: 'main/services/x.ts', source: "import type { BrowserWindow } from 'electron';\nimport { z } from '../../common/wall/index.ts';" },
        { file: 'renderer/screen/x.ts', source: "import { planWall } from '../../common/wall/index.ts';" },
      ]),
    ).toEqual([]);
  });
});
