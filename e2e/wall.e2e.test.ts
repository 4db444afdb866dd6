// The reference wall in Chromium: all 18 screens draw their part with Vietnamese text, survive a server restart, and keep the last good layout.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { inkRatio, screenshotPixels } from './support/pixels.ts';
import { browserIt, useBrowser } from './support/browser.ts';
import { layoutCopy, openScreen, ROOT, screenStatus, startWall, untilStatus } from './support/wall.ts';

const REFERENCE = path.join(ROOT, 'wall-layouts/ioc-province.yaml');
const SCREENS = Array.from({ length: 18 }, (_, index) => `S${String(index + 1).padStart(2, '0')}`);
/** Vietnamese letters that exist only with diacritics: a page showing them draws Vietnamese, not plain ASCII. */
const VIETNAMESE = /[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]/i;

describe('the reference wall in Chromium', () => {
  const browser = useBrowser();

  browserIt('draws every one of the 18 screens, with Vietnamese text in the shipped font', async () => {
    const wall = await startWall({ layout: layoutCopy(REFERENCE) });
    try {
      const pages: Page[] = [];
      for (const screen of SCREENS) pages.push(await openScreen(browser(), wall.url, screen));
      for (const [index, page] of pages.entries()) {
        const status = await untilStatus(page, (candidate) => candidate.state === 'assigned' && candidate.framesDrawn > 0 && candidate.fontsReady, 120_000);
        expect(status.screen).toBe(SCREENS[index]);
        expect(status.panelErrors).toEqual([]);
        expect(status.texts.some((text) => VIETNAMESE.test(text)), `${status.screen} draws Vietnamese text`).toBe(true);
        expect(inkRatio(await screenshotPixels(page)), `${status.screen} is not blank`).toBeGreaterThan(0.02);
        expect(await page.evaluate(() => document.fonts.check('700 32px "Be Vietnam Pro"', 'Lũ lụt Đà Nẵng'))).toBe(true);
      }
      const health = (await (await fetch(`${wall.url}/healthz`)).json()) as { screens: unknown };
      expect(health.screens).toMatchObject({ expected: 18, connected: 18 });
    } finally {
      await wall.stop();
    }
  });

  browserIt('shows a clear slate for a screen the layout does not have', async () => {
    const wall = await startWall({ layout: layoutCopy(REFERENCE) });
    try {
      const page = await openScreen(browser(), wall.url, 'S99');
      const status = await untilStatus(page, (candidate) => candidate.state === 'unknown-screen');
      expect(status.texts.join(' ')).toContain('S99');
      expect(inkRatio(await screenshotPixels(page))).toBeGreaterThan(0.005);
    } finally {
      await wall.stop();
    }
  });

  browserIt('draws again after its WebGL context is lost and restored', async () => {
    const wall = await startWall({ layout: layoutCopy(REFERENCE) });
    try {
      const page = await openScreen(browser(), wall.url, 'S03');
      const before = await untilStatus(page, (status) => status.state === 'assigned' && status.framesDrawn > 0);
      await page.evaluate(() => {
        const canvas = document.querySelector('canvas')!;
        const context = (canvas.getContext('webgl2') ?? canvas.getContext('webgl'))!;
        const extension = context.getExtension('WEBGL_lose_context')!;
        extension.loseContext();
        setTimeout(() => extension.restoreContext(), 300);
      });
      const after = await untilStatus(page, (status) => status.contextLosses === 1 && status.framesDrawn > before.framesDrawn + 1);
      expect(after.panelErrors).toEqual([]);
      expect(inkRatio(await screenshotPixels(page))).toBeGreaterThan(0.02);
    } finally {
      await wall.stop();
    }
  });

  browserIt('reconnects and redraws without a reload when the server restarts', async () => {
    let wall = await startWall({ layout: layoutCopy(REFERENCE) });
    try {
      const pages = [await openScreen(browser(), wall.url, 'S01'), await openScreen(browser(), wall.url, 'S17')];
      for (const page of pages) {
        await untilStatus(page, (status) => status.state === 'assigned' && status.framesDrawn > 0);
        await page.evaluate(() => ((globalThis as unknown as { beforeRestart: boolean }).beforeRestart = true));
      }
      expect(await wall.stop()).toBe(0);
      for (const page of pages) await untilStatus(page, (status) => status.connection === 'disconnected');
      // Disconnected, a screen keeps its last frame (with a badge), never black.
      expect(inkRatio(await screenshotPixels(pages[0]!))).toBeGreaterThan(0.02);

      wall = await wall.restart();
      for (const page of pages) {
        await untilStatus(page, (status) => status.connection === 'connected' && status.state === 'assigned');
        expect(await page.evaluate(() => (globalThis as unknown as { beforeRestart?: boolean }).beforeRestart)).toBe(true);
      }
    } finally {
      await wall.stop();
    }
  });

  browserIt('keeps the last good layout when a change is broken, and starts from it after a restart', async () => {
    const layout = layoutCopy(REFERENCE);
    let wall = await startWall({ layout });
    try {
      const page = await openScreen(browser(), wall.url, 'S01');
      const before = await untilStatus(page, (status) => status.state === 'assigned' && status.framesDrawn > 0);

      const good = readFileSync(layout, 'utf8');
      writeFileSync(layout, good.replace('defaultScene: normal', 'defaultScene: nromal'));
      const lineOfMistake = good.split('\n').findIndex((line) => line.includes('defaultScene: normal')) + 1;
      await expect.poll(() => wall.log(), { timeout: 10_000 }).toContain(`${layout}:${lineOfMistake}:17: wall.defaultScene: unknown scene 'nromal'`);
      expect((await screenStatus(page)).layoutVersion).toBe(before.layoutVersion);

      await wall.stop();
      wall = await wall.restart();
      expect(wall.log()).toContain('running the last good copy');
      const after = await untilStatus(page, (status) => status.connection === 'connected' && status.state === 'assigned' && status.sceneId === 'normal');
      expect(after.panels.length).toBeGreaterThan(0);
    } finally {
      await wall.stop();
    }
  });
});
