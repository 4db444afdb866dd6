// The run's shared Chromium, for specs: connect to it, or skip (loudly, said by the global setup) when the machine has none.
import { chromium, type Browser } from 'playwright-core';
import { inject, it } from 'vitest';

export const browserIt = inject('chromiumEndpoint') ? it : it.skip;

export function connectBrowser(): Promise<Browser> {
  return chromium.connect(inject('chromiumEndpoint'));
}
