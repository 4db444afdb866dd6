// npm run bench -- cameras: glass-to-glass latency of a camera through the wall (RTSP -> gateway ffmpeg remux -> WebSocket -> the wall's MSE player) against a native ffmpeg decode of the same stream, and what the gateway's ffmpeg costs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build, type Plugin } from 'vite';
import WebSocket from 'ws';
import { connectWallBridge, type WallBridge } from '../common/contract/bridge.ts';
import { webSocketTransport, type WebSocketLike } from '../common/contract/transport.ts';
import { readCaptureTime, type LatencySample, type ProbeReport } from './camera-latency-page.ts';
import { FFMPEG_INSTALL_HINT, findFfmpeg } from '../device-drivers/rtsp/ffmpeg.ts';
import { commandLine, descendants } from '../device-drivers/rtsp/process-tree.ts';
import { freePort, GSTREAMER_RTSP_INSTALL_HINT, gstreamerRtspAvailable, SYSTEM_PYTHON } from '../device-drivers/rtsp/test-rtsp-server.ts';
import { nodeScheduler } from '../main/services/node-scheduler.ts';
import { CAMERA_SCREEN, cameraLayout, untilCameras } from '../e2e/support/cameras.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/support/chromium.ts';
import { ROOT, startWall, type Wall } from '../e2e/support/wall.ts';

export interface Figure {
  readonly name: string;
  readonly value: string;
  readonly baseline: string;
  readonly ratio: string;
}

const CAMERA_SCRIPT = fileURLToPath(new URL('./timestamp-camera.py', import.meta.url));
const SIZE = process.env.BENCH_CAMERA_SIZE ?? '640x360';
const FPS = Number(process.env.BENCH_CAMERA_FPS ?? 25);
/** Measured after this much play, so start-up (first keyframe, the player's first seek) is left out. */
const WARM_UP_SECONDS = Number(process.env.BENCH_CAMERA_WARM_UP_SECONDS ?? 8);
const MEASURE_SECONDS = Number(process.env.BENCH_CAMERA_SECONDS ?? 30);
const CAMERA_ID = 'cam_gate';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const preciseNow = () => performance.timeOrigin + performance.now();
const percentile = (values: readonly number[], share: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(share * values.length))] ?? Number.NaN;
const round = (value: number, digits = 1) => value.toFixed(digits);

