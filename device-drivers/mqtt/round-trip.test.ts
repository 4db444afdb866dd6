// The demo publisher's payloads decode back into what was encoded: every demo series of the reference layout, through its subscriptions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSample } from '../../common/telemetry/encode.ts';
import { SubscriptionSchema, type Subscription } from '../../common/telemetry/schema.ts';
import { parseLayout } from '../../common/wall/index.ts';
import { subscriptionDecoder } from './subscriptions.ts';

const REFERENCE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../wall-layouts/ioc-province.yaml');
const layout = parseLayout(readFileSync(REFERENCE, 'utf8')).layout!;
const subscriptions = layout.sources!.telemetry!.subscriptions;
const decode = subscriptionDecoder(subscriptions);
const NOW = Date.UTC(2026, 10, 26, 3, 0);

const encode = (list: readonly Subscription[], series: string, value: number, time: number) =>
  list.reduce<ReturnType<typeof encodeSample>>((found, subscription) => found ?? encodeSample(subscription, series, value, time), undefined);

describe('encoding a value as the message a subscription decodes', () => {
  it('gives every series of the reference layout a message that decodes back to it', () => {
    for (const series of layout.series) {
      const message = encode(subscriptions, series.id, 3.54, NOW - 60_000);
      expect(message, series.id).toBeDefined();
      const result = decode(message!.topic, new TextEncoder().encode(message!.payload), NOW);
      expect(result, `${series.id} via ${message!.topic}`).toEqual({ ok: true, samples: [{ series: series.id, value: 3.54, time: expect.any(Number) }] });
    }
  });

  it('keeps the observation time where the decoder reads one, and round-trips any finite value through scale and offset', () => {
    const scaled = SubscriptionSchema.parse({ topic: 'x/+/level', decoder: { kind: 'json', series: 'pctt.water_level.{1}', path: '$.readings[1].cm', timePath: '$.at', scale: 0.01, offset: -1 } });
    const local = subscriptionDecoder([scaled]);
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: NOW }), (value, time) => {
        const message = encodeSample(scaled, 'pctt.water_level.kim_long', value, time)!;
        expect(message.topic).toBe('x/kim_long/level');
        const result = local(message.topic, new TextEncoder().encode(message.payload), NOW);
        if (!result.ok) throw new Error(result.detail);
        expect(result.samples[0]!.series).toBe('pctt.water_level.kim_long');
        expect(result.samples[0]!.value).toBeCloseTo(value, 6);
        expect(result.samples[0]!.time).toBe(time);
      }),
    );
  });

  it('gives nothing for a series the subscription cannot produce', () => {
    const water = SubscriptionSchema.parse({ topic: 'w/+', decoder: { kind: 'ngsi-ld', attributes: { height: 'pctt.water_level.{id}' } } });
    expect(encodeSample(water, 'pctt.rain_1h.a_luoi', 1, NOW)).toBeUndefined();
    expect(encodeSample(water, 'pctt.water_level.phu_oc', 1, NOW)).toMatchObject({ topic: 'w/phu_oc' });
  });
});
