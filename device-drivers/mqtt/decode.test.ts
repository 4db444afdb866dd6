// MQTT payload decoders on real IOC payloads, every drop reason, series templates, and never-throw properties over hostile bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder, DecoderSchema, DROP_REASONS, seriesWord, type DecodeContext, type DecodeResult, type DecoderConfig } from './decode.ts';

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const json = (value: unknown) => bytes(JSON.stringify(value));
const at = (iso: string) => Date.parse(iso);

const RECEIVED = at('2025-11-02T23:00:05Z');
const context = (topic: string, captures: string[] = [], receivedAt = RECEIVED): DecodeContext => ({ topic, captures, receivedAt });

/** IOC-DOMAIN §4.3(a): Kim Long on the Hương river crossing BĐ3, normalized NGSI-LD. */
const KIM_LONG_NORMALIZED = {
  id: 'urn:ngsi-ld:WaterObserved:HUE-KIMLONG',
  type: 'WaterObserved',
  name: { type: 'Property', value: 'Sông Hương tại Kim Long' },
  height: { type: 'Property', value: 3.54, unitCode: 'MTR', observedAt: '2025-11-02T23:00:00Z' },
  vnAlarmLevels: { type: 'Property', value: { bd1: 1.0, bd2: 2.0, bd3: 3.5 }, unitCode: 'MTR' },
  vnAlarmState: { type: 'Property', value: 'BD3', observedAt: '2025-11-02T23:00:00Z' },
  location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [107.55, 16.46] } },
  '@context': [
    'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
    'https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld',
  ],
};

/** IOC-DOMAIN §4.3(b): on-time rate of administrative dossiers, keyValues. */
const ONTIME_RATE_KEY_VALUES = {
  id: 'urn:ngsi-ld:KeyPerformanceIndicator:tinhmau:dvc:ontime_rate:2026-05-14',
  type: 'KeyPerformanceIndicator',
  name: 'Tỷ lệ hồ sơ giải quyết đúng hạn',
  calculationFrequency: 'daily',
  calculationPeriod: { from: '2026-01-01', to: '2026-05-14' },
  kpiValue: 98.7,
  currentStanding: 'good',
  vnFieldId: 'dvc',
  vnKpiId: 'ontime_rate',
  vnUnit: '%',
  vnThresholds: { warn: 98, crit: 95, direction: 'below' },
  updatedAt: '2026-05-14T09:55:00Z',
};

function samplesOf(result: DecodeResult) {
  if (!result.ok) throw new Error(`expected samples, got ${result.reason}: ${result.detail}`);
  return result.samples;
}

describe('number decoder', () => {
  const decode = createDecoder({ kind: 'number', series: 'pctt.water_level.{1}' });

  it('reads a plain number, trimmed, into the series named by the captured station at arrival time', () => {
    expect(decode(bytes(' 3.54\r\n'), context('ioc/pctt/water_level/kim_long', ['kim_long']))).toEqual({
      ok: true,
      samples: [{ series: 'pctt.water_level.kim_long', value: 3.54, time: RECEIVED }],
    });
    expect(samplesOf(decode(bytes('-1.5e2'), context('t', ['x'])))[0]!.value).toBe(-150);
  });

  it('refuses text that Number() would take but no sensor means', () => {
    for (const text of ['', ' ', '0x1f', '3,54', '3.54 m', 'true']) {
      expect(decode(bytes(text), context('t', ['x']))).toMatchObject({ ok: false, reason: 'wrong_type' });
    }
  });

  it('turns water level in centimetres into metres with scale, and applies offset after it', () => {
    const centimetres = createDecoder({ kind: 'number', series: 'pctt.water_level.{1}', scale: 0.01, offset: -0.5 });
    expect(samplesOf(centimetres(bytes('354'), context('t', ['kim_long'])))[0]!.value).toBeCloseTo(3.04, 10);
  });
});