/** The timestamp camera: GStreamer's RTSP server fed frames that carry their capture time (bench/timestamp-camera.py). */
async function startTimestampCamera(): Promise<{ url: string; process: ChildProcess; log: () => string }> {
  const port = await freePort();
  const child = spawn(SYSTEM_PYTHON, [CAMERA_SCRIPT, String(port), '/camera', SIZE, String(FPS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (log += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (log += text));
  const deadline = Date.now() + 20_000;
  while (!log.includes('listening rtsp://')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the timestamp camera did not start:\n${log}`);
    }
    await sleep(25);
  }
  return { url: `rtsp://127.0.0.1:${port}/camera`, process: child, log: () => log };
}

/** The floor: ffmpeg decoding the stream to grey frames on a pipe, each read as soon as its last byte arrives. */
function nativeDecode(url: string, width: number, height: number, decoderOptions: readonly string[] = []): { samples: LatencySample[]; unreadable: () => number; process: ChildProcess } {
  const samples: LatencySample[] = [];
  let unreadable = 0;
  // As the issue asks (`ffmpeg -rtsp_transport tcp -i URL -f rawvideo -pix_fmt gray pipe:1`), plus: every frame as it
  // comes (passthrough, no duplicates) and written at once (flush_packets, else the pipe's buffer holds a frame's tail).
  const child = spawn(
    findFfmpeg()!,
    ['-hide_banner', '-loglevel', 'fatal', '-nostdin', '-rtsp_transport', 'tcp', ...decoderOptions, '-i', url, '-fps_mode', 'passthrough', '-flush_packets', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const frameBytes = width * height;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lastCapture: number | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    while (pendingBytes >= frameBytes) {
      const arrivedAt = preciseNow();
      const all = Buffer.concat(pending);
      const frame = all.subarray(0, frameBytes);
      pending = [all.subarray(frameBytes)];
      pendingBytes = all.length - frameBytes;
      const capturedAt = readCaptureTime((x, y) => frame[y * width + x]!, width);
      if (capturedAt === undefined) unreadable++;
      else if (capturedAt !== lastCapture) {
        lastCapture = capturedAt;
        samples.push({ capturedAt, displayedAt: arrivedAt });
      }
    }
  });
  return { samples, unreadable: () => unreadable, process: child };
}

/** Kills a process of the benchmark's own and waits until it has exited. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** CPU time (user + system) of a process so far, seconds, from /proc/<pid>/stat. */
function cpuSeconds(pid: number, ticksPerSecond: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

function residentMegabytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** The probe page's script: bench/camera-latency-page.ts with the wall's own MSE player (renderer/screen/video/media-source-player.ts), bundled by Vite for the browser. */
async function probeScript(): Promise<string> {
  const entry = 'virtual:camera-latency-probe';
  const plugin: Plugin = {
    name: 'camera-latency-probe',
    resolveId: (id) => (id === entry ? `\0${entry}` : undefined),
    load: (id) =>
      id === `\0${entry}`
        ? [
            `import { MediaSourcePlayer } from ${JSON.stringify(path.join(ROOT, 'renderer/screen/video/media-source-player.ts'))};`,
            `import { startLatencyProbe } from ${JSON.stringify(path.join(ROOT, 'bench/camera-latency-page.ts'))};`,
            'globalThis.startCameraLatencyProbe = (options) => { globalThis.cameraLatency = startLatencyProbe(MediaSourcePlayer, options); };',
          ].join('\n')
        : undefined,
  };
  const output = await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    publicDir: false,
    plugins: [plugin],
    build: { write: false, minify: false, target: 'es2023', rolldownOptions: { input: entry, output: { format: 'iife' } } },
  });
  const result = Array.isArray(output) ? output[0] : output;
  const chunk = result && 'output' in result ? result.output.find((item) => item.type === 'chunk') : undefined;
  if (!chunk || chunk.type !== 'chunk') throw new Error('bundling the latency probe gave no script');
  return chunk.code;
}

/** A display client of screen C1 (the bridge contract over WebSocket), for the tickets main hands a screen. */
async function screenTickets(wall: Wall): Promise<{ bridge: WallBridge; channelUrl: string }> {
  const bridge = connectWallBridge({
    transport: webSocketTransport(`${wall.url.replace(/^http/, 'ws')}/bridge`, (url) => new WebSocket(url) as unknown as WebSocketLike),
    screens: [CAMERA_SCREEN],
    client: 'screen',
    scheduler: nodeScheduler,
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const media = bridge.media;
    const ticket = media?.tickets[CAMERA_ID];
    if (media?.gateway && ticket) return { bridge, channelUrl: `${media.gateway.replace(/\/+$/, '')}/cameras/${encodeURIComponent(CAMERA_ID)}?ticket=${encodeURIComponent(ticket)}` };
    if (Date.now() > deadline) {
      bridge.dispose();
      throw new Error(`no ticket for ${CAMERA_ID}: ${JSON.stringify(media)}`);
    }
    await sleep(50);
  }
}

interface ProcessCost {
  readonly cpuPercent: number;
  readonly residentMegabytes: number;
}

/** CPU (share of one core) and median resident memory of each process over `seconds`, sampled every second. */
async function measureCosts(pids: Record<string, number>, seconds: number, ticksPerSecond: number): Promise<Record<string, ProcessCost>> {
  const startCpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid, ticksPerSecond)]));
  const memory: Record<string, number[]> = Object.fromEntries(Object.keys(pids).map((name) => [name, []]));
  const started = preciseNow();
  for (let second = 0; second < seconds; second++) {
    await sleep(1_000);
    for (const [name, pid] of Object.entries(pids)) memory[name]!.push(residentMegabytes(pid));
  }
  const elapsed = (preciseNow() - started) / 1000;
  return Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, { cpuPercent: ((cpuSeconds(pid, ticksPerSecond) - startCpu[name]!) / elapsed) * 100, residentMegabytes: percentile(memory[name]!, 0.5) }]),
  );
}

