// The telemetry router on a manual clock: counting, latest values and trend, one update per frame, staleness, rate-limited drop reports.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualScheduler, type SeriesValue } from '../../common/contract/index.ts';
import { DROP_REASONS, type DecodeResult, type DropReason } from '../../common/telemetry/schema.ts';
import { parseLayout, type WallLayout } from '../../common/wall/index.ts';
import { TelemetryRouter, type DropReport } from './telemetry-router.ts';

const LAYOUT = `
format: ioc-wall/layout@1
wall: { id: lab, name: { vi: Phòng thử, en: Lab }, defaultScene: main }
screens:
  - { id: S01, x: 0, y: 0, activeArea: { width: 100, height: 100 }, bezel: { top: 0, right: 0, bottom: 0, left: 0 }, resolution: { width: 100, height: 100 } }
fields: [{ id: pctt, name: { vi: Thiên tai, en: Disasters }, colour: '#1565c0', icon: water }]
series:
  - { id: pctt.water_level.kim_long, name: { vi: Mực nước, en: Water level }, unit: m, expectedInterval: 10s }
  - { id: pctt.rain_1h.a_luoi, name: { vi: Mưa, en: Rain }, unit: mm, expectedInterval: 1m }
scenes: [{ id: main, name: { vi: Chính, en: Main } }]
sources: { telemetry: { staleFactor: 2 } }
`;

const START = Date.UTC(2026, 10, 26, 3, 0);
const layout = (): WallLayout => {
  const { layout, problems } = parseLayout(LAYOUT);
  expect(problems).toEqual([]);
  return layout!;
};

const accepted = (series: string, value: number, time: number): DecodeResult => ({ ok: true, samples: [{ series, value, time }] });
const dropped = (reason: DropReason): DecodeResult => ({ ok: false, reason, detail: `a ${reason} payload` });
const KIM_LONG = 'pctt.water_level.kim_long';
const A_LUOI = 'pctt.rain_1h.a_luoi';