describe('json decoder', () => {
  it('reads a gateway payload with a path into an array and an ISO time', () => {
    const decode = createDecoder({ kind: 'json', series: 'pctt.water_level.{1}', path: '$.readings[0].value', timePath: "$['ts']" });
    const payload = json({ station: 'KIMLONG', ts: '2025-11-03T06:00:00+07:00', readings: [{ value: 3.54, unit: 'm' }] });
    expect(samplesOf(decode(payload, context('gw/01/kim_long', ['kim_long'])))).toEqual([
      { series: 'pctt.water_level.kim_long', value: 3.54, time: at('2025-11-02T23:00:00Z') },
    ]);
  });

  it('tells epoch seconds from milliseconds, and uses arrival time when the time is absent', () => {
    const decode = createDecoder({ kind: 'json', series: 'moitruong.aqi.hue', path: '$.data.aqi', timePath: '$.data.t' });
    const seconds = at('2025-11-02T23:00:00Z') / 1000;
    expect(samplesOf(decode(json({ data: { aqi: 61, t: seconds } }), context('t')))[0]!.time).toBe(seconds * 1000);
    expect(samplesOf(decode(json({ data: { aqi: 61, t: seconds * 1000 } }), context('t')))[0]!.time).toBe(seconds * 1000);
    expect(samplesOf(decode(json({ data: { aqi: 61 } }), context('t')))[0]!.time).toBe(RECEIVED);
  });

  it('drops a payload without the value, and does not walk into inherited members', () => {
    const decode = createDecoder({ kind: 'json', series: 'moitruong.aqi.hue', path: '$.constructor' });
    expect(decode(json({ aqi: 61 }), context('t'))).toMatchObject({ ok: false, reason: 'wrong_type' });
  });
});

describe('json-multi decoder', () => {
  it('reads several series from one weather-station object and skips readings it does not carry', () => {
    const decode = createDecoder({
      kind: 'json-multi',
      paths: { '$.rain_24h': 'pctt.rain_24h.{1}', '$.wind.speed': 'pctt.wind_speed.{1}', '$.humidity': 'pctt.humidity.{1}' },
      timePath: '$.time',
    });
    const payload = json({ time: '2025-11-02T23:00:00Z', rain_24h: 412.6, wind: { speed: 14.2 } });
    expect(samplesOf(decode(payload, context('ioc/pctt/weather/A-Lưới', ['A-Lưới'])))).toEqual([
      { series: 'pctt.rain_24h.a_luoi', value: 412.6, time: at('2025-11-02T23:00:00Z') },
      { series: 'pctt.wind_speed.a_luoi', value: 14.2, time: at('2025-11-02T23:00:00Z') },
    ]);
    expect(decode(json({ time: '2025-11-02T23:00:00Z' }), context('t', ['a']))).toMatchObject({ ok: false, reason: 'wrong_type' });
  });
});

