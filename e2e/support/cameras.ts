// End-to-end helpers for live cameras (used by the camera specs and the camera benchmark): a one-screen camera layout, /api/cameras read back, what a screen says of its cameras, and pixels of a tile.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { CamerasState } from '../../common/contract/control.ts';
import type { Pixels } from './pixels.ts';
import { screenStatus, type ScreenStatus, type Wall } from './wall.ts';

/** The screen of the camera layout, 1920x1080 over 1209.6 x 680.4 mm. */
export const CAMERA_SCREEN = 'C1';

/** The variable the camera layout names for the RTSP camera's password (the server reads it; the layout never holds it). */
export const CAMERA_PASSWORD_VARIABLE = 'IOC_TEST_CAMERA_PASSWORD';

export interface CameraLayoutOptions {
  /** The RTSP camera `cam_gate`, shown by the two top panels: rtsp://host:port/mount without credentials, and the user name. */
  readonly rtsp?: { readonly url: string; readonly username?: string };
  /** The test-pattern camera `cam_pattern` on the bottom-left panel (default true). */
  readonly pattern?: boolean;
}

/**
 * A layout of one screen (C1) in its own folder: the RTSP camera `cam_gate` shown by two video panels side by side on
 * the top half (each its own tile of the same camera), and the test-pattern camera `cam_pattern` bottom left. The
 * password is `{env: IOC_TEST_CAMERA_PASSWORD}`.
 */
export function cameraLayout(options: CameraLayoutOptions): string {
  const { rtsp } = options;
  const pattern = options.pattern ?? true;
  const panels: string[] = [];
  const placements: string[] = [];
  const cameras: string[] = [];
  const place = (panel: string, x: number, y: number) =>
    placements.push(`      - { panel: ${panel}, rect: { screen: ${CAMERA_SCREEN}, x: ${x}, y: ${y}, width: 604.8, height: 340.2 } }`);
  if (rtsp) {
    const credentials = rtsp.username === undefined ? '' : `, username: "${rtsp.username}", password: { env: ${CAMERA_PASSWORD_VARIABLE} }`;
    panels.push('  - { id: gate_left, type: video, cameras: [cam_gate] }', '  - { id: gate_right, type: video, cameras: [cam_gate] }');
    place('gate_left', 0, 0);
    place('gate_right', 604.8, 0);
    cameras.push(`    - { id: cam_gate, kind: rtsp, name: { vi: "Cổng chính", en: Main gate }, url: "${rtsp.url}"${credentials} }`);
  }
  if (pattern) {
    panels.push('  - { id: pattern_tile, type: video, cameras: [cam_pattern] }');
    place('pattern_tile', 0, 340.2);
    cameras.push('    - { id: cam_pattern, kind: test-pattern, name: { vi: "Mẫu thử", en: Test pattern }, pattern: testsrc2, size: 320x180, fps: 10 }');
  }
  const text = `format: ioc-wall/layout@1
wall: { id: camera_lab, name: { vi: "Phòng thử camera", en: Camera lab }, languages: [vi, en], defaultScene: live }
screens:
  - { id: ${CAMERA_SCREEN}, x: 0, y: 0, activeArea: { width: 1209.6, height: 680.4 }, bezel: { top: 1.75, right: 1.75, bottom: 1.75, left: 1.75 }, resolution: { width: 1920, height: 1080 } }
panels:
${panels.join('\n')}
scenes:
  - id: live
    name: { vi: "Trực tiếp", en: Live }
    placements:
${placements.join('\n')}
sources:
  cameras:
${cameras.join('\n')}
`;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ioc-wall-cameras-')), 'wall.yaml');
  writeFileSync(file, text);
  return file;
}

/** A part of a screenshot, in its pixels. */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where a panel of the camera layout is in a page of `viewport` size (each panel is a quarter of the screen), inset by
 * `inset` of its size on every side so the region holds only the tile (no panel margin, no name bar at 0.2).
 */
export function quarterRegion(viewport: { width: number; height: number }, column: 0 | 1, row: 0 | 1, inset = 0.08): Region {
  const width = viewport.width / 2;
  const height = viewport.height / 2;
  return {
    x: Math.round(column * width + width * inset),
    y: Math.round(row * height + height * inset),
    width: Math.round(width * (1 - 2 * inset)),
    height: Math.round(height * (1 - 2 * inset)),
  };
}

function* regionOffsets(image: Pixels, region: Region): Generator<number> {
  for (let y = region.y; y < region.y + region.height; y++) for (let x = region.x; x < region.x + region.width; x++) yield (y * image.width + x) * 4;
}

/** Share of the region's pixels whose colour differs clearly (sum of channel differences over `threshold`) between two screenshots. */
export function changedShare(before: Pixels, after: Pixels, region: Region, threshold = 48): number {
  let changed = 0;
  let total = 0;
  for (const offset of regionOffsets(before, region)) {
    total++;
    const distance =
      Math.abs(before.data[offset]! - after.data[offset]!) + Math.abs(before.data[offset + 1]! - after.data[offset + 1]!) + Math.abs(before.data[offset + 2]! - after.data[offset + 2]!);
    if (distance > threshold) changed++;
  }
  return total === 0 ? 0 : changed / total;
}

