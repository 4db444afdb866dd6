// The ioc-wall command as integrators and technicians use it: exit codes, text and JSON output, install hints.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DoctorProbes } from './doctor.ts';
import { doctorCommand } from './doctor.ts';
import { main } from './main.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const REFERENCE = path.join(ROOT, 'wall-layouts/ioc-province.yaml');
const IRREGULAR = path.join(ROOT, 'wall-layouts/irregular-lab.yaml');

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function temporaryLayout(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ioc-wall-cli-')), name);
  writeFileSync(file, text);
  return file;
}

const reference = () => readFileSync(REFERENCE, 'utf8');

describe('ioc-wall validate', () => {
  it('passes the shipped layouts', async () => {
    const result = await run('validate', REFERENCE, IRREGULAR);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(`${REFERENCE}: valid\n${IRREGULAR}: valid`);
  });

  it('exits 1 and names file:line:column for a mistake', async () => {
    const file = temporaryLayout('broken.yaml', reference().replace('defaultScene: normal', 'defaultScene: normall'));
    const result = await run('validate', file);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(new RegExp(`^${file}:\\d+:\\d+: wall\\.defaultScene: unknown scene 'normall' \\(did you mean 'normal'\\?\\)\\n${file}: 1 error$`));
  });

  it('reports in JSON: files, ok, problems with severity, position, path, message, suggestion', async () => {
    const file = temporaryLayout('broken.yaml', reference().replace('defaultScene: normal', 'defaultScene: normall'));
    const result = await run('validate', '--json', file, IRREGULAR);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out);
    expect(report.files).toEqual([
      {
        file,
        ok: false,
        problems: [{ severity: 'error', line: expect.any(Number), column: 17, path: 'wall.defaultScene', message: "unknown scene 'normall'", suggestion: 'normal' }],
      },
      { file: IRREGULAR, ok: true, problems: [] },
    ]);
  });

  it('exits 2 for a file it cannot read, and for no file at all', async () => {
    const missing = await run('validate', path.join(ROOT, 'wall-layouts/no-such-wall.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no-such-wall.yaml: cannot read: no such file');
    expect((await run('validate')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });

  it('checks that image files exist beside the layout', async () => {
    const file = temporaryLayout('wall.yaml', reference());
    const result = await run('validate', file);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/wall\.yaml:\d+:\d+: panels\[\d+\]\.src: image file not found: \.\.\/assets\/maps\/province-outline\.svg \(paths are relative to the layout file\)/);
  });
});

describe('ioc-wall describe', () => {
  it('shows the reference wall: 18 screens, 13 fields, and the slices of each scene', async () => {
    const result = await run('describe', REFERENCE);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Screens (18)');
    expect(result.out).toContain('Fields (13)');
    expect(result.out).toMatch(/^\s+S18\s/m);
    expect(result.out).toMatch(/^ {2}flood: Lũ lụt \/ Flood, hotkey F2, extends normal, \d+ panels$/m);
    // The map spans four screens: each draws its own slice of it.
    expect(result.out.match(/^\s+S0[349]|^\s+S10/gm)?.length).toBeGreaterThanOrEqual(4);
  });

  it('prints with --json the object the server serves as /api/wall', async () => {
    const result = await run('describe', REFERENCE, '--json');
    const description = JSON.parse(result.out);
    expect(Object.keys(description)).toEqual(['wall', 'screens', 'fields', 'series', 'panels', 'scenes', 'plan']);
    expect(description.plan.screens).toHaveLength(18);
    expect(description.fields).toHaveLength(13);
    const normal = description.plan.scenes.find((scene: { id: string }) => scene.id === 'normal');
    const mapSlices = ['S03', 'S04', 'S09', 'S10'].map((id) => normal.screens[id].find((slice: { panel: string }) => slice.panel === 'map_outline'));
    expect(mapSlices.every(Boolean)).toBe(true);
  });

  it('refuses a broken layout with its problems', async () => {
    const file = temporaryLayout('broken.yaml', reference().replace('rotation: 0', 'rotation: 45').replace('defaultScene: normal', 'defaultScene: x'));
    const result = await run('describe', file);
    expect(result.code).toBe(1);
    expect(result.err).toContain("wall.defaultScene: unknown scene 'x'");
  });
});

describe('ioc-wall doctor', () => {
  const probes = (missing: string[]): DoctorProbes => ({
    nodeVersion: () => 'v20.20.2',
    run: async (command) => (missing.includes(command) ? { ok: false, detail: 'not installed' } : { ok: true, detail: `${command} 1.0` }),
    portFree: async () => !missing.includes('port'),
  });
  const capture = async (missing: string[]) => {
    const lines: string[] = [];
    const code = await doctorCommand({ json: false }, { out: (line) => lines.push(line), err: (line) => lines.push(line) }, probes(missing));
    return { code, text: lines.join('\n') };
  };

  it('says everything is in place when it is', async () => {
    expect(await capture([])).toMatchObject({ code: 0, text: expect.stringContaining('doctor: everything is in place') });
  });

  it('names what is missing, what needs it and the command that installs it', async () => {
    const { code, text } = await capture(['ffmpeg', 'chromium', 'port']);
    expect(code).toBe(1);
    expect(text).toMatch(/^MISSING\s+ffmpeg\s+not installed\s+\(camera gateway and demo streams\)$/m);
    expect(text).toContain('to fix ffmpeg: apt-get update && apt-get install -y --no-install-recommends ffmpeg');
    expect(text).toContain('to fix chromium: apt-get update && apt-get install -y --no-install-recommends chromium');
    expect(text).toMatch(/MISSING\s+port 7300\s+in use: stop what uses it, or run the server with --port 0/);
    expect(text).toMatch(/MISSING\s+port 1883\s+in use \(another MQTT broker\?\): name it in the layout, or run the server with --broker-port 0/);
    expect(text).toContain('doctor: 4 of 7 checks need attention');
  });

  it('reports an old Node.js', async () => {
    const lines: string[] = [];
    const old = { ...probes([]), nodeVersion: () => 'v18.19.0' };
    const code = await doctorCommand({ json: true }, { out: (line) => lines.push(line), err: () => {} }, old);
    expect(code).toBe(1);
    expect(JSON.parse(lines.join('\n')).checks[0]).toMatchObject({ name: 'Node.js', ok: false, detail: 'v18.19.0 is too old' });
  });
});

describe('the installed command', () => {
  it('runs as npx ioc-wall from the project, committed executable', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'ioc-wall', 'validate', 'wall-layouts/ioc-province.yaml'], { cwd: ROOT });
    expect(stdout).toBe('wall-layouts/ioc-province.yaml: valid\n');
    const { stdout: mode } = await promisify(execFile)('git', ['ls-files', '--stage', 'bin/ioc-wall.js'], { cwd: ROOT });
    expect(mode).toMatch(/^100755 /);
  });
});