describe('ngsi-ld decoder', () => {
  it('decodes the Kim Long normalized entity with the attribute observedAt and {id}', () => {
    const decode = createDecoder({ kind: 'ngsi-ld', attributes: { height: 'pctt.water_level.{id}' } });
    expect(samplesOf(decode(json(KIM_LONG_NORMALIZED), context('ioc/ngsi-ld/WaterObserved')))).toEqual([
      { series: 'pctt.water_level.hue_kimlong', value: 3.54, time: at('2025-11-02T23:00:00Z') },
    ]);
  });

  it('decodes the on-time-rate KPI in keyValues with updatedAt as its time', () => {
    const decode = createDecoder({ kind: 'ngsi-ld', attributes: { kpiValue: 'dvc.ontime_rate' } });
    const received = at('2026-05-14T10:00:00Z');
    expect(samplesOf(decode(json(ONTIME_RATE_KEY_VALUES), context('ioc/kpi/dvc', [], received)))).toEqual([
      { series: 'dvc.ontime_rate', value: 98.7, time: at('2026-05-14T09:55:00Z') },
    ]);
  });

  it('reads a normalized dateObserved typed literal, and every entity of an Orion-LD notification', () => {
    const decode = createDecoder({ kind: 'ngsi-ld', attributes: { airQualityIndex: 'moitruong.aqi.{id}' } });
    const station = (id: string, index: number) => ({
      id: `urn:ngsi-ld:AirQualityObserved:${id}`,
      type: 'AirQualityObserved',
      airQualityIndex: { type: 'Property', value: index },
      dateObserved: { type: 'Property', value: { '@type': 'DateTime', '@value': '2025-11-02T22:00:00Z' } },
    });
    const notification = { id: 'urn:ngsi-ld:Notification:1', type: 'Notification', data: [station('Huế-01', 61), station('PhuBai', 48)] };
    expect(samplesOf(decode(json(notification), context('t')))).toEqual([
      { series: 'moitruong.aqi.hue_01', value: 61, time: at('2025-11-02T22:00:00Z') },
      { series: 'moitruong.aqi.phubai', value: 48, time: at('2025-11-02T22:00:00Z') },
    ]);
  });

  it('drops an entity whose mapped attribute is not a number, or that carries none of them', () => {
    const decode = createDecoder({ kind: 'ngsi-ld', attributes: { vnAlarmState: 'pctt.alarm.{id}' } });
    expect(decode(json(KIM_LONG_NORMALIZED), context('t'))).toMatchObject({ ok: false, reason: 'wrong_type' });
    const missing = createDecoder({ kind: 'ngsi-ld', attributes: { flow: 'pctt.flow.{id}' } });
    expect(missing(json(KIM_LONG_NORMALIZED), context('t'))).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(missing(json([KIM_LONG_NORMALIZED]), context('t'))).toMatchObject({ ok: false, reason: 'wrong_type' });
  });
});

describe('series templates', () => {
  it('fills {1}, {2} from topic captures and {id} from the entity id, as series words', () => {
    const decode = createDecoder({ kind: 'ngsi-ld', attributes: { height: '{1}.water_level.{id}' } });
    expect(samplesOf(decode(json(KIM_LONG_NORMALIZED), context('ioc/PCTT/x', ['PCTT'])))[0]!.series).toBe('pctt.water_level.hue_kimlong');
    expect(seriesWord('Sông Hương-Đập Đá')).toBe('song_huong_dap_da');
  });

  it('drops as unknown_topic when the topic lacks a capture or gives an empty level', () => {
    const decode = createDecoder({ kind: 'number', series: 'pctt.water_level.{2}' });
    expect(decode(bytes('1'), context('ioc/a', ['a']))).toMatchObject({ ok: false, reason: 'unknown_topic' });
    const single = createDecoder({ kind: 'number', series: 'pctt.water_level.{1}' });
    expect(single(bytes('1'), context('ioc/pctt/water_level/', ['']))).toMatchObject({ ok: false, reason: 'unknown_topic' });
  });
});