export async function cameraFigures(): Promise<{ figures: Figure[]; description: string }> {
  const ffmpeg = findFfmpeg();
  if (!ffmpeg) throw new Error(`ffmpeg is missing: ${FFMPEG_INSTALL_HINT}`);
  if (!gstreamerRtspAvailable()) throw new Error(`GStreamer's RTSP server for ${SYSTEM_PYTHON} is missing: ${GSTREAMER_RTSP_INSTALL_HINT}`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing (${CHROMIUM})`);
  const [width, height] = SIZE.split('x').map(Number) as [number, number];
  const ticksPerSecond = clockTicks();
  const script = await probeScript();

  const camera = await startTimestampCamera();
  let wall: Wall | undefined;
  let browser: Browser | undefined;
  let bridge: WallBridge | undefined;
  let native: ReturnType<typeof nativeDecode> | undefined;
  let singleThreaded: ReturnType<typeof nativeDecode> | undefined;
  try {
    wall = await startWall({ layout: cameraLayout({ rtsp: { url: camera.url }, pattern: false }), demo: false });
    const server = wall;
    await untilCameras(server, (state) => state.cameras.every((row) => row.state === 'live'), 60_000);
    const gatewayFfmpeg = descendants(server.pid).filter((entry) => entry.name === 'ffmpeg');
    const gatewayProcess = descendants(server.pid).find((entry) => (commandLine(entry.pid) ?? []).some((argument) => argument.endsWith('gateway-process.ts')));
    if (gatewayFfmpeg.length !== 1 || !gatewayProcess) throw new Error(`expected one gateway and one ffmpeg under the server: ${JSON.stringify(descendants(server.pid))}`);

    const tickets = await screenTickets(server);
    bridge = tickets.bridge;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    // The server's own index page (static, no script) as the measurement page: a page of the server's origin, served
    // from loopback (the gateway accepts sockets only from that origin; Chromium lets only a loopback page reach a
    // loopback port), with the probe injected (bypassCSP: the server's CSP allows no inline script, rightly).
    const page = await (await browser.newContext({ viewport: { width: 640, height: 360 }, bypassCSP: true })).newPage();
    await page.goto(`${server.url}/`);
    await page.addScriptTag({ content: script });
    await page.evaluate((channelUrl) => (globalThis as unknown as { startCameraLatencyProbe: (options: { channelUrl: string }) => void }).startCameraLatencyProbe({ channelUrl }), tickets.channelUrl);
    native = nativeDecode(camera.url, width, height);
    // ffmpeg's H.264 decoder threads by frame by default (one thread per core, plus one), which holds each frame back
    // that many frames; one thread shows the floor.
    singleThreaded = nativeDecode(camera.url, width, height, ['-threads', '1']);
    const nativeProcess = native.process;

    await sleep(WARM_UP_SECONDS * 1000);
    const from = preciseNow();
    const costs = await measureCosts({ gatewayFfmpeg: gatewayFfmpeg[0]!.pid, gateway: gatewayProcess.pid, native: nativeProcess.pid! }, MEASURE_SECONDS, ticksPerSecond);
    const to = preciseNow();
    const report = await page.evaluate(() => JSON.parse(JSON.stringify((globalThis as unknown as { cameraLatency: unknown }).cameraLatency)) as ProbeReport);
    const stillSame = descendants(server.pid).filter((entry) => entry.name === 'ffmpeg').map((entry) => entry.pid);
    if (stillSame.length !== 1 || stillSame[0] !== gatewayFfmpeg[0]!.pid) throw new Error("the gateway's ffmpeg was restarted during the measurement: its cost figures would be wrong");

    const inWindow = (samples: readonly LatencySample[]) => samples.filter((sample) => sample.displayedAt >= from && sample.displayedAt <= to).map((sample) => sample.displayedAt - sample.capturedAt);
    const wallLatencies = inWindow(report.samples);
    const nativeLatencies = inWindow(native.samples);
    const floorLatencies = inWindow(singleThreaded.samples);
    if (wallLatencies.length === 0 || nativeLatencies.length === 0 || floorLatencies.length === 0) throw new Error(`no frames measured: page ${JSON.stringify({ ...report, samples: report.samples.length })}, native ${native.samples.length}`);
    const seconds = (to - from) / 1000;
    const latencyFigure = (label: string, share: number, baselines: readonly number[], baselineName: string): Figure => {
      const value = percentile(wallLatencies, share);
      const baseline = percentile(baselines, share);
      return { name: `glass-to-glass latency, camera tile (wall MSE player), ${label}`, value: `${round(value, 0)} ms`, baseline: `${round(baseline, 0)} ms ${baselineName}`, ratio: round(value / baseline, 2) };
    };
    const { gatewayFfmpeg: remux, gateway, native: decode } = costs as Record<'gatewayFfmpeg' | 'gateway' | 'native', ProcessCost>;
    const figures: Figure[] = [
      latencyFigure('p50', 0.5, nativeLatencies, 'native ffmpeg decode'),
      latencyFigure('p95', 0.95, nativeLatencies, 'native ffmpeg decode'),
      latencyFigure('p50, against a single-threaded native decode', 0.5, floorLatencies, 'native ffmpeg -threads 1'),
      latencyFigure('p95, against a single-threaded native decode', 0.95, floorLatencies, 'native ffmpeg -threads 1'),
      {
        name: `frames measured in ${round(seconds, 0)} s (camera sends ${FPS}/s; wall: ${report.unreadable} unreadable, ${report.repeated} shown twice; native: ${native.unreadable()} + ${singleThreaded.unreadable()} unreadable)`,
        value: `${wallLatencies.length} (${round(wallLatencies.length / seconds, 1)}/s)`,
        baseline: `${nativeLatencies.length} (${round(nativeLatencies.length / seconds, 1)}/s) native`,
        ratio: round(wallLatencies.length / nativeLatencies.length, 2),
      },
      {
        name: "gateway's ffmpeg for the camera (RTSP -> fMP4 remux, -c copy), CPU",
        value: `${round(remux.cpuPercent, 2)} % of a core`,
        baseline: `${round(decode.cpuPercent, 1)} % native ffmpeg decoding the same stream`,
        ratio: round(remux.cpuPercent / decode.cpuPercent, 3),
      },
      {
        name: "gateway's ffmpeg for the camera, resident memory (median)",
        value: `${round(remux.residentMegabytes)} MB`,
        baseline: `${round(decode.residentMegabytes)} MB native ffmpeg decoding`,
        ratio: round(remux.residentMegabytes / decode.residentMegabytes, 2),
      },
      { name: 'media gateway process (Node, one camera, one viewer): CPU / resident memory', value: `${round(gateway.cpuPercent, 2)} % / ${round(gateway.residentMegabytes)} MB`, baseline: '-', ratio: '-' },
    ];
    const events = report.events.filter((event) => !event.startsWith('state live'));
    const description =
      `A timestamp camera (bench/timestamp-camera.py: GStreamer RTSP server, appsrc ${SIZE} at ${FPS} fps, x264enc tune=zerolatency speed-preset=ultrafast sliced-threads=false threads=1 key-int-max=${FPS}) ` +
      'burns each frame\'s capture time (epoch ms) into its top strip as black/white blocks. ' +
      'Wall: a real `ioc-wall serve` (not demo) with that camera in its layout; a measurement page of the server\'s origin in Chromium connects to the media gateway with a ticket ' +
      'a bridge client got as screen C1, plays the channel with the wall\'s own MSE player and live-edge controller (renderer/screen/video/media-source-player.ts, bundled for the page) ' +
      'in a detached <video>, and reads the strip from a 2D canvas in requestVideoFrameCallback: latency = performance.timeOrigin + expectedDisplayTime - capture time. ' +
      "It leaves out the screen's pixi.js composition (the texture upload on that callback and the next drawn frame, about one display frame more). " +
      'Native: `ffmpeg -rtsp_transport tcp -i URL -f rawvideo -pix_fmt gray pipe:1` (plus -fps_mode passthrough -flush_packets 1), each frame read in Node as soon as it is complete; ' +
      "and the same with `-threads 1` before `-i`: ffmpeg's H.264 decoder threads by frame by default, which holds every frame back about two frames on 2 cores, so the single-threaded one is the floor. " +
      `Both watch the same frames of the same stream at the same time, for ${MEASURE_SECONDS} s after ${WARM_UP_SECONDS} s of warm-up; CPU from /proc/<pid>/stat over that time, memory the median of 1 s samples. ` +
      '**Everything (camera encoder, server, gateway and its ffmpeg, both native ffmpegs, Chromium) shares the same 2 cores, and every decode is in software** (Chromium\'s ffmpeg, no GPU).' +
      (events.length > 0 ? ` Player and socket events during the run: ${events.join('; ')}.` : '');
    return { figures, description };
  } finally {
    await Promise.all([native?.process, singleThreaded?.process].map((child) => child && stopProcess(child)));
    await browser?.close();
    bridge?.dispose();
    await wall?.stop();
    await stopProcess(camera.process);
  }
}
