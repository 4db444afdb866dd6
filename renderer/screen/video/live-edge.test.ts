// The live-edge controller keeps the picture 0.15 s behind the newest frame: seek when far, speed up a little when near, forget old media.
import { describe, expect, it } from 'vitest';
import { LIVE_EDGE, liveEdgeActions, rangesOf, type LiveEdgeInput } from './live-edge.ts';

function input(overrides: Partial<LiveEdgeInput>): LiveEdgeInput {
  return { buffered: [{ start: 100, end: 104 }], currentTime: 103.85, paused: false, playbackRate: 1, now: 50_000, lastTrimAt: 49_900, ...overrides };
}

describe('liveEdgeActions', () => {
  it('does nothing without media, and nothing when the play head is where it should be', () => {
    expect(liveEdgeActions(input({ buffered: [], currentTime: 0, paused: true }))).toEqual({ play: false });
    expect(liveEdgeActions(input({}))).toEqual({ play: false });
  });

  it('at start seeks into the newest media, 0.15 s behind its end, and plays', () => {
    // The gateway's timestamps do not start at 0: the element sits at 0 with nothing there.
    const actions = liveEdgeActions(input({ buffered: [{ start: 12.4, end: 13.2 }], currentTime: 0, paused: true, lastTrimAt: undefined }));
    expect(actions.seekTo).toBeCloseTo(13.05, 6);
    expect(actions.play).toBe(true);
    expect(actions.playbackRate).toBeUndefined();
    expect(actions.removeBefore).toBeUndefined();
  });

  it('with less than 0.15 s buffered seeks to the start of what there is', () => {
    expect(liveEdgeActions(input({ buffered: [{ start: 12.4, end: 12.44 }], currentTime: 0, paused: true })).seekTo).toBe(12.4);
  });

  it('seeks when more than 0.5 s behind, at normal speed', () => {
    const actions = liveEdgeActions(input({ currentTime: 103.2, playbackRate: 1.1 }));
    expect(actions.seekTo).toBeCloseTo(104 - LIVE_EDGE.targetLag, 6);
    expect(actions.playbackRate).toBe(1);
  });

  it('catches a small lag up by playing at most 10 % faster, and returns to normal speed at the target', () => {
    const slightly = liveEdgeActions(input({ currentTime: 103.65 }));
    expect(slightly.seekTo).toBeUndefined();
    expect(slightly.playbackRate).toBeGreaterThan(1);
    expect(slightly.playbackRate).toBeLessThanOrEqual(1.1);
    const more = liveEdgeActions(input({ currentTime: 103.52 }));
    expect(more.playbackRate).toBeGreaterThan(slightly.playbackRate!);
    expect(more.playbackRate).toBeLessThanOrEqual(LIVE_EDGE.maximumRate);
    expect(liveEdgeActions(input({ currentTime: 103.85, playbackRate: more.playbackRate! })).playbackRate).toBe(1);
  });

  it('leaves a rate alone that is already about right (no change per fragment)', () => {
    const rate = liveEdgeActions(input({ currentTime: 103.6 })).playbackRate!;
    expect(liveEdgeActions(input({ currentTime: 103.6, playbackRate: rate })).playbackRate).toBeUndefined();
  });

  it('jumps over a gap to the newest range even when the lag looks small', () => {
    const actions = liveEdgeActions(input({ buffered: [{ start: 100, end: 103.7 }, { start: 103.8, end: 104 }], currentTime: 103.69 }));
    expect(actions.seekTo).toBeCloseTo(103.85, 6);
  });

  it('plays a paused video', () => {
    expect(liveEdgeActions(input({ paused: true })).play).toBe(true);
  });

  it('removes media more than 10 s behind the play head, at most once a second', () => {
    const buffered = [{ start: 100, end: 130 }];
    const due = liveEdgeActions(input({ buffered, currentTime: 129.85, now: 60_000, lastTrimAt: 58_000 }));
    expect(due.removeBefore).toBeCloseTo(119.85, 6);
    expect(liveEdgeActions(input({ buffered, currentTime: 129.85, now: 60_000, lastTrimAt: 59_500 })).removeBefore).toBeUndefined();
    expect(liveEdgeActions(input({ buffered: [{ start: 120, end: 130 }], currentTime: 129.85, lastTrimAt: undefined })).removeBefore).toBeUndefined();
  });

  it('trims from where it seeks to, so a jump forward frees the media it skipped', () => {
    const actions = liveEdgeActions(input({ buffered: [{ start: 100, end: 140 }], currentTime: 101, lastTrimAt: undefined }));
    expect(actions.seekTo).toBeCloseTo(139.85, 6);
    expect(actions.removeBefore).toBeCloseTo(129.85, 6);
  });
});

describe('rangesOf', () => {
  it('reads a TimeRanges-like object in order', () => {
    const starts = [1, 5];
    const ends = [2, 6];
    expect(rangesOf({ length: 2, start: (index) => starts[index]!, end: (index) => ends[index]! })).toEqual([
      { start: 1, end: 2 },
      { start: 5, end: 6 },
    ]);
  });
});
