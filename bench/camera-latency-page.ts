// Benchmark support: the capture time burnt into each frame of bench/timestamp-camera.py, read back; and the probe the latency page runs in Chromium (the wall's MSE player on the gateway's channel, a requestVideoFrameCallback per presented frame).
// bench/cameras.ts bundles this module into the measurement page. The root tsconfig checks it without DOM types (it is Node's), so the few browser APIs the probe uses are declared below, for this module only.

/** The strip along the top of each frame: 4 rows of 16 blocks; rows 0-2 the epoch milliseconds (48 bits), row 3 a check word. Keep in step with timestamp-camera.py. */
export const STRIP = { columns: 16, rows: 4, rowHeight: 20, checkMask: 0xa5a5 } as const;

/** Height of the strip, pixels of the camera's picture. */
export const STRIP_HEIGHT = STRIP.rows * STRIP.rowHeight;

/**
 * The capture time (epoch ms) a frame carries, or undefined when its check word disagrees (a frame the decoder had
 * not finished, or a picture without the strip). `luma(x, y)` is the brightness, 0-255, of a pixel of the picture.
 */
export function readCaptureTime(luma: (x: number, y: number) => number, width: number): number | undefined {
  const block = Math.floor(width / STRIP.columns);
  const words: number[] = [];
  for (let row = 0; row < STRIP.rows; row++) {
    const centreY = Math.floor(row * STRIP.rowHeight + STRIP.rowHeight / 2);
    let word = 0;
    for (let column = 0; column < STRIP.columns; column++) {
      const centreX = Math.floor(column * block + block / 2);
      // The middle of the block, averaged: block edges blur in H.264.
      let sum = 0;
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) sum += luma(centreX + dx, centreY + dy);
      word = word * 2 + (sum / 25 > 128 ? 1 : 0);
    }
    words.push(word);
  }
  const [high, middle, low, check] = words as [number, number, number, number];
  if ((((high + middle + low) & 0xffff) ^ STRIP.checkMask) !== check) return undefined;
  return high * 2 ** 32 + middle * 2 ** 16 + low;
}

/** One presented frame: when it was captured and when the video said it would be on screen (both epoch ms). */
export interface LatencySample {
  readonly capturedAt: number;
  readonly displayedAt: number;
}

/** What the probe has seen so far (`globalThis.cameraLatency` in the page). */
export interface ProbeReport {
  samples: LatencySample[];
  /** Presented frames whose strip could not be read. */
  unreadable: number;
  /** Frames presented again with the same capture time (not counted twice). */
  repeated: number;
  /** The player's failures and the socket's close codes, in order. */
  events: string[];
}

export interface ProbeOptions {
  /** ws://127.0.0.1:PORT/cameras/<id>?ticket=... */
  readonly channelUrl: string;
}

// The browser APIs the probe uses (this module only: the root tsconfig has no DOM lib).
interface VideoFrameMetadata {
  readonly expectedDisplayTime: number;
}
interface ProbeVideo {
  muted: boolean;
  playsInline: boolean;
  autoplay: boolean;
  readonly videoWidth: number;
  readonly videoHeight: number;
  requestVideoFrameCallback(callback: (now: number, metadata: VideoFrameMetadata) => void): number;
}
interface ProbeContext {
  drawImage(video: ProbeVideo, sx: number, sy: number, sw: number, sh: number, dx: number, dy: number, dw: number, dh: number): void;
  getImageData(x: number, y: number, width: number, height: number): { readonly data: Uint8ClampedArray };
}
interface ProbeCanvas {
  width: number;
  height: number;
  getContext(kind: '2d', options: { willReadFrequently: boolean }): ProbeContext | null;
}
interface ProbeSocket {
  binaryType: string;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number }) => void) | null;
}
declare const document: { createElement(tag: 'video'): ProbeVideo; createElement(tag: 'canvas'): ProbeCanvas };
declare const WebSocket: new (url: string) => ProbeSocket;

/** renderer/screen/video/media-source-player.ts MediaSourcePlayer, as the probe uses it. */
export interface ProbePlayer {
  start(mimeType: string, init: ArrayBuffer): void;
  append(fragment: ArrayBuffer): void;
}
export type ProbePlayerConstructor = new (
  video: ProbeVideo,
  options: { readonly now: () => number; readonly onFailure: (failure: { readonly kind: string; readonly message?: string; readonly mimeType?: string }) => void },
) => ProbePlayer;

/**
 * Connects to the gateway's channel of one camera, plays it in a detached <video> through `Player` (the wall's own
 * MSE player with its live-edge controller, as a screen does), and for every presented frame reads the strip from a
 * 2D canvas: displayed at `performance.timeOrigin + metadata.expectedDisplayTime`.
 */
export function startLatencyProbe(Player: ProbePlayerConstructor, options: ProbeOptions): ProbeReport {
  const report: ProbeReport = { samples: [], unreadable: 0, repeated: 0, events: [] };
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  const player = new Player(video, {
    now: () => performance.now(),
    onFailure: (failure) => report.events.push(`player ${failure.kind}: ${failure.message ?? failure.mimeType ?? ''}`),
  });
  const canvas = document.createElement('canvas');
  let context: ProbeContext | null = null;
  let lastCapture: number | undefined;

  const presented = (_now: number, metadata: VideoFrameMetadata): void => {
    video.requestVideoFrameCallback(presented);
    const width = video.videoWidth;
    const height = Math.min(video.videoHeight, STRIP_HEIGHT);
    if (width === 0 || height === 0) return;
    if (canvas.width !== width || canvas.height !== height || context === null) {
      canvas.width = width;
      canvas.height = height;
      context = canvas.getContext('2d', { willReadFrequently: true });
      if (context === null) return;
    }
    context.drawImage(video, 0, 0, width, height, 0, 0, width, height);
    const { data } = context.getImageData(0, 0, width, height);
    const capturedAt = readCaptureTime((x, y) => data[(y * width + x) * 4]!, width);
    if (capturedAt === undefined) {
      report.unreadable++;
      return;
    }
    if (capturedAt === lastCapture) {
      report.repeated++;
      return;
    }
    lastCapture = capturedAt;
    report.samples.push({ capturedAt, displayedAt: performance.timeOrigin + metadata.expectedDisplayTime });
  };
  video.requestVideoFrameCallback(presented);

  // The media channel (common/contract/media.ts): `init` (then its segment as the next binary frame), `state`, fragments.
  const socket = new WebSocket(options.channelUrl);
  socket.binaryType = 'arraybuffer';
  let pendingInit: string | undefined;
  socket.onmessage = ({ data }) => {
    if (typeof data === 'string') {
      const message = JSON.parse(data) as { type: string; mimeType?: string; state?: string };
      if (message.type === 'init') pendingInit = message.mimeType;
      else report.events.push(`state ${message.state}`);
      return;
    }
    if (!(data instanceof ArrayBuffer)) return;
    if (pendingInit !== undefined) {
      player.start(pendingInit, data);
      pendingInit = undefined;
    } else {
      player.append(data);
    }
  };
  socket.onclose = ({ code }) => report.events.push(`socket closed ${code}`);
  return report;
}
