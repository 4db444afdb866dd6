// The officer reads which series went stale (oldest first, with last value and age), the brokers' state, and nothing from a malformed message.
import { describe, expect, it } from 'vitest';
import type { SeriesFreshness, TelemetryState } from './api.ts';
import { allFreshText, serverTimeNow, staleCountText, summariseTelemetry, telemetryStateOf, type LayoutNames } from './telemetry-state.ts';

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 26, 7, 0, 0);

function series(id: string, overrides: Partial<SeriesFreshness> = {}): SeriesFreshness {
  return {
    id,
    field: id.split('.')[0]!,
    name: { vi: `Tên ${id}`, en: `Name ${id}` },
    unit: 'm',
    value: 2.4,
    time: NOW - MINUTE,
    stale: false,
    staleAfter: 30 * MINUTE,
    ...overrides,
  };
}

function telemetry(overrides: Partial<TelemetryState> = {}): TelemetryState {
  return {
    type: 'telemetry',
    at: NOW,
    brokers: [
      { id: 'embedded', url: '127.0.0.1:1883', state: 'connected', embedded: true },
      { id: 'province', url: 'mqtt.ioc.example.vn:8883', state: 'reconnecting', embedded: false },
    ],
    series: [
      series('flood.rain', { stale: true, time: null, value: null }),
      series('flood.water-level', { stale: true, time: NOW - 4 * MINUTE - 10_000, value: 3.456 }),
      series('air.aqi', { stale: true, time: NOW - 3 * 60 * MINUTE, value: 152, unit: '' }),
      series('traffic.speed'),
    ],
    messages: { accepted: 12_345, dropped: 7 },
    ...overrides,
  };
}

const layout: LayoutNames = {
  fields: [
    { id: 'flood', name: { vi: 'Phòng chống lụt bão', en: 'Flood control' } },
    { id: 'air', name: { vi: 'Môi trường', en: 'Environment' } },
  ],
  series: [{ id: 'flood.water-level', decimals: 2 }],
};

describe('summariseTelemetry', () => {
  it('lists the stale series only, oldest value first, those without any value last', () => {
    const summary = summariseTelemetry(telemetry(), NOW, layout);
    expect(summary.stale.map((row) => row.id)).toEqual(['air.aqi', 'flood.water-level', 'flood.rain']);
    expect(summary.seriesCount).toBe(4);
    expect(summary.messages).toEqual({ accepted: 12_345, dropped: 7 });
  });

  it('gives each stale series its field name, bilingual name, last value with unit and age, or "no data yet"', () => {
    const [aqi, level, rain] = summariseTelemetry(telemetry(), NOW, layout).stale;
    expect(level).toEqual({
      id: 'flood.water-level',
      field: 'flood',
      fieldName: { vi: 'Phòng chống lụt bão', en: 'Flood control' },
      name: { vi: 'Tên flood.water-level', en: 'Name flood.water-level' },
      value: '3,46 m',
      age: { vi: '4 phút trước', en: '4 min ago' },
    });
    expect(aqi).toMatchObject({ value: '152', age: { vi: '3 giờ trước', en: '3 h ago' } });
    expect(rain).toMatchObject({ value: undefined, age: { vi: 'Chưa có dữ liệu', en: 'No data yet' } });
  });

  it('ages count up with the server clock passed in', () => {
    const later = summariseTelemetry(telemetry(), NOW + 2 * MINUTE, layout).stale.find((row) => row.id === 'flood.water-level');
    expect(later?.age).toEqual({ vi: '6 phút trước', en: '6 min ago' });
  });

  it('shows a field id when the layout (not read yet) does not name it', () => {
    expect(summariseTelemetry(telemetry(), NOW).stale[0]?.fieldName).toEqual({ vi: 'air', en: 'air' });
  });

  it('trusts the server on staleness: an old value the server calls fresh is not listed', () => {
    const state = telemetry({ series: [series('traffic.speed', { time: NOW - 24 * 60 * MINUTE })] });
    expect(summariseTelemetry(state, NOW, layout).stale).toEqual([]);
  });

  it('keeps the server order among series of the same age', () => {
    const state = telemetry({ series: [series('b.two', { stale: true, time: null }), series('a.one', { stale: true, time: null })] });
    expect(summariseTelemetry(state, NOW).stale.map((row) => row.id)).toEqual(['b.two', 'a.one']);
  });

  it('names each broker state in both languages and marks the embedded one', () => {
    expect(summariseTelemetry(telemetry(), NOW).brokers).toEqual([
      { id: 'embedded', url: '127.0.0.1:1883', state: 'connected', stateText: { vi: 'đã kết nối', en: 'connected' }, embedded: true },
      { id: 'province', url: 'mqtt.ioc.example.vn:8883', state: 'reconnecting', stateText: { vi: 'đang kết nối lại', en: 'reconnecting' }, embedded: false },
    ]);
  });
});

describe('telemetry texts', () => {
  it('says all N series are fresh, or that there are none, and counts the stale ones', () => {
    expect(allFreshText(13)).toEqual({ vi: 'Tất cả 13 chuỗi số liệu đều mới', en: 'All 13 series are fresh' });
    expect(allFreshText(0)).toEqual({ vi: 'Bố cục không có chuỗi số liệu nào', en: 'The layout has no series' });
    expect(staleCountText(3)).toEqual({ vi: '3 chuỗi cũ', en: '3 stale' });
  });
});

describe('serverTimeNow', () => {
  it('moves the server time of the state on by the time elapsed on this page since it arrived', () => {
    expect(serverTimeNow(NOW, 5_000, 7_500)).toBe(NOW + 2_500);
    expect(serverTimeNow(NOW, 5_000, 4_000)).toBe(NOW);
  });
});

describe('telemetryStateOf', () => {
  it('accepts a telemetry state as the server sends it', () => {
    const state = telemetry();
    expect(telemetryStateOf(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('refuses other messages and malformed states', () => {
    expect(telemetryStateOf({ type: 'state', scene: { id: 'normal', version: 1, committedAt: 0 }, pending: null })).toBeUndefined();
    expect(telemetryStateOf({ ...telemetry(), at: 'now' })).toBeUndefined();
    expect(telemetryStateOf({ ...telemetry(), brokers: [{ id: 'x', url: 'h:1', state: 'asleep', embedded: false }] })).toBeUndefined();
    expect(telemetryStateOf({ ...telemetry(), series: [{ ...series('a.b'), name: 'a' }] })).toBeUndefined();
    expect(telemetryStateOf({ ...telemetry(), series: [{ ...series('a.b'), value: '2.4' }] })).toBeUndefined();
    expect(telemetryStateOf({ ...telemetry(), messages: undefined })).toBeUndefined();
    expect(telemetryStateOf(null)).toBeUndefined();
  });
});
