// End-to-end helpers (used by e2e specs and benchmarks): a real `ioc-wall serve` on a free port, screen pages, what they report.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Wall {
  readonly url: string;
  /** The server's process id, for memory figures. */
  readonly pid: number;
  readonly port: number;
  readonly layout: string;
  readonly dataDirectory: string;
  readonly log: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts the server again on the same port, layout and data folder. */
  restart(): Promise<Wall>;
}

/** A folder of the test's own with a layout (the server watches the folder), image paths made absolute. */
export function layoutCopy(source: string, edit: (text: string) => string = (text) => text): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'ioc-wall-e2e-'));
  const file = path.join(folder, 'wall.yaml');
  const text = readFileSync(source, 'utf8').replaceAll('../assets/', `${path.join(ROOT, 'assets')}/`);
  writeFileSync(file, edit(text));
  return file;
}

export interface WallOptions {
  /** Bind address (default loopback); the returned url then names 127.0.0.1 when it is 0.0.0.0, so tests reach it. */
  readonly host?: string;
  readonly layout: string;
  readonly port?: number;
  readonly brokerPort?: number;
  readonly dataDirectory?: string;
  readonly demo?: boolean;
  /** Variables added to the test runner's environment for the server process, e.g. a camera password the layout names. */
  readonly environment?: Readonly<Record<string, string>>;
}

export async function startWall(options: WallOptions): Promise<Wall> {
  const dataDirectory = options.dataDirectory ?? mkdtempSync(path.join(tmpdir(), 'ioc-wall-data-'));
  const args = ['serve', '--layout', options.layout, '--port', String(options.port ?? 0), '--broker-port', String(options.brokerPort ?? 0), '--data-dir', dataDirectory, ...(options.host === undefined ? [] : ['--host', options.host]), ...(options.demo === false ? [] : ['--demo'])];
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [path.join(ROOT, 'bin/ioc-wall.js'), ...args], { cwd: ROOT, env: { ...process.env, ...options.environment } });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!.replace('//0.0.0.0:', '//127.0.0.1:'));
    });
    child.once('exit', (code) => reject(new Error(`ioc-wall serve exited ${code}:\n${stderr}`)));
  });
  const port = Number(new URL(url).port);
  const wall: Wall = {
    url,
    pid: child.pid!,
    port,
    layout: options.layout,
    dataDirectory,
    log: () => stderr,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
    restart: () => startWall({ ...options, port, dataDirectory }),
  };
  return wall;
}

/** The console sign-in link the server printed at start (one-time code in its fragment). */
export async function consoleLink(wall: Wall, milliseconds = 10_000): Promise<string> {
  const deadline = Date.now() + milliseconds;
  for (;;) {
    const link = /console \(sign-in link[^)]*\): (\S+)/.exec(wall.log())?.[1];
    if (link) return link;
    if (Date.now() > deadline) throw new Error('the server printed no console link');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What a screen page reports about itself (renderer/screen: window.__IOC_WALL__). */
export interface ScreenStatus {
  readonly screen: string;
  readonly state: 'waiting' | 'assigned' | 'unknown-screen' | 'token-invalid' | 'token-needed';
  readonly connection: 'connecting' | 'connected' | 'disconnected';
  readonly layoutVersion?: number;
  readonly sceneId?: string;
  /** The scene version on screen. */
  readonly sceneVersion?: number;
  readonly flips: readonly { switchId: number; version: number; at: number; flippedAt: number; late: boolean; frameTime: number }[];
  /** Off-screen builds; switchId 0 is the warm-up after load. */
  readonly builds: readonly { switchId: number; total: number }[];
  readonly framesDrawn: number;
  readonly lastDrawAt: number;
  readonly panels: readonly string[];
  readonly texts: readonly string[];
  readonly fontsReady: boolean;
  readonly contextLosses: number;
  readonly panelErrors: readonly { panel: string; message: string }[];
}

export function screenStatus(page: Page): Promise<ScreenStatus> {
  return page.evaluate(() => JSON.parse(JSON.stringify((globalThis as unknown as { __IOC_WALL__: unknown }).__IOC_WALL__)));
}

/** Waits until the page's status satisfies `condition` (polling; software WebGL is slow on 2 cores). */
export async function untilStatus(page: Page, condition: (status: ScreenStatus) => boolean, milliseconds = 60_000): Promise<ScreenStatus> {
  const deadline = Date.now() + milliseconds;
  let last: ScreenStatus | undefined;
  while (Date.now() < deadline) {
    last = await screenStatus(page).catch(() => undefined);
    if (last && condition(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`screen status not reached in ${milliseconds} ms; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
}

export async function openScreen(browser: Browser, url: string, screen: string, viewport = { width: 384, height: 216 }): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${url}/screen/${screen}`);
  return page;
}
