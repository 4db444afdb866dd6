// Keeps a live MSE video a fixed short lag behind its newest buffered frame: where to seek, how fast to play, what to forget.

/** One buffered range of the SourceBuffer, seconds of media time. */
export interface BufferedRange {
  readonly start: number;
  readonly end: number;
}

export interface LiveEdgeInput {
  /** The video's buffered ranges, in order. */
  readonly buffered: readonly BufferedRange[];
  readonly currentTime: number;
  readonly paused: boolean;
  readonly playbackRate: number;
  /** Milliseconds, any monotonic clock: only compared with `lastTrimAt`. */
  readonly now: number;
  /** When the back buffer was last trimmed (same clock as `now`); undefined before the first trim. */
  readonly lastTrimAt: number | undefined;
}

/** What to do now; an absent field means leave it as it is. */
export interface LiveEdgeActions {
  /** Jump to this media time (the play head is too far behind, or outside the newest range: at start, after a gap). */
  readonly seekTo?: number;
  readonly playbackRate?: number;
  /** Remove everything buffered before this media time (then remember `now` as `lastTrimAt`). */
  readonly removeBefore?: number;
  /** The video is paused: call play(). */
  readonly play: boolean;
}

export const LIVE_EDGE = {
  /** Seconds behind the newest frame the play head is kept: about 250 ms glass to glass here (FIELD-NOTES, video latency). */
  targetLag: 0.15,
  /** Further behind than this, catching up by speed would take too long: seek. */
  seekLag: 0.5,
  /** Within this of the target, play at normal speed (a frame of jitter is not a lag). */
  tolerance: 0.05,
  /** Fastest catch-up rate: 10 % faster is not noticeable on traffic or crowds. */
  maximumRate: 1.1,
  /** Extra speed per second of lag beyond the target. */
  rateGain: 0.3,
  /** Seconds kept behind the play head; older media is removed so a 24/7 wall's memory stays flat. */
  backBuffer: 10,
  /** At most one removal per this many milliseconds: each removal is a SourceBuffer operation. */
  trimIntervalMilliseconds: 1_000,
} as const;

/** A rate this close to the current one is not worth a change (each change re-times the decoder). */
const RATE_STEP = 0.01;

export function liveEdgeActions(input: LiveEdgeInput): LiveEdgeActions {
  const newest = input.buffered.at(-1);
  const play = input.paused;
  if (!newest) return { play: false };
  const first = input.buffered[0]!;
  const { currentTime } = input;
  const seekTarget = Math.max(newest.start, newest.end - LIVE_EDGE.targetLag);
  const lag = newest.end - currentTime;
  // Outside the newest range (nothing played yet, or a gap the decoder would stall at) or too far behind: jump.
  const inNewest = currentTime >= newest.start - LIVE_EDGE.tolerance && currentTime <= newest.end + LIVE_EDGE.tolerance;
  const seek = !inNewest || lag > LIVE_EDGE.seekLag;
  const effectiveLag = seek ? newest.end - seekTarget : lag;
  const wantedRate =
    effectiveLag <= LIVE_EDGE.targetLag + LIVE_EDGE.tolerance ? 1 : Math.min(LIVE_EDGE.maximumRate, 1 + (effectiveLag - LIVE_EDGE.targetLag) * LIVE_EDGE.rateGain);
  const rateChanged = wantedRate === 1 ? input.playbackRate !== 1 : Math.abs(wantedRate - input.playbackRate) >= RATE_STEP;
  const playHead = seek ? seekTarget : currentTime;
  const keepFrom = playHead - LIVE_EDGE.backBuffer;
  const trimDue = input.lastTrimAt === undefined || input.now - input.lastTrimAt >= LIVE_EDGE.trimIntervalMilliseconds;
  const trim = trimDue && keepFrom > first.start;
  return {
    play,
    ...(seek ? { seekTo: seekTarget } : {}),
    ...(rateChanged ? { playbackRate: Math.round(wantedRate * 1000) / 1000 } : {}),
    ...(trim ? { removeBefore: keepFrom } : {}),
  };
}

/** The ranges of a TimeRanges object, for `liveEdgeActions`. */
export function rangesOf(ranges: { readonly length: number; start(index: number): number; end(index: number): number }): BufferedRange[] {
  const result: BufferedRange[] = [];
  for (let index = 0; index < ranges.length; index++) result.push({ start: ranges.start(index), end: ranges.end(index) });
  return result;
}
