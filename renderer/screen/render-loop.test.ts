// Frames only when something changed, one per animation frame, and honest figures for the health report.
import { describe, expect, it } from 'vitest';
import { RenderLoop, type FrameClock } from './render-loop.ts';

function fakeClock() {
  let time = 0;
  let nextHandle = 1;
  const callbacks = new Map<number, (timestamp: number) => void>();
  const clock: FrameClock = {
    now: () => time,
    requestFrame: (callback) => {
      callbacks.set(nextHandle, callback);
      return nextHandle++;
    },
    cancelFrame: (handle) => void callbacks.delete(handle),
  };
  return {
    clock,
    advance: (milliseconds: number) => (time += milliseconds),
    /** Runs the animation frame at the current time. */
    frame: () => {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const callback of due) callback(time);
    },
    get requested() {
      return callbacks.size;
    },
  };
}

describe('RenderLoop', () => {
  it('draws camera frames at most every 40 ms, while any other change still draws on the next frame', () => {
    const fake = fakeClock();
    const drawnAt: number[] = [];
    const loop = new RenderLoop(() => drawnAt.push(fake.clock.now()), fake.clock);
    loop.invalidateVideo();
    fake.frame();
    // Camera frames arrive every display frame (several cameras): the screen redraws every 40 ms, not every 16.
    for (let step = 0; step < 12; step += 1) {
      fake.advance(16);
      loop.invalidateVideo();
      fake.frame();
    }
    expect(drawnAt).toEqual([0, 48, 96, 144, 192]);
    fake.advance(16);
    loop.invalidate();
    fake.frame();
    expect(drawnAt.at(-1)).toBe(208);
  });

  it('draws once per frame however many changes, and never without a change', () => {
    const fake = fakeClock();
    let draws = 0;
    const loop = new RenderLoop(() => draws++, fake.clock);
    expect(fake.requested).toBe(0);
    loop.invalidate();
    loop.invalidate();
    expect(fake.requested).toBe(1);
    fake.advance(16);
    fake.frame();
    expect(draws).toBe(1);
    fake.advance(16);
    fake.frame();
    expect(draws).toBe(1);
    expect(loop.framesDrawn).toBe(1);
  });

  it('reports frames per period, mean JavaScript time and dropped frames while drawing continuously', () => {
    const fake = fakeClock();
    const loop = new RenderLoop(() => fake.advance(4), fake.clock);
    loop.invalidate();
    fake.frame(); // t 0 → 4
    loop.invalidate();
    fake.advance(12);
    fake.frame(); // on time: 16 after the previous frame
    loop.invalidate();
    fake.advance(46);
    fake.frame(); // 50 after: dropped
    fake.advance(1000);
    loop.invalidate();
    fake.advance(100);
    fake.frame(); // after an idle second: not continuous, not dropped
    const period = loop.takePeriod();
    expect(period.frames).toBe(4);
    expect(period.frameMilliseconds).toBeCloseTo(4);
    expect(period.droppedFrames).toBe(1);
    expect(loop.takePeriod().frames).toBe(0);
  });

  it('waits while paused and draws what changed on resume', () => {
    const fake = fakeClock();
    let draws = 0;
    const loop = new RenderLoop(() => draws++, fake.clock);
    loop.pause();
    loop.invalidate();
    fake.frame();
    expect(draws).toBe(0);
    loop.resume();
    fake.frame();
    expect(draws).toBe(1);
    loop.dispose();
    loop.invalidate();
    expect(fake.requested).toBe(0);
  });

  it('watches frames without drawing while asked, and draws in the very frame whose hook invalidates', () => {
    const fake = fakeClock();
    const events: string[] = [];
    let flipAt = 48;
    const loop: RenderLoop = new RenderLoop(
      () => events.push('draw'),
      fake.clock,
      () => events.push('after'),
      (timestamp) => {
        events.push(`frame ${timestamp}`);
        if (timestamp >= flipAt) {
          flipAt = Number.POSITIVE_INFINITY;
          loop.invalidate();
        } else {
          loop.requestFrame();
        }
      },
    );
    loop.requestFrame();
    loop.requestFrame();
    expect(fake.requested).toBe(1);
    for (let frame = 0; frame < 5; frame++) {
      fake.advance(16);
      fake.frame();
    }
    expect(events).toEqual(['frame 16', 'frame 32', 'frame 48', 'draw', 'after']);
    // Invalidating inside the hook did not ask for a second, empty frame.
    expect(fake.requested).toBe(0);
    expect(loop.framesDrawn).toBe(1);
  });
});
