// Live cameras end to end: a real RTSP camera behind digest credentials (killed and restarted) through the media gateway to a Chromium screen, its slate and recovery; the demo wall's 45 cameras on four test patterns.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requireFfmpeg } from '../device-drivers/rtsp/ffmpeg.ts';
import { commandLine, descendants, isRunning } from '../device-drivers/rtsp/process-tree.ts';
import { requireGstreamerRtsp, startRtspServer, type RtspServer } from '../device-drivers/rtsp/test-rtsp-server.ts';
import { browserIt, useBrowser } from './support/browser.ts';
import {
  CAMERA_PASSWORD_VARIABLE,
  CAMERA_SCREEN,
  cameraLayout,
  cameraStatus,
  camerasState,
  changedShare,
  colourShare,
  dominantColour,
  leakedForms,
  near,
  quarterRegion,
  cameraStateChanges,
  recordCameraStates,
  untilCameras,
  untilCameraStatus,
  untilGatewayRunning,
  type CameraScreenStatus,
} from './support/cameras.ts';
import { screenshotPixels } from './support/pixels.ts';
import { metrics, parseMetrics } from './support/telemetry.ts';
import { consoleLink, layoutCopy, openScreen, ROOT, startWall, type Wall } from './support/wall.ts';

const REFERENCE = path.join(ROOT, 'wall-layouts/ioc-province.yaml');
/** ':', '@' and '/' would each break an RTSP URL if the password went in unescaped. */
const PASSWORD = 'S3cr:t@p/ss';
const USERNAME = 'viewer';
/** A third of the screen's 1920x1080: each panel of the camera layout is a 320x180 quarter. */
const VIEWPORT = { width: 640, height: 360 };
const LEFT = quarterRegion(VIEWPORT, 0, 0);
const RIGHT = quarterRegion(VIEWPORT, 1, 0);
const PATTERN = quarterRegion(VIEWPORT, 0, 1);
/** renderer/screen/theme.ts: the slate's ground and the "signal lost" line. */
const SLATE_GROUND = 0x0b121b;
const ERROR_RED = 0xef5350;
/** renderer/screen/strings.ts cameraLost. */
const SIGNAL_LOST = 'Mất tín hiệu';

const hasTools = requireFfmpeg() && requireGstreamerRtsp();
/** Needs ffmpeg, GStreamer's RTSP server for Debian's python3, and Chromium. */
const cameraIt = hasTools ? browserIt : it.skip;
/** Needs ffmpeg and Chromium. */
const ffmpegIt = requireFfmpeg() ? browserIt : it.skip;

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const gate = (status: CameraScreenStatus) => status.cameras['cam_gate'];

/** The server's processes now, by pid, with their command lines (read while they run: afterwards they are gone). */
function noteDescendants(wall: Wall, seen: Map<number, { name: string; command: string }>): void {
  for (const entry of descendants(wall.pid)) seen.set(entry.pid, { name: entry.name, command: (commandLine(entry.pid) ?? []).join(' ') });
}

async function consoleCameras(page: Page): Promise<{ id: string; state: string }[] | undefined> {
  return page.evaluate(() => (globalThis as unknown as { __IOC_WALL_CONSOLE__?: { cameras: { id: string; state: string }[] } }).__IOC_WALL_CONSOLE__?.cameras);
}

async function untilConsoleCamera(page: Page, id: string, state: string, milliseconds = 60_000): Promise<void> {
  const deadline = Date.now() + milliseconds;
  let last: unknown;
  while (Date.now() < deadline) {
    last = await consoleCameras(page).catch(() => undefined);
    if (Array.isArray(last) && last.some((camera: { id: string; state: string }) => camera.id === id && camera.state === state)) return;
    await sleep(200);
  }
  throw new Error(`the console never showed ${id} ${state}; last: ${JSON.stringify(last)}`);
}

