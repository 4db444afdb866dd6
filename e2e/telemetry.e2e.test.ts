// Live MQTT telemetry end to end: a real mosquitto (killed and restarted) and the embedded aedes broker, through decode, router and bridge, to values on a Chromium screen.
import path from 'node:path';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TopicCount } from '../common/contract/control.ts';
import { DROP_REASONS, type DropReason } from '../common/telemetry/schema.ts';
import { mosquittoPublish, requireMosquitto, startMosquitto } from '../device-drivers/mqtt/mosquitto.ts';
import { browserIt, useBrowser } from './support/browser.ts';
import {
  brokerConnected,
  embeddedBrokerUrl,
  keyPerformanceIndicator,
  messageCounts,
  metrics,
  mqttClient,
  telemetryState,
  topicCounts,
  untilSubscribed,
  untilTelemetry,
  waterObserved,
  withBrokers,
  withExpectedInterval,
} from './support/telemetry.ts';
import { layoutCopy, openScreen, ROOT, screenStatus, startWall, untilStatus, type ScreenStatus } from './support/wall.ts';

const REFERENCE = path.join(ROOT, 'wall-layouts/ioc-province.yaml');
const KIM_LONG = 'pctt.water_level.kim_long';
/** In the normal scene S17 (disaster prevention) draws the Kim Long gauge and the A Lưới soil-moisture tile. */
const SCREEN = 'S17';
const KIM_LONG_TOPIC = 'tinhmau/pctt/water/kim_long';
/** "dữ liệu cũ": the note a panel draws under a stale value. */
const STALE = 'dữ liệu cũ';

const hasMosquitto = requireMosquitto();
/** Needs the Debian mosquitto (or mosquitto_pub) and Chromium. */
const mosquittoBrowserIt = hasMosquitto ? browserIt : it.skip;

/** The texts a screen draws: a value is shown when its formatted number is one of them (Vietnamese: 1,23). */
const shows = (status: ScreenStatus, text: string) => status.texts.includes(text);
const showsStale = (status: ScreenStatus) => status.texts.some((text) => text.includes(STALE));
const seriesRow = (state: Awaited<ReturnType<typeof telemetryState>>, id: string) => state.series.find((row) => row.id === id)!;

async function openAssigned(page: Promise<Page>): Promise<Page> {
  const opened = await page;
  await untilStatus(opened, (status) => status.state === 'assigned' && status.panels.includes('pctt_kim_long_gauge') && status.framesDrawn > 0);
  return opened;
}