describe('drop reasons', () => {
  const number = createDecoder({ kind: 'number', series: 'pctt.water_level.kim_long', maximumPayloadBytes: 16 });
  const gateway = createDecoder({ kind: 'json', series: 'pctt.water_level.kim_long', path: '$.level', timePath: '$.time' });

  it('exports exactly the six reasons', () => {
    expect([...DROP_REASONS]).toEqual(['malformed_json', 'wrong_type', 'non_finite', 'too_large', 'unknown_topic', 'future_timestamp']);
  });

  it.each<[string, () => DecodeResult, string]>([
    ['malformed_json: broken JSON', () => gateway(bytes('{"level": 3.5'), context('t')), 'malformed_json'],
    ['malformed_json: Python False as in the TrafficFlowObserved example', () => gateway(bytes('{"level": False}'), context('t')), 'malformed_json'],
    ['malformed_json: invalid UTF-8', () => gateway(new Uint8Array([0x7b, 0xff, 0x7d]), context('t')), 'malformed_json'],
    ['wrong_type: a string value', () => gateway(json({ level: '3.54' }), context('t')), 'wrong_type'],
    ['wrong_type: an unreadable time', () => gateway(json({ level: 3.5, time: '03/11/2025 06:00' }), context('t')), 'wrong_type'],
    ['wrong_type: a time of day without zone', () => gateway(json({ level: 3.5, time: '2025-11-02T23:00:00' }), context('t')), 'wrong_type'],
    ['non_finite: 1e999', () => gateway(bytes('{"level": 1e999}'), context('t')), 'non_finite'],
    ['non_finite: "Infinity" as text', () => number(bytes('Infinity'), context('t')), 'non_finite'],
    ['non_finite: NaN as text', () => number(bytes(' NaN '), context('t')), 'non_finite'],
    ['too_large: over the configured limit', () => number(bytes('1'.repeat(17)), context('t')), 'too_large'],
    ['unknown_topic: missing capture', () => createDecoder({ kind: 'number', series: 'a.b.{1}' })(bytes('1'), context('t')), 'unknown_topic'],
    ['future_timestamp: six minutes ahead', () => gateway(json({ level: 3.5, time: RECEIVED / 1000 + 360 }), context('t')), 'future_timestamp'],
  ])('%s', (_name, run, reason) => {
    const result = run();
    expect(result).toMatchObject({ ok: false, reason });
    expect(result.ok ? '' : result.detail).not.toBe('');
  });

  it('checks the size limit before reading, with a 64 KiB default', () => {
    const decode = createDecoder({ kind: 'json', series: 'a.b', path: '$' });
    expect(decode(new Uint8Array(64 * 1024 + 1).fill(0xff), context('t'))).toMatchObject({ ok: false, reason: 'too_large' });
    expect(decode(bytes(' '.repeat(64 * 1024 - 1) + '1'), context('t'))).toMatchObject({ ok: true });
  });

  it('tolerates clock skew up to the configured tolerance', () => {
    const lenient = createDecoder({ kind: 'json', series: 'a.b', path: '$.v', timePath: '$.t', futureTolerance: '10m' });
    expect(lenient(json({ v: 1, t: RECEIVED + 9 * 60_000 }), context('t'))).toMatchObject({ ok: true });
    expect(gateway(json({ level: 1, time: RECEIVED + 4 * 60_000 }), context('t'))).toMatchObject({ ok: true });
  });

  it('reports overflow from scaling as non_finite', () => {
    const decode = createDecoder({ kind: 'number', series: 'a.b', scale: 1e300 });
    expect(decode(bytes('1e300'), context('t'))).toMatchObject({ ok: false, reason: 'non_finite' });
  });
});

describe('decoder configuration', () => {
  it.each<[string, unknown, RegExp]>([
    ['a recursive JSONPath', { kind: 'json', series: 'a.b', path: '$..level' }, /not supported at character 2/],
    ['a wildcard JSONPath', { kind: 'json', series: 'a.b', path: '$.readings[*].value' }, /not supported/],
    ['a path without $', { kind: 'json', series: 'a.b', path: 'data.level' }, /must start with '\$'/],
    ['a bad json-multi path', { kind: 'json-multi', paths: { '$.a[-1]': 'a.b' } }, /not supported/],
    ['a series that is not a series id', { kind: 'number', series: 'Water Level' }, /field\.indicator/],
    ['{id} outside ngsi-ld', { kind: 'number', series: 'a.b.{id}' }, /only known to the ngsi-ld decoder/],
    ['an unknown kind', { kind: 'xml', series: 'a.b' }, /kind/],
    ['an unknown option', { kind: 'number', series: 'a.b', scal: 2 }, /scal/],
    ['a bad tolerance', { kind: 'number', series: 'a.b', futureTolerance: '5 minutes' }, /duration/],
  ])('rejects %s with a clear error', (_name, config, message) => {
    expect(() => createDecoder(config as DecoderConfig)).toThrow(message);
  });

  it('is a zod schema the layout can embed and export as JSON Schema', () => {
    expect(DecoderSchema.safeParse({ kind: 'ngsi-ld', attributes: { height: 'pctt.water_level.{id}' } }).success).toBe(true);
  });
});