describe('live cameras', () => {
  const browser = useBrowser();

  cameraIt(
    'a real RTSP camera with credentials: live in two panels from one <video>, a slate when it dies, live again when it returns; no secret anywhere, no process left',
    async () => {
      const camera: RtspServer = await startRtspServer({ username: USERNAME, password: PASSWORD, size: '640x360', fps: 15 });
      const layout = cameraLayout({ rtsp: { url: camera.url, username: USERNAME } });
      let wall: Wall | undefined;
      try {
        wall = await startWall({ layout, demo: false, environment: { [CAMERA_PASSWORD_VARIABLE]: PASSWORD } });
        const server = wall;
        const processes = new Map<number, { name: string; command: string }>();
        // Opened once the gateway listens: a page served earlier cannot reach it (the test "a screen opened as the server starts" below).
        await untilGatewayRunning(server);
        const opened = Date.now();
        const page = await openScreen(browser(), server.url, CAMERA_SCREEN, VIEWPORT);
        await page.evaluate(() => ((globalThis as unknown as { cameraSpecMarker: number }).cameraSpecMarker = 1));

        // Live: both cameras present frames; the RTSP camera shown by two panels is one feed, one <video>, two tiles.
        const live = await untilCameraStatus(
          page,
          (status) => gate(status)?.state === 'live' && gate(status)!.framesPresented >= 10 && status.cameras['cam_pattern']?.state === 'live',
          120_000,
        );
        console.log(`cameras: page opened -> RTSP camera live on the screen: ${live.at - opened} ms`);
        expect(Object.keys(live.status.cameras).sort()).toEqual(['cam_gate', 'cam_pattern']);
        expect(gate(live.status)!.tiles).toBe(2);
        expect(live.status.cameras['cam_pattern']!.tiles).toBe(1);
        expect(live.status.videoElements, 'one <video> per camera, however many tiles show it').toBe(2);
        expect(live.status.panelErrors).toEqual([]);
        noteDescendants(server, processes);

        // The picture moves in every tile.
        const before = await screenshotPixels(page);
        await sleep(1_500);
        const after = await screenshotPixels(page);
        for (const [name, region] of [['left', LEFT], ['right', RIGHT], ['pattern', PATTERN]] as const) {
          expect(changedShare(before, after, region), `the ${name} tile's picture moves`).toBeGreaterThan(0.001);
        }
        expect(near(dominantColour(after, LEFT).colour, SLATE_GROUND), 'a live tile shows video, not the slate').toBe(false);

        const state = await untilCameras(server, (candidate) => candidate.cameras.every((row) => row.state === 'live') && (candidate.cameras.find((row) => row.id === 'cam_gate')?.viewers ?? 0) >= 1);
        expect(state.gateway.running).toBe(true);
        expect(state.cameras.map((row) => row.id)).toEqual(['cam_gate', 'cam_pattern']);
        const ffmpegs = [...processes.values()].filter((entry) => entry.name === 'ffmpeg');
        expect(ffmpegs, 'one ffmpeg per source').toHaveLength(2);
        expect([...processes.values()].filter((entry) => entry.command.includes('gateway-process.ts')), 'one media gateway').toHaveLength(1);
        const cameraFfmpeg = ffmpegs.find((entry) => entry.command.includes(`127.0.0.1:${camera.port}`));
        expect(cameraFfmpeg, "an ffmpeg pulls the camera's URL").toBeDefined();
        // Noted, not asserted: ffmpeg takes RTSP credentials only in its input URL, so its argv (/proc/<pid>/cmdline, readable by every local user) carries them.
        console.log(`cameras: forms of the password in the camera ffmpeg's command line: ${JSON.stringify(leakedForms(cameraFfmpeg!.command, PASSWORD))}`);

        const operator = await (await browser().newContext({ viewport: { width: 1280, height: 800 } })).newPage();
        await operator.goto(await consoleLink(server));
        await untilConsoleCamera(operator, 'cam_gate', 'live');

        // The camera loses power: the tiles turn to the slate (name, "signal lost", the age of the last frame), the other camera plays on.
        const liveFrames = gate(await cameraStatus(page))!.framesPresented;
        const lastLive = await screenshotPixels(page);
        await recordCameraStates(page, 'cam_gate');
        const killedAt = Date.now();
        await camera.kill('SIGKILL');
        const lost = await untilCameraStatus(page, (status) => gate(status)?.state === 'lost', 60_000);
        // Past the last buffered frame, the silence threshold and the gateway's first retry: the slate is what stays.
        await sleep(3_000);
        const slate = await untilCameraStatus(page, (status) => gate(status)?.state === 'lost');
        const lostImage = await screenshotPixels(page);
        const stillLost = await cameraStatus(page);
        // The first change noted is the state when the recording started (live).
        const changesWhileDown = (await cameraStateChanges(page)).slice(1);
        console.log(
          `cameras: RTSP camera killed (SIGKILL) -> tile 'lost' on the screen: ${(changesWhileDown.find((change) => change.state === 'lost')?.at ?? lost.at) - killedAt} ms ` +
            `(states after the kill: ${changesWhileDown.map((change) => `${change.state} +${change.at - killedAt} ms, ${change.framesPresented} frames`).join('; ')})`,
        );
        expect(gate(stillLost)!.state).toBe('lost');
        expect(slate.status.texts.filter((text) => text.includes(SIGNAL_LOST)).length, 'both tiles say "signal lost"').toBe(2);
        expect(slate.status.texts.filter((text) => text.includes('Cổng chính')).length, 'both tiles name the camera').toBe(2);
        expect(slate.status.texts.some((text) => /^\d+ giây \/ \d+ s$/.test(text)), 'the slate tells the age of the last frame').toBe(true);
        expect(slate.status.cameras['cam_pattern']!.state, 'the other camera plays on').toBe('live');
        for (const [name, region] of [['left', LEFT], ['right', RIGHT]] as const) {
          const ground = dominantColour(lostImage, region);
          expect(near(ground.colour, SLATE_GROUND), `the ${name} tile is the slate's ground (#${ground.colour.toString(16)})`).toBe(true);
          expect(ground.share).toBeGreaterThan(0.5);
          expect(colourShare(lostImage, region, ERROR_RED), `the ${name} tile says "signal lost" in red`).toBeGreaterThan(0.001);
          expect(changedShare(lastLive, lostImage, region), `the ${name} tile no longer shows the last live frame`).toBeGreaterThan(0.3);
          expect(colourShare(lastLive, region, ERROR_RED)).toBe(0);
        }
        const down = await untilCameras(server, (candidate) => candidate.cameras.find((row) => row.id === 'cam_gate')?.state === 'lost');
        expect(down.cameras.find((row) => row.id === 'cam_pattern')!.state).toBe('live');
        await untilConsoleCamera(operator, 'cam_gate', 'lost');
        const downMetrics = await metrics(server);
        expect(downMetrics.find((sample) => sample.name === 'ioc_wall_camera_live' && sample.labels['camera'] === 'cam_gate')?.value).toBe(0);

        // Power comes back: the same page, without a reload, shows the picture again.
        const restartedAt = Date.now();
        await camera.restart();
        const back = await untilCameraStatus(page, (status) => gate(status)?.state === 'live' && gate(status)!.framesPresented >= liveFrames + 10, 120_000);
        console.log(`cameras: RTSP camera restarted -> tile 'live' again: ${back.at - restartedAt} ms (includes the gateway's ffmpeg backoff)`);
        expect(await page.evaluate(() => (globalThis as unknown as { cameraSpecMarker?: number }).cameraSpecMarker), 'the page was not reloaded').toBe(1);
        expect(back.status.videoElements).toBe(2);
        expect(back.status.texts.some((text) => text.includes(SIGNAL_LOST))).toBe(false);
        const again = [await screenshotPixels(page)];
        await sleep(1_500);
        again.push(await screenshotPixels(page));
        expect(changedShare(again[0]!, again[1]!, LEFT), 'the picture moves again').toBeGreaterThan(0.001);
        expect(colourShare(again[1]!, LEFT, ERROR_RED)).toBe(0);
        const recovered = await untilCameras(server, (candidate) => {
          const row = candidate.cameras.find((entry) => entry.id === 'cam_gate');
          return row?.state === 'live' && row.restarts >= 1;
        });
        console.log(`cameras: /api/cameras after recovery: ${JSON.stringify(recovered.cameras.map(({ id, state, fps, restarts, viewers }) => ({ id, state, fps, restarts, viewers })))}`);
        await untilConsoleCamera(operator, 'cam_gate', 'live');
        noteDescendants(server, processes);

        // The password reached the camera (it let ffmpeg in) but nothing a person or a scraper reads.
        const metricsText = await (await fetch(`${server.url}/metrics`)).text();
        const metricSamples = parseMetrics(metricsText);
        expect(metricSamples.find((sample) => sample.name === 'ioc_wall_camera_restarts' && sample.labels['camera'] === 'cam_gate')?.value).toBeGreaterThanOrEqual(1);
        expect(metricSamples.find((sample) => sample.name === 'ioc_wall_camera_live' && sample.labels['camera'] === 'cam_gate')?.value).toBe(1);
        const apiText = JSON.stringify(await camerasState(server));
        const screenText = JSON.stringify(await cameraStatus(page));
        const consoleText = JSON.stringify(await operator.evaluate(() => (globalThis as unknown as { __IOC_WALL_CONSOLE__?: unknown }).__IOC_WALL_CONSOLE__));
        await operator.context().close();
        await page.context().close();
        expect(server.log()).toContain('camera feed lost');
        for (const [where, text] of [
          ['the server log', server.log()],
          ['/api/cameras', apiText],
          ['/metrics', metricsText],
          ['the screen status', screenText],
          ['the console status', consoleText],
        ] as const) {
          expect(leakedForms(text, PASSWORD), `${where} holds the password`).toEqual([]);
        }

        // Stopping the server takes the gateway and every ffmpeg with it.
        expect(await server.stop(), 'the server exits cleanly').toBe(0);
        const left = [...processes].filter(([pid]) => isRunning(pid));
        expect(left.map(([pid, entry]) => `${pid} ${entry.name} ${entry.command.slice(0, 120)}`), 'processes of the server still running').toEqual([]);
        console.log(`cameras: the server's processes while it ran: ${[...processes.values()].map((entry) => entry.name).join(', ')}; none left after stop`);

        // Once the tile said the signal was lost it kept saying so until the camera came back: no frozen picture in between.
        expect(
          changesWhileDown.map((change) => change.state),
          'after the kill the tile goes to "lost" and stays there (a frame presented after the loss must not bring the frozen picture back)',
        ).toEqual(['lost']);
      } finally {
        await wall?.stop();
        await camera.stop();
      }
    },
    300_000,
  );

  ffmpegIt(
    'demo mode: the reference wall\'s 45 RTSP cameras are shown by at most four test patterns; S06 plays its 3x3 grid',
    async () => {
      const wall = await startWall({ layout: layoutCopy(REFERENCE), demo: true });
      try {
        await untilGatewayRunning(wall);
        const opened = Date.now();
        const page = await openScreen(browser(), wall.url, 'S06');
        const { status, at } = await untilCameraStatus(
          page,
          (candidate) => Object.keys(candidate.cameras).length === 9 && Object.values(candidate.cameras).every((report) => report.state === 'live' && report.framesPresented > 0),
          150_000,
        );
        console.log(`cameras: demo, page S06 opened -> its 9 tiles live: ${at - opened} ms`);
        expect(status.videoElements).toBe(9);
        expect(Object.values(status.cameras).every((report) => report.tiles === 1)).toBe(true);
        expect(status.panelErrors).toEqual([]);

        const state = await untilCameras(wall, (candidate) => candidate.cameras.length === 45 && candidate.cameras.every((row) => row.state === 'live'), 60_000);
        const patterns = new Set(state.cameras.map((row) => row.simulatedBy));
        expect(state.cameras.every((row) => row.simulatedBy !== undefined), 'every camera says it is simulated').toBe(true);
        expect(patterns.size).toBeLessThanOrEqual(4);
        const ffmpegs = descendants(wall.pid).filter((entry) => entry.name === 'ffmpeg');
        console.log(`cameras: demo, 45 cameras live on ${patterns.size} test patterns (${[...patterns].join(', ')}) and ${ffmpegs.length} ffmpeg processes`);
        expect(ffmpegs.length).toBeGreaterThanOrEqual(1);
        expect(ffmpegs.length).toBeLessThanOrEqual(4);
        await page.context().close();
        expect(await wall.stop(), 'the server exits cleanly').toBe(0);
        expect(ffmpegs.filter((entry) => isRunning(entry.pid))).toEqual([]);
      } finally {
        await wall.stop();
      }
    },
    240_000,
  );

  ffmpegIt(
    'a screen opened as the server starts, before the media gateway listens, plays its camera once the gateway is up',
    async () => {
      const wall = await startWall({ layout: cameraLayout({ pattern: true }), demo: false });
      const context = await browser().newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
      try {
        // As a wall PC boots: the kiosk browser opens the screen as soon as the server answers.
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text());
        });
        const response = await page.goto(`${wall.url}/screen/${CAMERA_SCREEN}`);
        const policy = response?.headers()['content-security-policy'] ?? '';
        console.log(`cameras: screen page served at start; its CSP says: ${/connect-src [^;]*/.exec(policy)?.[0] ?? '(none)'}`);
        await untilGatewayRunning(wall);
        const live = await untilCameraStatus(page, (status) => status.cameras['cam_pattern']?.state === 'live' && status.cameras['cam_pattern'].framesPresented > 0, 60_000).catch((error: Error) => {
          throw new Error(`${error.message}\nthe page's errors: ${errors.slice(0, 3).join('\n')}`);
        });
        expect(live.status.videoElements).toBe(1);
        await context.close();
        expect(await wall.stop(), 'the server exits cleanly').toBe(0);
      } finally {
        await context.close();
        await wall.stop();
      }
    },
    180_000,
  );
});
