// Global setup of the e2e project: one Debian Chromium for the whole run, shared by every spec through its WebSocket endpoint.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';

export const CHROMIUM = '/usr/bin/chromium';

/** FIELD-NOTES.md: software WebGL needs SwiftShader; the rest keeps Chromium off the (closed) network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--autoplay-policy=no-user-gesture-required',
  // Pages in background tabs must keep drawing: every screen is "visible" on a wall.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

declare module 'vitest' {
  export interface ProvidedContext {
    /** Empty when Chromium is missing outside CI: the specs skip, loudly. */
    chromiumEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!existsSync(CHROMIUM)) {
    const hint = `Chromium is missing (${CHROMIUM}): apt-get update && apt-get install -y --no-install-recommends chromium`;
    if (process.env.CI) throw new Error(`${hint} (required in CI)`);
    console.warn(`\n!!!!! ${hint}\n!!!!! the end-to-end specs are SKIPPED on this machine\n`);
    project.provide('chromiumEndpoint', '');
    return undefined;
  }
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  project.provide('chromiumEndpoint', server.wsEndpoint());
  return () => server.close();
}
