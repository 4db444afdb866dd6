// One camera's live feed: a supervised ffmpeg (restarted with backoff, killed on dispose), its fMP4 split into init + fragments, the last GOP kept for new viewers, and its health.
import { backoffDelay, type BackoffOptions } from '../../common/contract/backoff.ts';
import { Emitter, type Disposable, type Event } from '../../common/contract/events.ts';
import type { FeedState } from '../../common/contract/media.ts';
import { FFMPEG_INSTALL_HINT, ffmpegArguments, findFfmpeg, redact, spawnFfmpeg, type FeedSource, type FfmpegProcess } from './ffmpeg.ts';
import { Fmp4Splitter, type InitSegment, type MediaFragment, type SplitOutput } from './fmp4.ts';

/** Where the feed stands; `detail` (why, for lost and unavailable) is already free of credentials. */
export interface FeedStatus {
  readonly state: FeedState;
  /** From the feed's `now`, epoch milliseconds; null before the first frame. */
  readonly lastFrameAt: number | null;
  readonly detail?: string;
}

export interface CameraFeedHealth extends FeedStatus {
  /** Frames per second over the last 5 s. */
  readonly fps: number;
  /** Bits per second over the last 5 s. */
  readonly bitrate: number;
  /** ffmpeg runs after the first. */
  readonly restarts: number;
  readonly viewers: number;
}

/**
 * Receives a feed in order: on subscribe the current status, then (when there is one) the init segment and the cached
 * GOP from its keyframe; afterwards every change, a new init segment after every ffmpeg restart, and every fragment.
 */
export interface FeedViewer {
  state(status: FeedStatus): void;
  init(segment: InitSegment): void;
  fragment(fragment: MediaFragment): void;
}

export interface CameraFeedOptions {
  readonly source: FeedSource;
  /** Epoch milliseconds; default Date.now. */
  readonly now?: () => number;
  /** For the backoff jitter; default Math.random. */
  readonly random?: () => number;
  /** The ffmpeg executable; default the one on the PATH. */
  readonly ffmpeg?: string;
  /** No frame for this long while ffmpeg runs → `lost`, so a tile says "signal lost" within 3 s. Default 2000. */
  readonly lostAfterMilliseconds?: number;
  /** No frame for this long after frames came → ffmpeg is killed and restarted. Default 5000. */
  readonly stallMilliseconds?: number;
  /** No first frame this long after ffmpeg started (connect, authenticate, probe) → killed and restarted. Default 15000. */
  readonly firstFrameMilliseconds?: number;
  /** Delay before restarting ffmpeg; default 1 s doubling to 30 s, each with ±20 % jitter. */
  readonly backoff?: BackoffOptions;
  /** A run live this long resets the backoff to its first delay. Default 10000. */
  readonly stableAfterMilliseconds?: number;
  /** SIGTERM, then SIGKILL after this long. Default 2000. */
  readonly killGraceMilliseconds?: number;
  /** Bound of the GOP cache; a longer GOP is dropped and new viewers wait for the next keyframe. Default 8 MiB. */
  readonly maximumCachedBytes?: number;
}

export const FEED_DEFAULTS = {
  lostAfterMilliseconds: 2_000,
  stallMilliseconds: 5_000,
  firstFrameMilliseconds: 15_000,
  backoff: { initialMilliseconds: 1_000, maximumMilliseconds: 30_000 },
  stableAfterMilliseconds: 10_000,
  killGraceMilliseconds: 2_000,
  maximumCachedBytes: 8 * 1024 * 1024,
} as const;

export const FFMPEG_MISSING_DETAIL = `ffmpeg is not installed: ${FFMPEG_INSTALL_HINT}`;

const STATISTICS_WINDOW_MILLISECONDS = 5_000;
const ERROR_LINES_KEPT = 20;
const ERROR_LINE_CHARACTERS = 500;

/** One ffmpeg process and what it has produced. */
interface Run {
  readonly process: FfmpegProcess;
  readonly splitter: Fmp4Splitter;
  readonly startedAt: number;
  readonly exited: Promise<void>;
  liveSince: number | undefined;
  lastFragmentAt: number | undefined;
  lastErrorLine: string | undefined;
  /** Why the feed killed it, when it did: the detail shown instead of ffmpeg's own last words. */
  killReason: string | undefined;
  killTimer: NodeJS.Timeout | undefined;
  partialErrorLine: string;
}

export class CameraFeed implements Disposable {
  private readonly statusEmitter = new Emitter<FeedStatus>();
  readonly onDidChangeStatus: Event<FeedStatus> = this.statusEmitter.event;
  private readonly processEmitter = new Emitter<number>();
  /** The pid of every ffmpeg the feed starts (for tests and diagnostics). */
  readonly onDidStartProcess: Event<number> = this.processEmitter.event;

