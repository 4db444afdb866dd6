// The run's shared Chromium, for specs: connect to it once per spec file, or skip (loudly, said by the global setup) when the machine has none.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, inject, it } from 'vitest';

export const browserIt = inject('chromiumEndpoint') ? it : it.skip;

/** Connects to the shared Chromium before the spec file's tests and disconnects after; call at the top of a describe. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (inject('chromiumEndpoint')) browser = await chromium.connect(inject('chromiumEndpoint'));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('no Chromium for this run');
    return browser;
  };
}