describe('the telemetry router', () => {
  let router: TelemetryRouter | undefined;
  afterEach(() => router?.dispose());

  function setUp(options: { frameMilliseconds?: number } = {}) {
    const scheduler = new ManualScheduler(START);
    const updates: Record<string, SeriesValue>[] = [];
    const reports: DropReport[] = [];
    router = new TelemetryRouter({ scheduler, simulated: false, onDrop: (report) => reports.push(report), ...options });
    router.setLayout(layout());
    router.onDidChange((values) => updates.push(values));
    const ingest = (topic: string, result: DecodeResult) => router!.ingest({ topic, receivedAt: scheduler.now(), result });
    return { router, scheduler, updates, reports, ingest };
  }

  it('keeps the latest value of each series with its trend, and counts per topic', () => {
    const { router, ingest } = setUp();
    ingest('t/kim_long', accepted(KIM_LONG, 3.5, START - 1_000));
    ingest('t/kim_long', accepted(KIM_LONG, 3.54, START));
    ingest('t/broken', dropped('malformed_json'));
    expect(router.snapshot([KIM_LONG, A_LUOI])).toEqual({ [KIM_LONG]: { value: 3.54, time: START, trend: 'up', simulated: false } });
    expect(router.totals()).toEqual({ accepted: 2, dropped: { ...Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])), malformed_json: 1 } });
    expect(router.topicCounts()).toEqual([
      { topic: 't/kim_long', accepted: 2, dropped: 0, reasons: {}, lastAt: START },
      { topic: 't/broken', accepted: 0, dropped: 1, reasons: { malformed_json: 1 }, lastAt: START },
    ]);
  });

  it('takes the samples of its series from a message that also carries others, and drops one with none of them as unknown_topic', () => {
    const { router, ingest } = setUp();
    ingest('t/x', { ok: true, samples: [{ series: KIM_LONG, value: 1, time: START }, { series: 'pctt.water_level.nowhere', value: 2, time: START }] });
    ingest('t/y', { ok: true, samples: [{ series: 'pctt.water_level.nowhere', value: 2, time: START }] });
    expect(router.totals()).toMatchObject({ accepted: 1, dropped: { unknown_topic: 1 } });
    expect(router.snapshot([KIM_LONG])[KIM_LONG]).toMatchObject({ value: 1 });
  });

  it('never lets a sender clock running ahead keep its value over later ones', () => {
    const { router, ingest, scheduler } = setUp();
    ingest('t', accepted(KIM_LONG, 2, START + 4 * 60_000));
    expect(router.snapshot([KIM_LONG])[KIM_LONG]).toMatchObject({ value: 2, time: START });
    scheduler.advance(1_000);
    ingest('t', accepted(KIM_LONG, 1, START + 1_000));
    expect(router.snapshot([KIM_LONG])[KIM_LONG]).toMatchObject({ value: 1, time: START + 1_000 });
  });

  it('keeps the newest observation when an older one arrives late', () => {
    const { router, ingest } = setUp();
    ingest('t', accepted(KIM_LONG, 3.6, START));
    ingest('t', accepted(KIM_LONG, 3.1, START - 60_000));
    expect(router.snapshot([KIM_LONG])[KIM_LONG]).toMatchObject({ value: 3.6, time: START });
    expect(router.history(KIM_LONG, 10 * 60_000)).toEqual([{ time: START, value: 3.6 }]);
  });

  it('sends at most one update per frame, with the latest value of every series that changed', () => {
    const { scheduler, updates, ingest } = setUp({ frameMilliseconds: 16 });
    ingest('t', accepted(KIM_LONG, 1, START - 100));
    expect(updates).toHaveLength(1);
    for (let step = 2; step <= 100; step += 1) ingest('t', accepted(KIM_LONG, step, START - 100 + step));
    ingest('t', accepted(A_LUOI, 7, START));
    expect(updates).toHaveLength(1);
    scheduler.advance(16);
    expect(updates).toHaveLength(2);
    expect(updates[1]).toEqual({ [KIM_LONG]: { value: 100, time: START, trend: 'up', simulated: false }, [A_LUOI]: { value: 7, time: START, trend: 'flat', simulated: false } });
    scheduler.advance(1_000);
    expect(updates).toHaveLength(2);
  });

  it('whatever the inbound rate, updates never come closer than a frame', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 200 }), (gaps) => {
        const scheduler = new ManualScheduler(START);
        const local = new TelemetryRouter({ scheduler, simulated: false, frameMilliseconds: 16 });
        local.setLayout(layout());
        const sentAt: number[] = [];
        local.onDidChange(() => sentAt.push(scheduler.now()));
        gaps.forEach((gap, index) => {
          scheduler.advance(gap);
          local.ingest({ topic: 't', receivedAt: scheduler.now(), result: accepted(KIM_LONG, index, scheduler.now()) });
        });
        scheduler.advance(16);
        local.dispose();
        for (let index = 1; index < sentAt.length; index += 1) expect(sentAt[index]! - sentAt[index - 1]!).toBeGreaterThanOrEqual(16);
        // The last value always gets out.
        expect(sentAt.length).toBeGreaterThan(0);
      }),
    );
  });

  it('turns a series stale after expected interval x stale factor, and fresh again when a value arrives', () => {
    const { router, scheduler, ingest } = setUp();
    let changes = 0;
    router.onDidChangeFreshness(() => (changes += 1));
    const stale = () => router.freshness().filter((row) => row.stale).map((row) => row.id);
    expect(stale()).toEqual([A_LUOI, KIM_LONG]);
    ingest('t', accepted(KIM_LONG, 3.5, START));
    expect(stale()).toEqual([A_LUOI]);
    expect(changes).toBe(1);
    scheduler.advance(20_000);
    expect(stale()).toEqual([A_LUOI]);
    scheduler.advance(1);
    // Those that never had a value first, then the oldest.
    expect(stale()).toEqual([A_LUOI, KIM_LONG]);
    expect(changes).toBe(2);
    expect(router.freshness()[1]).toMatchObject({ id: KIM_LONG, value: 3.5, time: START, stale: true, staleAfter: 20_000 });
    ingest('t', accepted(KIM_LONG, 3.6, scheduler.now()));
    expect(stale()).toEqual([A_LUOI]);
    expect(changes).toBe(3);
  });

  it('reports drops at most once per reason per period, saying how many it kept quiet', () => {
    const { scheduler, reports, ingest } = setUp();
    for (let index = 0; index < 50; index += 1) ingest('t/bad', dropped('wrong_type'));
    ingest('t/bad', dropped('too_large'));
    expect(reports.map((report) => [report.reason, report.suppressed])).toEqual([
      ['wrong_type', 0],
      ['too_large', 0],
    ]);
    scheduler.advance(10_000);
    ingest('t/bad', dropped('wrong_type'));
    expect(reports.at(-1)).toMatchObject({ reason: 'wrong_type', suppressed: 49, topic: 't/bad', detail: 'a wrong_type payload' });
  });

  it('counts every message, whatever the mix, and per topic only as many topics as it may keep', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...DROP_REASONS, 'accepted' as const), fc.integer({ min: 0, max: 5 }))), (messages) => {
        const scheduler = new ManualScheduler(START);
        const local = new TelemetryRouter({ scheduler, simulated: false });
        local.setLayout(layout());
        for (const [result, topic] of messages) {
          local.ingest({ topic: `t/${topic}`, receivedAt: START, result: result === 'accepted' ? accepted(KIM_LONG, 1, START) : dropped(result) });
        }
        const totals = local.totals();
        expect(totals.accepted).toBe(messages.filter(([result]) => result === 'accepted').length);
        for (const reason of DROP_REASONS) expect(totals.dropped[reason]).toBe(messages.filter(([result]) => result === reason).length);
        const perTopic = local.topicCounts().reduce((sum, row) => sum + row.accepted + row.dropped, 0);
        expect(perTopic).toBe(messages.length);
        local.dispose();
      }),
    );
    const { router, ingest } = setUp();
    for (let index = 0; index < 1_200; index += 1) ingest(`spam/${index}`, dropped('unknown_topic'));
    expect(router.topicCounts()).toHaveLength(1_000);
    expect(router.totals().dropped.unknown_topic).toBe(1_200);
  });

  it('keeps values across a layout reload, and serves chart history with seeded past values underneath', () => {
    const { router, ingest, scheduler } = setUp();
    router.seedHistory(KIM_LONG, [
      { time: START - 120_000, value: 2.9 },
      { time: START - 60_000, value: 3.0 },
    ]);
    ingest('t', accepted(KIM_LONG, 3.1, START));
    router.setLayout(layout());
    expect(router.snapshot([KIM_LONG])[KIM_LONG]).toMatchObject({ value: 3.1 });
    expect(router.history(KIM_LONG, 90_000).map((point) => point.value)).toEqual([3.0, 3.1]);
    scheduler.advance(500);
    ingest('t', accepted(KIM_LONG, 3.2, START + 500));
    // One point per second at most: the later value of the same second replaces the earlier one.
    expect(router.history(KIM_LONG, 90_000).map((point) => point.value)).toEqual([3.0, 3.2]);
  });

  it('leaves no timer behind when disposed', () => {
    const { router, scheduler, ingest } = setUp({ frameMilliseconds: 16 });
    ingest('t', accepted(KIM_LONG, 1, START));
    ingest('t', accepted(KIM_LONG, 2, START));
    expect(scheduler.pending).toBeGreaterThan(0);
    router.dispose();
    expect(scheduler.pending).toBe(0);
  });
});