  private readonly now: () => number;
  private readonly random: () => number;
  private readonly settings: Required<Omit<CameraFeedOptions, 'source' | 'now' | 'random' | 'ffmpeg'>>;
  private readonly secrets: readonly string[];
  private status: FeedStatus = { state: 'connecting', lastFrameAt: null };
  private run: Run | undefined;
  private initSegment: InitSegment | undefined;
  private pictureGroup: MediaFragment[] = [];
  private pictureGroupBytes = 0;
  private readonly viewers = new Set<FeedViewer>();
  private readonly samples: { at: number; bytes: number }[] = [];
  private readonly errorLines: string[] = [];
  private failures = 0;
  private runs = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly watchdog: NodeJS.Timeout;
  private disposal: Promise<void> | undefined;

  constructor(private readonly options: CameraFeedOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.settings = {
      lostAfterMilliseconds: options.lostAfterMilliseconds ?? FEED_DEFAULTS.lostAfterMilliseconds,
      stallMilliseconds: options.stallMilliseconds ?? FEED_DEFAULTS.stallMilliseconds,
      firstFrameMilliseconds: options.firstFrameMilliseconds ?? FEED_DEFAULTS.firstFrameMilliseconds,
      backoff: options.backoff ?? FEED_DEFAULTS.backoff,
      stableAfterMilliseconds: options.stableAfterMilliseconds ?? FEED_DEFAULTS.stableAfterMilliseconds,
      killGraceMilliseconds: options.killGraceMilliseconds ?? FEED_DEFAULTS.killGraceMilliseconds,
      maximumCachedBytes: options.maximumCachedBytes ?? FEED_DEFAULTS.maximumCachedBytes,
    };
    this.secrets = options.source.kind === 'rtsp' ? options.source.secrets : [];
    // Checked often enough that `lost` follows the last frame within a quarter of its threshold.
    const period = Math.max(50, Math.min(this.settings.lostAfterMilliseconds, this.settings.stallMilliseconds) / 4);
    this.watchdog = setInterval(() => this.checkFrames(), period);
    this.start();
  }

  get current(): FeedStatus {
    return this.status;
  }

  /** The running ffmpeg's pid, if one runs. */
  get processId(): number | undefined {
    return this.run?.process.pid;
  }

