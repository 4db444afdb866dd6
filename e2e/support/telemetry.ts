// End-to-end helpers for live telemetry (used by e2e specs and the ingest benchmark): layouts wired to a broker, the embedded broker's URL, /api/telemetry and /metrics read back.
import { connectAsync, type MqttClient } from 'mqtt';
import type { TelemetryState, TopicCount } from '../../common/contract/control.ts';
import { DROP_REASONS, type DropReason } from '../../common/telemetry/schema.ts';
import type { Wall } from './wall.ts';

/** Replaces `from` in `text` exactly once, or throws: a layout edit that silently does nothing would test the wrong wall. */
function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const matches = typeof from === 'string' ? text.split(from).length - 1 : [...text.matchAll(new RegExp(from.source, `${from.flags.replace('g', '')}g`))].length;
  if (matches !== 1) throw new Error(`layout edit: expected one ${String(from)}, found ${matches}`);
  return text.replace(from, to);
}

/** A layout edit: the telemetry section names these brokers (the reference layout names none). */
export function withBrokers(brokers: readonly { id: string; url: string; reconnect?: { first: string; maximum: string } }[]): (text: string) => string {
  const list = brokers
    .map(({ id, url, reconnect }) => `{id: ${id}, url: "${url}"${reconnect ? `, reconnect: {first: ${reconnect.first}, maximum: ${reconnect.maximum}}` : ''}}`)
    .join(', ');
  return (text) => replaceOnce(text, /^ {2}telemetry:\n/m, `  telemetry:\n    brokers: [${list}]\n`);
}

/** A layout edit: one series' expected interval (its value turns stale after it times the stale factor). */
export function withExpectedInterval(series: string, interval: string): (text: string) => string {
  return (text) => replaceOnce(text, new RegExp(`(- id: ${series.replaceAll('.', '\\.')}\\n(?: {4}.*\\n)*? {4}expectedInterval: )\\S+`), `$1${interval}`);
}

/** The embedded broker `serve` started, as it printed it on standard error. */
export async function embeddedBrokerUrl(wall: Wall, milliseconds = 10_000): Promise<string> {
  const deadline = Date.now() + milliseconds;
  for (;;) {
    const url = /embedded MQTT broker on (mqtt:\/\/\S+) \(loopback only\)/.exec(wall.log())?.[1];
    if (url) return url;
    if (Date.now() > deadline) throw new Error(`the server printed no embedded broker URL:\n${wall.log().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export const telemetryState = (wall: Wall): Promise<TelemetryState> => getJson(`${wall.url}/api/telemetry`);
export const topicCounts = (wall: Wall): Promise<TopicCount[]> => getJson(`${wall.url}/api/telemetry/topics`);

/** One sample of a Prometheus text exposition: metric name, labels and value. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

export async function metrics(wall: Wall): Promise<MetricSample[]> {
  const response = await fetch(`${wall.url}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics: ${response.status}`);
  return parseMetrics(await response.text());
}

/** `ioc_wall_mqtt_messages_total` as the server exports it: accepted, and dropped by reason. */
export interface MessageCounts {
  readonly accepted: number;
  readonly dropped: Record<DropReason, number>;
}

export function messageCounts(samples: readonly MetricSample[]): MessageCounts {
  const dropped = Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>;
  let accepted = 0;
  for (const { name, labels, value } of samples) {
    if (name !== 'ioc_wall_mqtt_messages_total') continue;
    if (labels['result'] === 'accepted') accepted += value;
    else if (labels['result'] === 'dropped') dropped[labels['reason'] as DropReason] = (dropped[labels['reason'] as DropReason] ?? 0) + value;
  }
  return { accepted, dropped };
}

/** `ioc_wall_mqtt_broker_connected{broker}`: 1 up, 0 down, undefined when the server does not know the broker. */
export function brokerConnected(samples: readonly MetricSample[], broker: string): number | undefined {
  return samples.find((sample) => sample.name === 'ioc_wall_mqtt_broker_connected' && sample.labels['broker'] === broker)?.value;
}

/** An NGSI-LD WaterObserved entity, normalized, as a context broker publishes it (IOC-DOMAIN §4.2). */
export function waterObserved(station: string, height: number, observedAt: number): string {
  return JSON.stringify({
    id: `urn:ngsi-ld:WaterObserved:${station}`,
    type: 'WaterObserved',
    height: { type: 'Property', value: height, observedAt: new Date(observedAt).toISOString(), unitCode: 'MTR' },
    '@context': 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
  });
}

/** A KeyPerformanceIndicator, keyValues, as the layout's tinhmau/kpi/... subscriptions take it. */
export function keyPerformanceIndicator(value: unknown, updatedAt: number | string = Date.now()): string {
  return JSON.stringify({ id: 'urn:ngsi-ld:KeyPerformanceIndicator:test', type: 'KeyPerformanceIndicator', kpiValue: value, updatedAt: typeof updatedAt === 'number' ? new Date(updatedAt).toISOString() : updatedAt });
}

/** An mqtt.js client, connected (mqtt.js reconnects by itself every second after a broker drop). */
export function mqttClient(url: string, clientId = `ioc-wall-test-${process.pid}-${Math.random().toString(16).slice(2, 10)}`): Promise<MqttClient> {
  return connectAsync(url, { clientId, reconnectPeriod: 1_000, connectTimeout: 10_000, protocolVersion: 4 });
}

/** Polls GET /api/telemetry until `condition` holds. */
export async function untilTelemetry(wall: Wall, condition: (state: TelemetryState) => boolean, milliseconds = 60_000): Promise<TelemetryState> {
  const deadline = Date.now() + milliseconds;
  let last: TelemetryState | undefined;
  while (Date.now() < deadline) {
    last = await telemetryState(wall).catch(() => undefined);
    if (last && condition(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`/api/telemetry never reached the state in ${milliseconds} ms; last: ${JSON.stringify(last && { ...last, series: last.series.filter((row) => row.value !== null) })?.slice(0, 3000)}`);
}

/**
 * Waits until the server has made its subscriptions on `broker` for the `count`-th time (one per connect): its log
 * says so once the SUBACK is back, so a message published after it cannot arrive before the subscription.
 */
export async function untilSubscribed(wall: Wall, broker: string, count = 1, milliseconds = 30_000): Promise<void> {
  const deadline = Date.now() + milliseconds;
  for (;;) {
    const made = wall
      .log()
      .split('\n')
      .filter((line) => line.includes('"MQTT subscriptions made"') && line.includes(`"broker":"${broker}"`)).length;
    if (made >= count) return;
    if (Date.now() > deadline) throw new Error(`the server made no subscriptions on ${broker} (${made} of ${count}) in ${milliseconds} ms:\n${wall.log().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
