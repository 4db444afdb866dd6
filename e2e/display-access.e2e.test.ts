// A display PC on the LAN: the wall bound to every address, a screen page opened with the display URL's token, and what happens without one, with a wrong one, and when it is revoked.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { Identities } from '../main/services/identities.ts';
import { StateStore } from '../main/services/state-store.ts';
import { browserIt, useBrowser } from './support/browser.ts';
import { layoutCopy, ROOT, startWall, untilStatus } from './support/wall.ts';

const REFERENCE = path.join(ROOT, 'wall-layouts/ioc-province.yaml');

describe('a display PC on the LAN', () => {
  const browser = useBrowser();

  browserIt('shows its screen from the display URL, keeps the token out of the address bar, and is cut off when the token is revoked', async () => {
    const dataDirectory = mkdtempSync(path.join(tmpdir(), 'ioc-wall-display-'));
    // What `ioc-wall display-url S01` does before it prints the URL.
    const store = StateStore.open(dataDirectory);
    const identities = new Identities(store);
    const { token, id } = identities.createToken({ label: 'display S01', role: 'display', screen: 'S01' });
    const wall = await startWall({ layout: layoutCopy(REFERENCE), host: '0.0.0.0', dataDirectory, demo: false });
    const open = async (route: string) => {
      const context = await browser().newContext({ viewport: { width: 384, height: 216 } });
      const page = await context.newPage();
      await page.goto(`${wall.url}${route}`);
      return page;
    };
    try {
      const display = await open(`/screen/S01#token=${token}`);
      const shown = await untilStatus(display, (status) => status.state === 'assigned' && status.framesDrawn > 0, 90_000);
      expect(shown.screen).toBe('S01');
      expect(display.url()).not.toContain(token);
      expect(await display.evaluate(() => window.location.hash)).toBe('');
      // A kiosk that reboots opens the bare URL: the cookie it got still shows its screen.
      await display.goto(`${wall.url}/screen/S01`);
      await untilStatus(display, (status) => status.state === 'assigned' && status.framesDrawn > 0, 90_000);

      const bare = await open('/screen/S02');
      expect((await untilStatus(bare, (status) => status.state === 'token-needed', 60_000)).screen).toBe('S02');
      const borrowed = await open(`/screen/S02#token=${token}`);
      await untilStatus(borrowed, (status) => status.state === 'token-invalid', 60_000);

      // Revoked: the open connection is closed, and the page (opened without a token this time) asks for a new display URL.
      identities.revokeToken(id);
      await untilStatus(display, (status) => status.state === 'token-needed' && status.connection === 'disconnected', 60_000);
      expect(wall.log()).not.toContain(token);
    } finally {
      store.dispose();
      await wall.stop();
    }
  });
});
