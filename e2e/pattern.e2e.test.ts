// Two neighbouring screens at native size showing one pattern across them: the diagonals line up across the bezel.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { pixel, screenshotPixels, type Pixels } from './support/pixels.ts';
import { browserIt, useBrowser } from './support/browser.ts';
import { openScreen, startWall, untilStatus } from './support/wall.ts';

const ACTIVE = { width: 1209.6, height: 680.4 };
const BEZEL = 1.75;
const PIXELS_PER_MILLIMETRE = 1920 / ACTIVE.width;

const PAIR = `format: ioc-wall/layout@1
wall: { id: pair, name: { vi: "Cặp màn hình", en: Screen pair }, defaultScene: pattern }
screens:
  - { id: A, x: 0, y: 0, activeArea: { width: ${ACTIVE.width}, height: ${ACTIVE.height} }, bezel: { top: ${BEZEL}, right: ${BEZEL}, bottom: ${BEZEL}, left: ${BEZEL} }, resolution: { width: 1920, height: 1080 } }
  - { id: B, x: ${ACTIVE.width + 2 * BEZEL}, y: 0, activeArea: { width: ${ACTIVE.width}, height: ${ACTIVE.height} }, bezel: { top: ${BEZEL}, right: ${BEZEL}, bottom: ${BEZEL}, left: ${BEZEL} }, resolution: { width: 1920, height: 1080 } }
regions:
  - { id: both, screens: [A, B] }
panels:
  - { id: pattern, type: pattern, spacing: 100 }
scenes:
  - id: pattern
    name: { vi: "Mẫu hiệu chỉnh", en: Calibration pattern }
    placements: [{ panel: pattern, rect: { region: both } }]
`;

/** Centres of the runs of the down-right diagonal's colour (cyan) down one column of pixels. */
function diagonalCentres(image: Pixels, column: number): number[] {
  const centres: number[] = [];
  let start = -1;
  for (let y = 0; y <= image.height; y++) {
    const [r, g, b] = y < image.height ? pixel(image, column, y) : [0, 0, 0];
    const cyan = r < 90 && g > 160 && b > 190;
    if (cyan && start < 0) start = y;
    if (!cyan && start >= 0) {
      centres.push((start + y - 1) / 2);
      start = -1;
    }
  }
  return centres;
}

describe('the calibration pattern across a bezel', () => {
  const browser = useBrowser();

  browserIt('continues each diagonal on the neighbouring screen where the hidden bezel says it must', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'ioc-wall-pair-'));
    const layout = path.join(folder, 'pair.yaml');
    writeFileSync(layout, PAIR);
    const wall = await startWall({ layout, demo: false });
    try {
      const native = { width: 1920, height: 1080 };
      const [left, right] = [await openScreen(browser(), wall.url, 'A', native), await openScreen(browser(), wall.url, 'B', native)];
      for (const page of [left, right]) await untilStatus(page, (status) => status.state === 'assigned' && status.framesDrawn > 0, 120_000);
      const [leftImage, rightImage] = [await screenshotPixels(left!), await screenshotPixels(right!)];

      // Columns a little inside each screen (its edge carries the green outline), and the wall distance between them.
      const inset = 20;
      const leftColumn = native.width - 1 - inset;
      const rightColumn = inset;
      const leftX = BEZEL + (leftColumn + 0.5) / PIXELS_PER_MILLIMETRE;
      const rightX = ACTIVE.width + 3 * BEZEL + (rightColumn + 0.5) / PIXELS_PER_MILLIMETRE;
      // A down-right diagonal (x − y = c) descends as much as it advances: the bezel hides 3.5 mm of it.
      const drop = (rightX - leftX) * PIXELS_PER_MILLIMETRE;

      const leftCentres = diagonalCentres(leftImage!, leftColumn).filter((y) => y + drop < native.height - 10 && y > 10);
      const rightCentres = diagonalCentres(rightImage!, rightColumn);
      expect(leftCentres.length).toBeGreaterThanOrEqual(2);
      for (const y of leftCentres) {
        const nearest = Math.min(...rightCentres.map((candidate) => Math.abs(candidate - (y + drop))));
        expect(nearest, `diagonal at y ${y} on A continues at ${y + drop} on B (found ${rightCentres.join(', ')})`).toBeLessThanOrEqual(1.5);
      }
      // Drawn as if there were no bezel, the line would land about 5.5 px higher: more than the tolerance, so the check tells them apart.
      const withoutBezel = native.width - leftColumn + rightColumn;
      expect(drop - withoutBezel).toBeGreaterThan(4);
    } finally {
      await wall.stop();
    }
  });
});
