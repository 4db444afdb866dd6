// The identify window: on until the server's `until`, extended by a later identify, never shortened, gone after its time.
import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../common/contract/manual-scheduler.ts';
import { IdentifyWindow } from './identify-window.ts';

function fakeClock() {
  const scheduler = new ManualScheduler(1_000_000);
  const fake = {
    /** What the bridge's clock estimate adds to the local clock. */
    offset: 0,
    now: () => scheduler.now() + fake.offset,
    scheduler,
    advance: (milliseconds: number) => scheduler.advance(milliseconds),
    get pending() {
      return scheduler.pending;
    },
  };
  return fake;
}

function setUp() {
  const clock = fakeClock();
  const changes: (number | undefined)[] = [];
  const overlay = new IdentifyWindow(clock.now, clock.scheduler, () => changes.push(overlay.until));
  return { clock, overlay, changes };
}

describe('IdentifyWindow', () => {
  it('shows the overlay from the message until its end, then removes it', () => {
    const { clock, overlay, changes } = setUp();
    expect(overlay.active).toBe(false);
    overlay.identify(clock.now() + 10_000);
    expect(overlay.active).toBe(true);
    expect(overlay.until).toBe(1_010_000);
    clock.advance(9_999);
    expect(overlay.active).toBe(true);
    clock.advance(1);
    expect(overlay.active).toBe(false);
    expect(overlay.until).toBeUndefined();
    expect(changes).toEqual([1_010_000, undefined]);
    expect(clock.pending).toBe(0);
  });

  it('a new identify extends the overlay; an earlier end does not cut it short', () => {
    const { clock, overlay, changes } = setUp();
    overlay.identify(clock.now() + 10_000);
    clock.advance(6_000);
    overlay.identify(clock.now() + 10_000);
    expect(overlay.until).toBe(1_016_000);
    overlay.identify(clock.now() + 2_000);
    expect(overlay.until).toBe(1_016_000);
    clock.advance(9_000);
    expect(overlay.active).toBe(true);
    clock.advance(1_000);
    expect(overlay.active).toBe(false);
    expect(changes).toEqual([1_010_000, 1_016_000, undefined]);
  });

  it('ignores an identify whose time has already passed on the server clock', () => {
    const { clock, overlay, changes } = setUp();
    overlay.identify(clock.now() - 1);
    overlay.identify(clock.now());
    expect(overlay.active).toBe(false);
    expect(changes).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('follows the server clock: a clock sync that moves it back keeps the overlay until the server time', () => {
    const { clock, overlay } = setUp();
    overlay.identify(clock.now() + 10_000);
    clock.offset = -3_000;
    clock.advance(10_000);
    expect(overlay.active).toBe(true);
    clock.advance(3_000);
    expect(overlay.active).toBe(false);
  });

  it('leaves no timer behind when disposed', () => {
    const { clock, overlay, changes } = setUp();
    overlay.identify(clock.now() + 10_000);
    overlay.dispose();
    expect(clock.pending).toBe(0);
    overlay.identify(clock.now() + 10_000);
    expect(overlay.active).toBe(false);
    expect(changes).toEqual([1_010_000]);
  });
});