  /** ffmpeg's last stderr lines (at most 20), credentials removed. */
  get recentErrors(): readonly string[] {
    return [...this.errorLines];
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  health(): CameraFeedHealth {
    const now = this.now();
    this.pruneSamples(now);
    let fps = 0;
    let bitrate = 0;
    const oldest = this.samples[0];
    if (oldest !== undefined) {
      // Over the time the window's samples cover up to now: right for a stream that (re)started less than a window ago,
      // falling off for one that stopped. Not below 1 s, so the first frames do not read as a burst.
      const seconds = Math.max(1_000, now - oldest.at) / 1_000;
      let bytes = 0;
      for (const sample of this.samples) bytes += sample.bytes;
      fps = Math.round((this.samples.length / seconds) * 10) / 10;
      bitrate = Math.round((bytes * 8) / seconds);
    }
    return { ...this.status, fps, bitrate, restarts: Math.max(0, this.runs - 1), viewers: this.viewers.size };
  }

  /** Replays the status, init segment and cached GOP to the viewer at once, then keeps it up to date until disposed. */
  subscribe(viewer: FeedViewer): Disposable {
    this.viewers.add(viewer);
    this.deliver(viewer, (target) => {
      target.state(this.status);
      if (this.initSegment === undefined) return;
      target.init(this.initSegment);
      for (const fragment of this.pictureGroup) target.fragment(fragment);
    });
    return { dispose: () => void this.viewers.delete(viewer) };
  }

  /** Kills ffmpeg (SIGTERM, SIGKILL after the grace period) and resolves once it has exited. */
  dispose(): Promise<void> {
    if (this.disposal !== undefined) return this.disposal;
    clearInterval(this.watchdog);
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.viewers.clear();
    const run = this.run;
    if (run !== undefined) this.kill(run, 'the feed was closed');
    this.disposal = (run?.exited ?? Promise.resolve()).then(() => {
      this.statusEmitter.dispose();
      this.processEmitter.dispose();
    });
    return this.disposal;
  }

  private get disposed(): boolean {
    return this.disposal !== undefined;
  }

  private start(): void {
    if (this.disposed) return;
    let commandArguments: string[];
    try {
      commandArguments = ffmpegArguments(this.options.source);
    } catch (error) {
      // A source ffmpeg cannot be given stays wrong until it is reconfigured: no point in retrying.
      this.setStatus('unavailable', redact(error instanceof Error ? error.message : String(error), this.secrets));
      return;
    }
    const executable = this.options.ffmpeg ?? findFfmpeg();
    if (executable === undefined) {
      this.unavailableForNow(FFMPEG_MISSING_DETAIL);
      return;
    }
    let process: FfmpegProcess;
    try {
      process = spawnFfmpeg(executable, commandArguments);
    } catch (error) {
      this.unavailableForNow(`ffmpeg could not start: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    let settle!: () => void;
    const exited = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const run: Run = {
      process,
      splitter: new Fmp4Splitter(),
      startedAt: this.now(),
      exited,
      liveSince: undefined,
      lastFragmentAt: undefined,
      lastErrorLine: undefined,
      killReason: undefined,
      killTimer: undefined,
      partialErrorLine: '',
    };
    this.run = run;
    this.runs += 1;
    run.splitter.onDidSplit((output) => this.handleOutput(run, output));
    process.stdout.on('data', (chunk: Buffer) => {
      if (this.run === run) run.splitter.push(chunk);
    });
    process.stderr.setEncoding('utf8');
    process.stderr.on('data', (text: string) => this.handleErrorOutput(run, text));
    // A spawn failure (ENOENT, EACCES) comes as 'error'; 'close' follows every start, once stdout and stderr are drained.
    let failure: NodeJS.ErrnoException | undefined;
    process.once('error', (error: NodeJS.ErrnoException) => {
      failure = error;
    });
    process.once('close', (code, signal) => {
      clearTimeout(run.killTimer);
      this.finishRun(run, code, signal, failure);
      settle();
    });
    if (process.pid !== undefined) {
      try {
        this.processEmitter.fire(process.pid);
      } catch {
        // An observer's failure must not leave ffmpeg unsupervised.
      }
    }
  }

  /** ffmpeg cannot run now (not installed): unavailable, and checked again at the longest backoff in case it gets installed. */
  private unavailableForNow(detail: string): void {
    this.setStatus('unavailable', detail);
    this.scheduleRestart(this.settings.backoff.maximumMilliseconds);
  }

  private handleOutput(run: Run, output: SplitOutput): void {
    if (this.run !== run) return;
    switch (output.kind) {
      case 'init':
        // A new run starts a new timeline: viewers get the new init segment and reset their decoder.
        this.initSegment = output;
        this.clearPictureGroup();
        this.broadcast((viewer) => viewer.init(output));
        return;
      case 'fragment': {
        const now = this.now();
        run.lastFragmentAt = now;
        this.samples.push({ at: now, bytes: output.data.byteLength });
        this.pruneSamples(now);
        this.cache(output);
        if (this.status.state !== 'live') {
          run.liveSince = now;
          this.status = { state: 'live', lastFrameAt: now };
          this.announce();
        } else {
          this.status = { ...this.status, lastFrameAt: now };
        }
        this.broadcast((viewer) => viewer.fragment(output));
        return;
      }
      case 'error':
        this.kill(run, `ffmpeg's output could not be read: ${output.message}`);
        return;
    }
  }

  /** Keeps the fragments from the last keyframe on, so a new viewer starts decoding at once. */
  private cache(fragment: MediaFragment): void {
    if (fragment.keyframe) {
      this.pictureGroup = [fragment];
      this.pictureGroupBytes = fragment.data.byteLength;
      return;
    }
    if (this.pictureGroup.length === 0) return;
    this.pictureGroup.push(fragment);
    this.pictureGroupBytes += fragment.data.byteLength;
    if (this.pictureGroupBytes > this.settings.maximumCachedBytes) this.clearPictureGroup();
  }

  private clearPictureGroup(): void {
    this.pictureGroup = [];
    this.pictureGroupBytes = 0;
  }

  private handleErrorOutput(run: Run, text: string): void {
    const lines = (run.partialErrorLine + text).split(/\r?\n|\r/);
    // Without a line end the last piece is kept for the next chunk, bounded so a runaway line cannot grow memory.
    run.partialErrorLine = (lines.pop() ?? '').slice(-ERROR_LINE_CHARACTERS * 4);
    for (const line of lines) this.recordErrorLine(run, line);
  }

  private recordErrorLine(run: Run, rawLine: string): void {
    // "[rtsp @ 0x55d...] msg" → "[rtsp] msg": the address means nothing to an operator.
    const line = redact(rawLine, this.secrets)
      .replace(/^\[([a-z0-9_]+) @ 0x[0-9a-f]+\] /i, '[$1] ')
      .trim()
      .slice(0, ERROR_LINE_CHARACTERS);
    if (line === '') return;
    this.errorLines.push(line);
    if (this.errorLines.length > ERROR_LINES_KEPT) this.errorLines.shift();
    if (this.run === run) run.lastErrorLine = line;
  }

  private finishRun(run: Run, code: number | null, signal: NodeJS.Signals | null, failure: NodeJS.ErrnoException | undefined): void {
    if (run.partialErrorLine !== '') this.recordErrorLine(run, run.partialErrorLine);
    run.splitter.dispose();
    if (this.run !== run) return;
    this.run = undefined;
    this.initSegment = undefined;
    this.clearPictureGroup();
    if (this.disposed) return;
    if (failure?.code === 'ENOENT') {
      this.unavailableForNow(FFMPEG_MISSING_DETAIL);
      return;
    }
    const now = this.now();
    const exit =
      failure !== undefined
        ? `ffmpeg could not start: ${failure.message}`
        : code === 0
          ? 'the camera ended the stream'
          : `ffmpeg exited (${code ?? signal})`;
    const detail = redact(run.killReason ?? run.lastErrorLine ?? exit, this.secrets);
    if (this.status.state === 'live') this.setStatus('lost', detail);
    else this.setStatus(this.status.state === 'unavailable' ? 'connecting' : this.status.state, detail);
    if (run.liveSince !== undefined && now - run.liveSince >= this.settings.stableAfterMilliseconds) this.failures = 0;
    const delay = backoffDelay(this.failures, this.random, this.settings.backoff);
    this.failures += 1;
    this.scheduleRestart(delay);
  }

  private scheduleRestart(delay: number): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.start();
    }, delay);
  }

  private kill(run: Run, reason: string): void {
    if (run.killReason !== undefined) return;
    run.killReason = reason;
    signalProcess(run.process, 'SIGTERM');
    run.killTimer = setTimeout(() => signalProcess(run.process, 'SIGKILL'), this.settings.killGraceMilliseconds);
  }

  private checkFrames(): void {
    const run = this.run;
    if (run === undefined || run.killReason !== undefined) return;
    const now = this.now();
    const { lostAfterMilliseconds, stallMilliseconds, firstFrameMilliseconds } = this.settings;
    if (run.lastFragmentAt === undefined) {
      if (now - run.startedAt >= firstFrameMilliseconds) this.kill(run, `no picture ${seconds(firstFrameMilliseconds)} after ffmpeg started; restarting it`);
      return;
    }
    const silence = now - run.lastFragmentAt;
    if (this.status.state === 'live' && silence >= lostAfterMilliseconds) this.setStatus('lost', `no picture for ${seconds(lostAfterMilliseconds)}`);
    if (silence >= stallMilliseconds) this.kill(run, `no picture for ${seconds(stallMilliseconds)}; restarting ffmpeg`);
  }

  private setStatus(state: FeedState, detail: string | undefined): void {
    if (state === this.status.state && detail === this.status.detail) return;
    this.status = { state, lastFrameAt: this.status.lastFrameAt, ...(detail === undefined ? {} : { detail }) };
    this.announce();
  }

  private announce(): void {
    const status = this.status;
    this.broadcast((viewer) => viewer.state(status));
    try {
      this.statusEmitter.fire(status);
    } catch {
      // Listeners run inside ffmpeg's stream handlers: their failure must not stop the feed.
    }
  }

  private broadcast(send: (viewer: FeedViewer) => void): void {
    for (const viewer of [...this.viewers]) this.deliver(viewer, send);
  }

  private deliver(viewer: FeedViewer, send: (viewer: FeedViewer) => void): void {
    try {
      send(viewer);
    } catch {
      // One viewer's failure (a socket closing under it) must not starve the others.
    }
  }

  private pruneSamples(now: number): void {
    const oldest = now - STATISTICS_WINDOW_MILLISECONDS;
    let expired = 0;
    while (expired < this.samples.length && this.samples[expired]!.at <= oldest) expired += 1;
    if (expired > 0) this.samples.splice(0, expired);
  }
}

function signalProcess(process: FfmpegProcess, signal: NodeJS.Signals): void {
  if (process.exitCode !== null || process.signalCode !== null) return;
  try {
    process.kill(signal);
  } catch {
    // Already gone: nothing left to stop.
  }
}

function seconds(milliseconds: number): string {
  return `${Math.round(milliseconds / 100) / 10} s`;
}
