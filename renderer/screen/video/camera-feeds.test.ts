// One feed per camera per page, counted by tile: the last release closes it (on the next task), a switch that keeps a camera never reopens it.
import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../../common/contract/manual-scheduler.ts';
import { CameraFeeds } from './camera-feeds.ts';

function setup() {
  const scheduler = new ManualScheduler(0);
  const made: string[] = [];
  const disposed: string[] = [];
  const feeds = new CameraFeeds((cameraId) => {
    made.push(cameraId);
    return { cameraId, dispose: () => disposed.push(cameraId) };
  }, scheduler);
  let changes = 0;
  feeds.onDidChange(() => changes++);
  return { scheduler, feeds, made, disposed, changes: () => changes };
}

describe('CameraFeeds', () => {
  it('shares one feed between tiles and disposes it once, after the last release', () => {
    const { scheduler, feeds, made, disposed } = setup();
    const first = feeds.acquire('cam_a');
    const second = feeds.acquire('cam_a');
    expect(first.feed).toBe(second.feed);
    expect(made).toEqual(['cam_a']);
    expect(feeds.users('cam_a')).toBe(2);
    first.release();
    first.release();
    expect(feeds.users('cam_a')).toBe(1);
    second.release();
    expect(feeds.users('cam_a')).toBe(0);
    // Still held until the next task: a scene being built may take it.
    expect(feeds.size).toBe(1);
    scheduler.advance(0);
    expect(disposed).toEqual(['cam_a']);
    expect(feeds.size).toBe(0);
    second.release();
    scheduler.advance(1_000);
    expect(disposed).toEqual(['cam_a']);
  });

  it('keeps the feed across a switch: the new scene acquires before the old one releases', () => {
    const { scheduler, feeds, made, disposed } = setup();
    const old = [feeds.acquire('cam_a'), feeds.acquire('cam_b')];
    const next = [feeds.acquire('cam_a'), feeds.acquire('cam_c')];
    for (const lease of old) lease.release();
    scheduler.advance(0);
    expect(made).toEqual(['cam_a', 'cam_b', 'cam_c']);
    expect(disposed).toEqual(['cam_b']);
    expect(next[0]!.feed).toBe(old[0]!.feed);
    expect([...feeds.feeds()].map(({ cameraId, users }) => [cameraId, users])).toEqual([
      ['cam_a', 1],
      ['cam_c', 1],
    ]);
  });

  it('keeps the feed when the old scene releases first and the new one acquires in the same task (a full assignment)', () => {
    const { scheduler, feeds, made, disposed } = setup();
    const old = feeds.acquire('cam_a');
    old.release();
    const again = feeds.acquire('cam_a');
    scheduler.advance(0);
    expect(made).toEqual(['cam_a']);
    expect(disposed).toEqual([]);
    expect(again.feed).toBe(old.feed);
    expect(scheduler.pending).toBe(0);
  });

  it('disposes every feed with itself, and says when the set or the counts change', () => {
    const { scheduler, feeds, disposed, changes } = setup();
    feeds.acquire('cam_a');
    feeds.acquire('cam_b').release();
    expect(changes()).toBe(3);
    feeds.dispose();
    expect(disposed.sort()).toEqual(['cam_a', 'cam_b']);
    expect(scheduler.pending).toBe(0);
    expect(() => feeds.acquire('cam_a')).toThrow(/disposed/);
  });
});
