// Reading what a screen page shows: screenshots decoded to pixels, for checks on what a person would see.
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';

export interface Pixels {
  readonly width: number;
  readonly height: number;
  /** RGBA, row by row. */
  readonly data: Uint8Array;
}

export async function screenshotPixels(page: Page): Promise<Pixels> {
  const png = PNG.sync.read(await page.screenshot({ type: 'png' }));
  return { width: png.width, height: png.height, data: png.data };
}

export function pixel(image: Pixels, x: number, y: number): [number, number, number] {
  const offset = (y * image.width + x) * 4;
  return [image.data[offset]!, image.data[offset + 1]!, image.data[offset + 2]!];
}

/** Share of pixels that differ clearly from the most common colour (the background): 0 for a blank page. */
export function inkRatio(image: Pixels): number {
  const counts = new Map<number, number>();
  for (let offset = 0; offset < image.data.length; offset += 4) {
    const key = (image.data[offset]! << 16) | (image.data[offset + 1]! << 8) | image.data[offset + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const background = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const [r, g, b] = [background >> 16, (background >> 8) & 255, background & 255];
  let ink = 0;
  for (let offset = 0; offset < image.data.length; offset += 4) {
    const distance = Math.abs(image.data[offset]! - r) + Math.abs(image.data[offset + 1]! - g) + Math.abs(image.data[offset + 2]! - b);
    if (distance > 60) ink++;
  }
  return ink / (image.width * image.height);
}