describe('live MQTT telemetry', () => {
  const browser = useBrowser();

  mosquittoBrowserIt('a real mosquitto: values from mqtt.js and mosquitto_pub reach the screen; a broker crash turns the series stale, its return makes it fresh', async () => {
    const mosquitto = await startMosquitto();
    const layout = layoutCopy(REFERENCE, (text) =>
      withExpectedInterval(KIM_LONG, '2s')(withBrokers([{ id: 'test', url: mosquitto.url, reconnect: { first: '1s', maximum: '2s' } }])(text)),
    );
    const wall = await startWall({ layout, demo: false });
    let publisher: MqttClient | undefined;
    let ticker: NodeJS.Timeout | undefined;
    try {
      await untilSubscribed(wall, 'test');
      const page = await openAssigned(openScreen(browser(), wall.url, SCREEN));
      // Stale after 2 s x staleFactor 3: as the screens are told.
      expect(seriesRow(await telemetryState(wall), KIM_LONG)).toMatchObject({ value: null, stale: true, staleAfter: 6_000 });

      publisher = await mqttClient(mosquitto.url);
      await publisher.publishAsync(KIM_LONG_TOPIC, waterObserved('KIM_LONG', 1.23, Date.now()), { qos: 1 });
      await untilStatus(page, (status) => shows(status, '1,23'));
      expect(seriesRow(await telemetryState(wall), KIM_LONG)).toMatchObject({ value: 1.23, stale: false });

      await mosquittoPublish(mosquitto.url, KIM_LONG_TOPIC, waterObserved('KIM_LONG', 2.46, Date.now()), 1);
      await untilStatus(page, (status) => shows(status, '2,46') && !shows(status, '1,23'));
      expect(seriesRow(await telemetryState(wall), KIM_LONG)).toMatchObject({ value: 2.46, stale: false });

      // A gauge station reporting every second, from now on, whenever its broker is up.
      let height = 0.87;
      const client = publisher;
      ticker = setInterval(() => {
        if (client.connected) client.publish(KIM_LONG_TOPIC, waterObserved('KIM_LONG', height, Date.now()), { qos: 1 }, () => undefined);
      }, 1_000);
      await untilStatus(page, (status) => shows(status, '0,87') && !showsStale(status));

      // The broker crashes: the wall says the link is down, and the value ages into stale on the screen and in the API.
      await mosquitto.kill();
      const down = await untilTelemetry(wall, (state) => state.brokers.some((broker) => broker.id === 'test' && broker.state !== 'connected'));
      expect(down.brokers).toEqual([expect.objectContaining({ id: 'test', embedded: false, url: mosquitto.url })]);
      expect(brokerConnected(await metrics(wall), 'test')).toBe(0);
      await untilTelemetry(wall, (state) => seriesRow(state, KIM_LONG).stale);
      const stale = await untilStatus(page, showsStale);
      expect(shows(stale, '0,87'), 'the last value stays on screen, marked stale').toBe(true);
      expect(stale.connection).toBe('connected');

      // The broker comes back on the same port: the wall reconnects and subscribes again, and new values make the series fresh.
      height = 3.14;
      await mosquitto.restart();
      await untilTelemetry(wall, (state) => state.brokers.some((broker) => broker.id === 'test' && broker.state === 'connected'));
      await untilSubscribed(wall, 'test', 2);
      expect(brokerConnected(await metrics(wall), 'test')).toBe(1);
      const fresh = await untilTelemetry(wall, (state) => seriesRow(state, KIM_LONG).value === 3.14 && !seriesRow(state, KIM_LONG).stale);
      expect(fresh.messages.dropped).toBe(0);
      const back = await untilStatus(page, (status) => shows(status, '3,14') && !showsStale(status));
      expect(back.panelErrors).toEqual([]);
      clearInterval(ticker);
      await publisher.endAsync();
      publisher = undefined;
      expect(await wall.stop(), 'the server exits cleanly').toBe(0);
    } finally {
      clearInterval(ticker);
      await publisher?.endAsync();
      await wall.stop();
      await mosquitto.stop();
    }
  });

  mosquittoBrowserIt('the embedded broker (a layout naming none): mqtt.js and mosquitto_pub values reach the screen', async () => {
    const wall = await startWall({ layout: layoutCopy(REFERENCE), demo: false });
    let publisher: MqttClient | undefined;
    try {
      const url = await embeddedBrokerUrl(wall);
      expect(new URL(url).hostname).toBe('127.0.0.1');
      await untilSubscribed(wall, 'embedded');
      const state = await telemetryState(wall);
      expect(state.brokers).toEqual([expect.objectContaining({ id: 'embedded', embedded: true, state: 'connected', url })]);
      const page = await openAssigned(openScreen(browser(), wall.url, SCREEN));

      publisher = await mqttClient(url);
      await publisher.publishAsync(KIM_LONG_TOPIC, waterObserved('KIM_LONG', 1.58, Date.now()), { qos: 1 });
      await mosquittoPublish(url, 'tinhmau/kpi/pctt/soil_moisture/a_luoi', keyPerformanceIndicator(73), 1);
      const status = await untilStatus(page, (candidate) => shows(candidate, '1,58') && shows(candidate, '73'));
      expect(status.panelErrors).toEqual([]);
      const after = await telemetryState(wall);
      expect(seriesRow(after, KIM_LONG)).toMatchObject({ value: 1.58, stale: false });
      expect(seriesRow(after, 'pctt.soil_moisture.a_luoi')).toMatchObject({ value: 73, stale: false });
      expect(after.messages).toEqual({ accepted: 2, dropped: 0 });
      expect(await wall.stop(), 'the server exits cleanly').toBe(0);
    } finally {
      await publisher?.endAsync();
      await wall.stop();
    }
  });

  mosquittoBrowserIt('bad payloads are counted by reason and dropped; the wall stays up and the panel keeps its last good value', async () => {
    const wall = await startWall({ layout: layoutCopy(REFERENCE), demo: false });
    let publisher: MqttClient | undefined;
    try {
      const url = await embeddedBrokerUrl(wall);
      await untilSubscribed(wall, 'embedded');
      const page = await openAssigned(openScreen(browser(), wall.url, SCREEN));
      publisher = await mqttClient(url);
      const client = publisher;

      const expected = new Map<string, { accepted: number; dropped: number; reasons: Partial<Record<DropReason, number>> }>();
      const totals = { accepted: 0, dropped: Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number> };
      /** Publishes (QoS 1, acknowledged by the broker) and notes what the wall must count; `undefined`: a topic the wall does not subscribe to. */
      const send = async (topic: string, payload: string | Uint8Array, outcome: 'accepted' | DropReason | undefined, via: 'mqtt.js' | 'mosquitto_pub' = 'mqtt.js') => {
        if (via === 'mqtt.js') await client.publishAsync(topic, typeof payload === 'string' ? payload : Buffer.from(payload), { qos: 1 });
        else await mosquittoPublish(url, topic, payload, 1);
        if (outcome === undefined) return;
        const counts = expected.get(topic) ?? { accepted: 0, dropped: 0, reasons: {} };
        expected.set(topic, counts);
        if (outcome === 'accepted') {
          counts.accepted += 1;
          totals.accepted += 1;
        } else {
          counts.dropped += 1;
          counts.reasons[outcome] = (counts.reasons[outcome] ?? 0) + 1;
          totals.dropped[outcome] += 1;
        }
      };

      const now = Date.now();
      const hourAhead = now + 3_600_000;
      const entity = (height: string) => `{"id":"urn:ngsi-ld:WaterObserved:KIM_LONG","type":"WaterObserved","height":{"type":"Property","value":${height}}}`;
      // The last good value of the gauge, and one of another series.
      await send(KIM_LONG_TOPIC, waterObserved('KIM_LONG', 1.37, now), 'accepted');
      await send('tinhmau/kpi/pctt/soil_moisture/a_luoi', keyPerformanceIndicator(64, now), 'accepted', 'mosquitto_pub');
      await untilStatus(page, (status) => shows(status, '1,37') && shows(status, '64'));

      // Each of these would change the gauge if it got through.
      await send(KIM_LONG_TOPIC, '{"id":"urn:ngsi-ld:WaterObserved:KIM_LONG","height":', 'malformed_json');
      await send(KIM_LONG_TOPIC, 'mực nước 4,2 m', 'malformed_json', 'mosquitto_pub');
      await send('tinhmau/kpi/pctt/risk_level', '{kpiValue: 3}', 'malformed_json');
      await send(KIM_LONG_TOPIC, entity('"4.2"'), 'wrong_type');
      await send(KIM_LONG_TOPIC, entity('null'), 'wrong_type');
      await send(KIM_LONG_TOPIC, '[4.2]', 'wrong_type');
      await send('tinhmau/kpi/pctt/risk_level', keyPerformanceIndicator('high'), 'wrong_type');
      await send('tinhmau/kpi/pctt/risk_level', keyPerformanceIndicator(4, 'yesterday'), 'wrong_type');
      await send('tinhmau/pctt/flood_depth/an_cuu', 'abc', 'wrong_type', 'mosquitto_pub');
      await send('tinhmau/pctt/flood_depth/an_cuu', '0x1f', 'wrong_type');
      await send('tinhmau/pctt/flood_depth/an_cuu', 'NaN', 'non_finite');
      await send('tinhmau/pctt/flood_depth/an_cuu', 'Infinity', 'non_finite', 'mosquitto_pub');
      await send('tinhmau/pctt/flood_depth/an_cuu', '-inf', 'non_finite');
      await send('tinhmau/pctt/flood_depth/an_cuu', '1e999', 'non_finite');
      await send(KIM_LONG_TOPIC, entity('1e999'), 'non_finite');
      await send('tinhmau/kpi/pctt/risk_level', '{"kpiValue":-1e999}', 'non_finite');
      await send(KIM_LONG_TOPIC, JSON.stringify({ ...JSON.parse(waterObserved('KIM_LONG', 4.9, now)), padding: 'x'.repeat(70 * 1024) }), 'too_large');
      await send('tinhmau/pctt/flood_depth/an_cuu', `${' '.repeat(65 * 1024)}12`, 'too_large', 'mosquitto_pub');
      await send(KIM_LONG_TOPIC, waterObserved('KIM_LONG', 4.44, hourAhead), 'future_timestamp');
      await send('tinhmau/kpi/pctt/risk_level', keyPerformanceIndicator(5, hourAhead), 'future_timestamp');
      // Topics the wall subscribes to, mapped to series the layout does not have.
      await send('tinhmau/kpi/pctt/no_such_indicator', keyPerformanceIndicator(1), 'unknown_topic');
      await send('tinhmau/pctt/water/nowhere', waterObserved('NOWHERE', 1.1, now), 'unknown_topic');
      await send('tinhmau/pctt/flood_depth/nowhere', '12', 'unknown_topic', 'mosquitto_pub');
      // Topics no subscription maps: the wall never subscribed to them (demo topics included, outside demo mode), so nothing arrives to count.
      await send('tinhmau/unmapped/kim_long', waterObserved('KIM_LONG', 4.1, now), undefined);
      await send('ioc-wall/demo/pctt/water_level/kim_long', '4.3', undefined, 'mosquitto_pub');
      // Random bytes into a JSON decoder, judged by what any JSON reader would say of them (fixed seed: the same bytes every run).
      const utf8 = new TextDecoder('utf-8', { fatal: true });
      for (const bytes of fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), { numRuns: 8, seed: 20_261_126 })) {
        let outcome: 'accepted' | DropReason;
        try {
          const parsed: unknown = JSON.parse(utf8.decode(bytes));
          const value = typeof parsed === 'object' && parsed !== null ? (parsed as { kpiValue?: unknown }).kpiValue : undefined;
          outcome = typeof value !== 'number' ? 'wrong_type' : Number.isFinite(value) ? 'accepted' : 'non_finite';
        } catch {
          outcome = 'malformed_json';
        }
        await send('tinhmau/kpi/pctt/risk_level', bytes, outcome, 'mosquitto_pub');
      }

      // Every counted message arrives (QoS 1), then a good one after them all: nothing more was counted on the way.
      const countsOf = async () => messageCounts(await metrics(wall));
      await expect.poll(countsOf, { timeout: 30_000, interval: 200 }).toEqual(totals);
      await send('tinhmau/kpi/pctt/soil_moisture/a_luoi', keyPerformanceIndicator(65), 'accepted');
      await expect.poll(countsOf, { timeout: 30_000, interval: 200 }).toEqual(totals);
      for (const reason of DROP_REASONS) expect(totals.dropped[reason], `some ${reason} sent`).toBeGreaterThan(0);

      const state = await telemetryState(wall);
      expect(state.messages).toEqual({ accepted: totals.accepted, dropped: Object.values(totals.dropped).reduce((sum, count) => sum + count, 0) });
      const byTopic = (rows: readonly Omit<TopicCount, 'lastAt'>[]) =>
        Object.fromEntries(rows.map(({ topic, accepted, dropped, reasons }) => [topic, { accepted, dropped, reasons }]));
      expect(byTopic(await topicCounts(wall))).toEqual(byTopic([...expected].map(([topic, counts]) => ({ topic, ...counts }))));

      // The wall is up and the gauge still shows the last good value, not stale.
      expect(seriesRow(state, KIM_LONG)).toMatchObject({ value: 1.37 });
      const health = await fetch(`${wall.url}/healthz`);
      expect(health.status).toBe(200);
      const status = await untilStatus(page, (candidate) => shows(candidate, '65'));
      expect(shows(status, '1,37')).toBe(true);
      for (const wrong of ['4,20', '4,90', '4,44', '4,10', '4,30']) expect(shows(status, wrong), `${wrong} never shown`).toBe(false);
      expect(status.panelErrors).toEqual([]);
      expect((await screenStatus(page)).connection).toBe('connected');
      expect(await wall.stop(), 'the server exits cleanly').toBe(0);
    } finally {
      await publisher?.endAsync();
      await wall.stop();
    }
  });

  it('demo mode: every series of the reference wall travels through the embedded broker', async () => {
    const wall = await startWall({ layout: layoutCopy(REFERENCE), demo: true });
    try {
      const state = await untilTelemetry(wall, (candidate) => candidate.series.length > 0 && candidate.series.every((row) => row.value !== null), 60_000);
      expect(state.series).toHaveLength(90);
      expect(state.brokers).toEqual([expect.objectContaining({ id: 'embedded', embedded: true, state: 'connected' })]);
      expect(state.messages.dropped, 'the demo publisher writes only payloads its own subscriptions decode').toBe(0);
      const counts = messageCounts(await metrics(wall));
      expect(counts.accepted).toBeGreaterThanOrEqual(90);
      expect(Object.values(counts.dropped).every((count) => count === 0)).toBe(true);
      expect(brokerConnected(await metrics(wall), 'embedded')).toBe(1);
      expect(await wall.stop(), 'the server exits cleanly').toBe(0);
    } finally {
      await wall.stop();
    }
  });
});
