// A screen flips to a prepared scene on the first frame at or after the commit time, says when it was late, and drops builds nobody wants.
import { describe, expect, it } from 'vitest';
import { appendBounded, SwitchTracker } from './scene-switch.ts';

function tracker() {
  const discarded: string[] = [];
  const switches = new SwitchTracker<string, string>((build) => discarded.push(build));
  return { switches, discarded };
}

describe('SwitchTracker', () => {
  it('flips a ready build on the first frame at or after the commit time, not before', () => {
    const { switches, discarded } = tracker();
    const { ticket } = switches.prepare(1, 'flood');
    expect(switches.prepared).toBe(1);
    expect(switches.flipPending).toBe(false);
    expect(switches.built(ticket, 'flood build')).toBe(true);
    expect(switches.commit({ switchId: 1, version: 3, at: 1_050 }, 1_000)).toBe('on-time');
    expect(switches.flipPending).toBe(true);
    expect(switches.due(1_033.4)).toBeUndefined();
    expect(switches.due(1_049.99)).toBeUndefined();
    expect(switches.due(1_050)).toEqual({ switchId: 1, version: 3, at: 1_050, late: false, build: 'flood build', plan: 'flood', covered: [] });
    // Handed over once: the caller owns it now.
    expect(switches.due(1_066)).toBeUndefined();
    expect(switches.prepared).toBeUndefined();
    expect(switches.flipPending).toBe(false);
    expect(discarded).toEqual([]);
  });

  it('a frame well after the commit time still flips (a slow frame), and is not late when the build was ready in time', () => {
    const { switches } = tracker();
    switches.built(switches.prepare(1, 'flood').ticket, 'build');
    switches.commit({ switchId: 1, version: 1, at: 1_000 }, 950);
    expect(switches.due(1_400)).toMatchObject({ late: false });
  });

  it('a build not ready when the commit arrives flips late, as soon as it is built, but never before the commit time', () => {
    const { switches } = tracker();
    const { ticket } = switches.prepare(2, 'traffic');
    expect(switches.commit({ switchId: 2, version: 5, at: 1_000 }, 950)).toBe('late');
    // Nothing to show yet: frames need not be watched.
    expect(switches.flipPending).toBe(false);
    expect(switches.due(1_200)).toBeUndefined();
    switches.built(ticket, 'build');
    expect(switches.flipPending).toBe(true);
    expect(switches.due(1_216)).toMatchObject({ switchId: 2, version: 5, late: true });

    // Built after the commit arrived but before its time: still waits for the time (the other screens flip then).
    const next = switches.prepare(3, 'normal');
    switches.commit({ switchId: 3, version: 6, at: 2_000 }, 1_950);
    switches.built(next.ticket, 'build 3');
    expect(switches.due(1_990)).toBeUndefined();
    expect(switches.due(2_001)).toMatchObject({ switchId: 3, late: true });
  });

  it('a commit heard after its time (a busy page) is late even with the build ready', () => {
    const { switches } = tracker();
    switches.built(switches.prepare(1, 'flood').ticket, 'build');
    expect(switches.commit({ switchId: 1, version: 1, at: 1_000 }, 1_240)).toBe('late');
    expect(switches.due(1_250)).toMatchObject({ late: true });
  });

  it('ignores a commit it never prepared, or a second commit of the same switch', () => {
    const { switches } = tracker();
    expect(switches.commit({ switchId: 7, version: 1, at: 0 }, 0)).toBe('ignored');
    switches.built(switches.prepare(8, 'flood').ticket, 'build');
    expect(switches.commit({ switchId: 7, version: 1, at: 0 }, 0)).toBe('ignored');
    expect(switches.flipPending).toBe(false);
    expect(switches.commit({ switchId: 8, version: 2, at: 10 }, 0)).toBe('on-time');
    expect(switches.commit({ switchId: 8, version: 2, at: 99 }, 0)).toBe('ignored');
    expect(switches.due(10)).toMatchObject({ at: 10 });
  });

  it('a newer prepare supersedes an older uncommitted one: a finished build is discarded at once, an unfinished one when it finishes', () => {
    const { switches, discarded } = tracker();
    const first = switches.prepare(1, 'flood');
    switches.built(first.ticket, 'flood build');
    const second = switches.prepare(2, 'epidemic');
    expect(discarded).toEqual(['flood build']);
    expect(switches.prepared).toBe(2);
    const third = switches.prepare(3, 'normal');
    // The second build finishes after it was superseded.
    expect(switches.wants(second.ticket)).toBe(false);
    expect(switches.built(second.ticket, 'epidemic build')).toBe(false);
    expect(discarded).toEqual(['flood build', 'epidemic build']);
    expect(switches.commit({ switchId: 1, version: 1, at: 0 }, 0)).toBe('ignored');
    expect(switches.wants(third.ticket)).toBe(true);
    expect(switches.built(third.ticket, 'normal build')).toBe(true);
    expect(switches.commit({ switchId: 3, version: 1, at: 0 }, 0)).toBe('on-time');
    expect(switches.due(0)).toMatchObject({ switchId: 3, build: 'normal build' });
  });

  it('a prepare that arrives while a committed switch waits for its time keeps it: both flip, in order', () => {
    const { switches, discarded } = tracker();
    switches.built(switches.prepare(1, 'flood').ticket, 'flood build');
    switches.commit({ switchId: 1, version: 7, at: 1_050 }, 1_000);
    const second = switches.prepare(2, 'epidemic');
    expect(switches.prepared).toBe(2);
    expect(discarded).toEqual([]);
    expect(switches.due(1_050)).toMatchObject({ switchId: 1, version: 7, build: 'flood build', covered: [] });
    switches.built(second.ticket, 'epidemic build');
    switches.commit({ switchId: 2, version: 8, at: 1_120 }, 1_070);
    expect(switches.due(1_120)).toMatchObject({ switchId: 2, version: 8, build: 'epidemic build' });
  });

  it('when two committed switches are due in one frame, the newer is shown and covers the older', () => {
    const { switches, discarded } = tracker();
    switches.built(switches.prepare(1, 'flood').ticket, 'flood build');
    switches.commit({ switchId: 1, version: 7, at: 1_050 }, 1_000);
    switches.built(switches.prepare(2, 'epidemic').ticket, 'epidemic build');
    switches.commit({ switchId: 2, version: 8, at: 1_060 }, 1_010);
    const due = switches.due(1_070);
    expect(due).toMatchObject({ switchId: 2, version: 8, build: 'epidemic build', covered: [{ switchId: 1, version: 7, at: 1_050, late: false }] });
    expect(discarded).toEqual(['flood build']);
    expect(switches.flipPending).toBe(false);
  });

  it('a cancel drops the build of that switch only', () => {
    const { switches, discarded } = tracker();
    const { ticket } = switches.prepare(4, 'flood');
    expect(switches.cancel(3)).toBe(false);
    expect(switches.cancel(4)).toBe(true);
    expect(switches.prepared).toBeUndefined();
    // Its build finishes later: nobody wants it.
    expect(switches.built(ticket, 'late build')).toBe(false);
    expect(discarded).toEqual(['late build']);
    expect(switches.commit({ switchId: 4, version: 1, at: 0 }, 0)).toBe('ignored');
  });

  it('a restart (the window was resized) drops the finished builds; only the new builds are kept', () => {
    const { switches, discarded } = tracker();
    const first = switches.prepare(1, 'flood');
    const [restarted] = switches.restart();
    expect(restarted).toMatchObject({ switchId: 1, plan: 'flood' });
    expect(switches.built(first.ticket, 'old size')).toBe(false);
    expect(switches.built(restarted!.ticket, 'new size')).toBe(true);
    const [again] = switches.restart();
    expect(discarded).toEqual(['old size', 'new size']);
    expect(switches.commit({ switchId: 1, version: 2, at: 5 }, 0)).toBe('late');
    switches.built(again!.ticket, 'newest size');
    expect(switches.due(5)).toMatchObject({ build: 'newest size', late: true });
    expect(switches.restart()).toEqual([]);
  });

  it('a full assignment resets everything', () => {
    const { switches, discarded } = tracker();
    switches.built(switches.prepare(1, 'flood').ticket, 'build');
    switches.commit({ switchId: 1, version: 1, at: 100 }, 50);
    switches.built(switches.prepare(2, 'normal').ticket, 'build 2');
    expect(switches.builds).toEqual(['build', 'build 2']);
    switches.reset();
    expect(discarded).toEqual(['build', 'build 2']);
    expect(switches.flipPending).toBe(false);
    expect(switches.due(200)).toBeUndefined();
    expect(switches.prepared).toBeUndefined();
  });
});

describe('appendBounded', () => {
  it('keeps the newest items', () => {
    const list: number[] = [];
    for (let index = 0; index < 60; index++) appendBounded(list, index, 50);
    expect(list).toHaveLength(50);
    expect(list[0]).toBe(10);
    expect(list.at(-1)).toBe(59);
  });
});
