// Draws on demand: a dirty flag and one requestAnimationFrame, never a frame when nothing changed; counts what health reports.
import type { Disposable } from '../../common/contract/events.ts';

/** Two display refreshes at 60 Hz: a frame later than this, while drawing continuously, was dropped. */
export const DROPPED_FRAME_MILLISECONDS = 2 * 16.7;

export interface FramePeriod {
  readonly frames: number;
  readonly seconds: number;
  /** Mean JavaScript time of the drawn frames, milliseconds. */
  readonly frameMilliseconds: number;
  readonly droppedFrames: number;
}

export interface FrameClock {
  now(): number;
  requestFrame(callback: (timestamp: number) => void): number;
  cancelFrame(handle: number): void;
}

export const browserFrameClock: FrameClock = {
  now: () => performance.now(),
  requestFrame: (callback) => requestAnimationFrame(callback),
  cancelFrame: (handle) => cancelAnimationFrame(handle),
};

/**
 * New camera frames redraw the screen at most this often (25 Hz, the CCTV rate): nine unsynchronised 15 fps cameras on
 * one screen would otherwise redraw every display frame, starving the other pages and scene switches of the same PC.
 */
export const VIDEO_FRAME_MILLISECONDS = 40;

export class RenderLoop implements Disposable {
  private dirty = false;
  /** Only camera frames changed since the last draw: they wait for VIDEO_FRAME_MILLISECONDS to pass. */
  private videoDirty = false;
  /** A frame is wanted for `beforeFrame` even if nothing changed (a flip waiting for its time). */
  private watching = false;
  private inFrame = false;
  private pending: number | undefined;
  private paused = false;
  private disposed = false;
  /** rAF timestamp of the last drawn frame, and when the frame after it was asked for. */
  private lastDrawTimestamp: number | undefined;
  private requestedAt = 0;
  private periodStart: number;
  private periodFrames = 0;
  private periodMilliseconds = 0;
  private periodDropped = 0;
  private totalFrames = 0;
  private lastDrawWallTime = 0;

  constructor(
    private readonly draw: () => void,
    private readonly clock: FrameClock = browserFrameClock,
    private readonly afterDraw: () => void = () => undefined,
    /** Runs first in every animation frame, with its timestamp; may `invalidate` to draw in this very frame. */
    private readonly beforeFrame: (timestamp: number) => void = () => undefined,
  ) {
    this.periodStart = clock.now();
  }

  /** Something changed: draw on the next animation frame (once, however many changes come before it). */
  invalidate(): void {
    if (this.disposed) return;
    if (!this.dirty) this.requestedAt = this.clock.now();
    this.dirty = true;
    this.schedule();
  }

  /** A camera presented a new frame: draw it, but not sooner than VIDEO_FRAME_MILLISECONDS after the last drawn frame. */
  invalidateVideo(): void {
    if (this.disposed) return;
    this.videoDirty = true;
    this.schedule();
  }

  /** Asks for the next animation frame without drawing in it unless something changes: `beforeFrame` sees it. Once; ask again from `beforeFrame` to keep watching. */
  requestFrame(): void {
    if (this.disposed) return;
    this.watching = true;
    this.schedule();
  }

  /** While paused (a lost WebGL context), changes wait; `resume` draws them. */
  pause(): void {
    this.paused = true;
    if (this.pending !== undefined) this.clock.cancelFrame(this.pending);
    this.pending = undefined;
  }

  resume(): void {
    this.paused = false;
    this.lastDrawTimestamp = undefined;
    this.schedule();
  }

  get framesDrawn(): number {
    return this.totalFrames;
  }

  /** Date.now() of the last drawn frame (0 before the first). */
  get lastDrawAt(): number {
    return this.lastDrawWallTime;
  }

  /** What happened since the last call, for the health report; starts a new period. */
  takePeriod(): FramePeriod {
    const now = this.clock.now();
    const seconds = Math.max(1e-3, (now - this.periodStart) / 1000);
    const period: FramePeriod = {
      frames: this.periodFrames,
      seconds,
      frameMilliseconds: this.periodFrames === 0 ? 0 : this.periodMilliseconds / this.periodFrames,
      droppedFrames: this.periodDropped,
    };
    this.periodStart = now;
    this.periodFrames = 0;
    this.periodMilliseconds = 0;
    this.periodDropped = 0;
    return period;
  }

  dispose(): void {
    this.disposed = true;
    if (this.pending !== undefined) this.clock.cancelFrame(this.pending);
    this.pending = undefined;
  }

  private schedule(): void {
    if (this.inFrame || this.pending !== undefined || this.paused || this.disposed || (!this.dirty && !this.videoDirty && !this.watching)) return;
    this.pending = this.clock.requestFrame((timestamp) => this.frame(timestamp));
  }

  private frame(timestamp: number): void {
    this.pending = undefined;
    if (this.paused || this.disposed) return;
    this.watching = false;
    // What beforeFrame asks for (a draw, another frame) is settled below, not by a second request for this frame.
    this.inFrame = true;
    try {
      this.beforeFrame(timestamp);
    } finally {
      this.inFrame = false;
    }
    if (this.videoDirty && (this.lastDrawTimestamp === undefined || timestamp - this.lastDrawTimestamp >= VIDEO_FRAME_MILLISECONDS - 1)) this.dirty = true;
    if (!this.dirty) {
      // Camera frames waiting for their turn keep asking for frames (schedule sees videoDirty).
      this.schedule();
      return;
    }
    this.dirty = false;
    this.videoDirty = false;
    // Drawing continuously means this frame was asked for while the previous one was still recent.
    const previous = this.lastDrawTimestamp;
    if (previous !== undefined && this.requestedAt - previous < DROPPED_FRAME_MILLISECONDS && timestamp - previous > DROPPED_FRAME_MILLISECONDS) {
      this.periodDropped++;
    }
    const started = this.clock.now();
    try {
      this.draw();
    } finally {
      this.periodMilliseconds += this.clock.now() - started;
      this.periodFrames++;
      this.totalFrames++;
      this.lastDrawTimestamp = timestamp;
      this.lastDrawWallTime = Date.now();
    }
    this.afterDraw();
    // A change made while drawing (or by afterDraw) gets its own frame.
    this.schedule();
  }
}