/** The most common colour of a region and its share of the region's pixels. */
export function dominantColour(image: Pixels, region: Region): { colour: number; share: number } {
  const counts = new Map<number, number>();
  let total = 0;
  for (const offset of regionOffsets(image, region)) {
    total++;
    const key = (image.data[offset]! << 16) | (image.data[offset + 1]! << 8) | image.data[offset + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const [colour, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
  return { colour, share: total === 0 ? 0 : count / total };
}

/** Share of a region's pixels within `tolerance` (per channel) of a colour (0xrrggbb). */
export function colourShare(image: Pixels, region: Region, colour: number, tolerance = 40): number {
  const [r, g, b] = [colour >> 16, (colour >> 8) & 255, colour & 255];
  let matching = 0;
  let total = 0;
  for (const offset of regionOffsets(image, region)) {
    total++;
    if (Math.abs(image.data[offset]! - r) <= tolerance && Math.abs(image.data[offset + 1]! - g) <= tolerance && Math.abs(image.data[offset + 2]! - b) <= tolerance) matching++;
  }
  return total === 0 ? 0 : matching / total;
}

/** Whether two colours (0xrrggbb) are within `tolerance` on every channel. */
export function near(a: number, b: number, tolerance = 6): boolean {
  return [16, 8, 0].every((shift) => Math.abs(((a >> shift) & 255) - ((b >> shift) & 255)) <= tolerance);
}

/** One camera a screen page holds a feed for (renderer/screen/status.ts CameraReport). */
export interface CameraReport {
  readonly state: 'connecting' | 'live' | 'lost' | 'recovering' | 'unavailable';
  readonly framesPresented: number;
  readonly lastFrameAt: number | null;
  readonly tiles: number;
  readonly detail: string | null;
}

/** What a screen page reports, with its cameras. */
export interface CameraScreenStatus extends ScreenStatus {
  /** <video> elements the page holds: one per camera fed, however many tiles show it. */
  readonly videoElements: number;
  readonly cameras: Readonly<Record<string, CameraReport>>;
}

export async function cameraStatus(page: Page): Promise<CameraScreenStatus> {
  return (await screenStatus(page)) as CameraScreenStatus;
}

/** Polls the page's status every 50 ms until `condition` holds; resolves with the status and when it was first seen (Date.now()). */
export async function untilCameraStatus(page: Page, condition: (status: CameraScreenStatus) => boolean, milliseconds = 60_000): Promise<{ status: CameraScreenStatus; at: number }> {
  const deadline = Date.now() + milliseconds;
  let last: CameraScreenStatus | undefined;
  while (Date.now() < deadline) {
    last = await cameraStatus(page).catch(() => undefined);
    if (last?.cameras && condition(last)) return { status: last, at: Date.now() };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const cameras = last && { state: last.state, connection: last.connection, videoElements: last.videoElements, cameras: last.cameras, panelErrors: last.panelErrors };
  throw new Error(`screen camera status not reached in ${milliseconds} ms; last: ${JSON.stringify(cameras)?.slice(0, 2000)}`);
}

export async function camerasState(wall: Wall): Promise<CamerasState> {
  const response = await fetch(`${wall.url}/api/cameras`);
  if (!response.ok) throw new Error(`GET /api/cameras: ${response.status} ${await response.text()}`);
  return (await response.json()) as CamerasState;
}

/** Polls GET /api/cameras until `condition` holds. */
export async function untilCameras(wall: Wall, condition: (state: CamerasState) => boolean, milliseconds = 60_000): Promise<CamerasState> {
  const deadline = Date.now() + milliseconds;
  let last: CamerasState | undefined;
  while (Date.now() < deadline) {
    last = await camerasState(wall).catch(() => undefined);
    if (last && condition(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`/api/cameras never reached the state in ${milliseconds} ms; last: ${JSON.stringify(last)?.slice(0, 3000)}`);
}

/** Waits until the media gateway listens: a page served before that cannot reach it (see the spec's note on the CSP). */
export function untilGatewayRunning(wall: Wall, milliseconds = 60_000): Promise<CamerasState> {
  return untilCameras(wall, (state) => state.gateway.running, milliseconds);
}

/** Every way a secret could be written down: as is, percent-encoded (either case of hex), URI-encoded, in base64. */
export function secretForms(secret: string): string[] {
  const component = encodeURIComponent(secret);
  return [...new Set([secret, component, component.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()), encodeURI(secret), Buffer.from(secret).toString('base64')])];
}

/** The forms of `secret` that occur in `text` (none, for a text fit to show). */
export function leakedForms(text: string, secret: string): string[] {
  return secretForms(secret).filter((form) => text.includes(form));
}

/**
 * Starts noting, inside the page, every state change of one camera as the page reports it (looked at every 10 ms, far
 * more often than a test can poll from outside), with the page's clock; read them with `cameraStateChanges`.
 */
export async function recordCameraStates(page: Page, cameraId: string): Promise<void> {
  await page.evaluate((id) => {
    const changes: { at: number; state: string; framesPresented: number }[] = [];
    const scope = globalThis as unknown as { __IOC_WALL__?: CameraScreenStatus; cameraStateChanges?: typeof changes; cameraStateTimer?: ReturnType<typeof setInterval> };
    clearInterval(scope.cameraStateTimer);
    scope.cameraStateChanges = changes;
    scope.cameraStateTimer = setInterval(() => {
      const report = scope.__IOC_WALL__?.cameras?.[id];
      if (report && changes.at(-1)?.state !== report.state) changes.push({ at: Date.now(), state: report.state, framesPresented: report.framesPresented });
    }, 10);
  }, cameraId);
}

/** The changes noted since `recordCameraStates` (Date.now() of the page). */
export async function cameraStateChanges(page: Page): Promise<{ at: number; state: string; framesPresented: number }[]> {
  return page.evaluate(() => [...((globalThis as unknown as { cameraStateChanges?: { at: number; state: string; framesPresented: number }[] }).cameraStateChanges ?? [])]);
}