const ALL_KINDS: DecoderConfig[] = [
  { kind: 'number', series: 'a.b.{1}', scale: 2 },
  { kind: 'json', series: 'a.b.{1}', path: '$.v', timePath: '$.t' },
  { kind: 'json', series: 'a.b', path: '$' },
  { kind: 'json', series: 'a.b', path: '$[0]', timePath: '$[1]' },
  { kind: 'json-multi', paths: { '$.v': 'a.v', "$['w'][0]": 'a.w.{1}', '$': 'a.root' }, timePath: '$.t' },
  { kind: 'ngsi-ld', attributes: { v: 'a.v.{id}', kpiValue: 'a.kpi', height: 'a.h.{1}' } },
];
const decoders = ALL_KINDS.map((config) => createDecoder(config));

function expectWellFormed(result: DecodeResult): void {
  if (result.ok) {
    expect(result.samples.length).toBeGreaterThan(0);
    for (const sample of result.samples) {
      expect(Number.isFinite(sample.value)).toBe(true);
      expect(Number.isFinite(sample.time)).toBe(true);
      expect(sample.series).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+){1,2}$/);
    }
  } else {
    expect(DROP_REASONS).toContain(result.reason);
    expect(typeof result.detail).toBe('string');
  }
}

const captures = fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 });
const receivedAt = fc.integer({ min: 0, max: 4_102_444_800_000 });

describe('decoder properties', () => {
  it('never throw on arbitrary bytes, and answer with finite samples or one of the six reasons', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), captures, receivedAt, (payload, levels, time) => {
        for (const decode of decoders) expectWellFormed(decode(payload, context('t', levels, time)));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throw on arbitrary JSON, wrapped as values, entities and notifications', () => {
    const shaped = fc.oneof(
      fc.jsonValue(),
      fc.record({ v: fc.jsonValue(), t: fc.jsonValue() }),
      // Mostly-valid numbers and times, so the success path and the time checks are exercised as much as the drops.
      fc.record({
        id: fc.string(),
        v: fc.oneof(fc.double(), fc.integer()),
        t: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.date({ noInvalidDate: true, min: new Date(0) }).map((date) => date.toISOString())),
      }),
      fc.record({ id: fc.jsonValue(), v: fc.jsonValue(), kpiValue: fc.jsonValue(), dateObserved: fc.jsonValue() }),
      fc.record({ id: fc.string(), height: fc.record({ type: fc.constant('Property'), value: fc.jsonValue(), observedAt: fc.jsonValue() }) }),
      fc.record({ type: fc.constant('Notification'), data: fc.array(fc.jsonValue(), { maxLength: 3 }) }),
    );
    fc.assert(
      fc.property(shaped, captures, receivedAt, (value, levels, time) => {
        const payload = json(value);
        for (const decode of decoders) expectWellFormed(decode(payload, context('t', levels, time)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('ngsi-ld time precedence', () => {
  it("uses an attribute's observedAt over the entity time, and falls back to arrival time without either", () => {
    const decode = createDecoder({ kind: 'ngsi-ld', attributes: { height: 'pctt.water_level.{id}' } });
    const entity = { ...KIM_LONG_NORMALIZED, dateObserved: 'not a time' };
    expect(samplesOf(decode(json(entity), context('t')))[0]!.time).toBe(at('2025-11-02T23:00:00Z'));
    const bare = { id: 'urn:ngsi-ld:WaterObserved:HUE-KIMLONG', type: 'WaterObserved', height: 3.54 };
    expect(samplesOf(decode(json(bare), context('t')))[0]!.time).toBe(RECEIVED);
    expect(decode(json({ ...bare, dateObserved: 'not a time' }), context('t'))).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(decode(json({ ...bare, dateObserved: '2025-11-02T23:00:00Z' }), context('t', [], at('2025-11-02T22:50:00Z')))).toMatchObject({
      ok: false,
      reason: 'future_timestamp',
    });
  });
});
