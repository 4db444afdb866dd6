// npm run bench -- ingest: sustained MQTT ingest through the whole pipeline (broker -> decode -> coalesce -> bridge) against a bare mqtt.js subscriber, and broker-to-screen latency.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectAsync, type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { connectWallBridge, type WallBridge } from '../common/contract/bridge.ts';
import { webSocketTransport, type WebSocketLike } from '../common/contract/transport.ts';
import { startMosquitto } from '../device-drivers/mqtt/mosquitto.ts';
import { nodeScheduler } from '../main/services/node-scheduler.ts';
import { embeddedBrokerUrl, keyPerformanceIndicator, messageCounts, metrics, untilSubscribed, waterObserved, withBrokers } from '../e2e/support/telemetry.ts';
import { layoutCopy, ROOT, startWall, type Wall } from '../e2e/support/wall.ts';

export interface Figure {
  readonly name: string;
  readonly value: string;
  readonly baseline: string;
  readonly ratio: string;
}

const REFERENCE = path.join(ROOT, 'wall-layouts/ioc-province.yaml');
/** S17 (disaster prevention) shows these in the normal scene: the bridge client follows them as that screen would. */
const SCREEN = 'S17';
const LOAD_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 10);
/** Offered loads, messages per second across the series below. */
const OFFERED_RATES = (process.env.BENCH_INGEST_RATES ?? '1000,5000,20000,1000000').split(',').map(Number);
/** Asking this much means: as fast as the publisher can write. */
const FLAT_OUT = 1_000_000;
const LATENCY_RATE = 50;
const LATENCY_SECONDS = 10;

/** One message of a series as its station publishes it: two NGSI-LD river gauges and two KPI indicators. */
const SOURCES: readonly { topic: string; series: string; payload: (value: number, time: number) => string }[] = [
  { topic: 'tinhmau/pctt/water/kim_long', series: 'pctt.water_level.kim_long', payload: (value, time) => waterObserved('KIM_LONG', value, time) },
  { topic: 'tinhmau/pctt/water/phu_oc', series: 'pctt.water_level.phu_oc', payload: (value, time) => waterObserved('PHU_OC', value, time) },
  { topic: 'tinhmau/kpi/pctt/risk_level', series: 'pctt.risk_level', payload: (value, time) => keyPerformanceIndicator(Math.round(value), time) },
  { topic: 'tinhmau/kpi/pctt/soil_moisture/a_luoi', series: 'pctt.soil_moisture.a_luoi', payload: (value, time) => keyPerformanceIndicator(value * 20, time) },
];
/** What the bare subscriber asks for: the same filters the layout's subscriptions use for these topics. */
const FILTERS = ['tinhmau/pctt/water/+', 'tinhmau/kpi/+/+', 'tinhmau/kpi/+/+/+'];

/** Epoch milliseconds with sub-millisecond resolution (payload times are whole milliseconds). */
const preciseNow = () => performance.timeOrigin + performance.now();
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const percentile = (values: readonly number[], share: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(share * values.length))] ?? Number.NaN;
const round = (value: number, digits = 1) => value.toFixed(digits);

/** A display client speaking the bridge contract over WebSocket, as a screen page would, recording when each value arrives. */
async function screenClient(wall: Wall): Promise<{ bridge: WallBridge; arrivals: Map<string, { time: number; arrivedAt: number }[]>; messages: () => number }> {
  const arrivals = new Map<string, { time: number; arrivedAt: number }[]>();
  let messages = 0;
  const bridge = connectWallBridge({
    transport: webSocketTransport(`${wall.url.replace(/^http/, 'ws')}/bridge`, (url) => new WebSocket(url) as unknown as WebSocketLike),
    screens: [SCREEN],
    client: 'screen',
    scheduler: nodeScheduler,
  });
  bridge.onDidUpdateValues((message) => {
    const arrivedAt = preciseNow();
    messages += 1;
    for (const [series, value] of Object.entries(message.values)) {
      const list = arrivals.get(series) ?? [];
      list.push({ time: value.time, arrivedAt });
      arrivals.set(series, list);
    }
  });
  const deadline = Date.now() + 30_000;
  while (!bridge.assignment) {
    if (Date.now() > deadline) throw new Error(`the bridge client got no assignment for ${SCREEN}`);
    await sleep(50);
  }
  return { bridge, arrivals, messages: () => messages };
}

/** A plain mqtt.js subscriber on the same broker: what a client that only counts can take; once `timeLatencies` is called it also notes each river gauge reading's publish-to-arrival time. */
async function bareSubscriber(url: string): Promise<{ client: MqttClient; count: () => number; timeLatencies: (published: ReadonlyMap<number, number>) => number[] }> {
  const client = await connectAsync(url, { clientId: `ioc-wall-bench-bare-${process.pid}`, protocolVersion: 4, reconnectPeriod: 0 });
  let count = 0;
  let latency: { published: ReadonlyMap<number, number>; samples: number[] } | undefined;
  client.on('message', (topic, payload) => {
    count += 1;
    if (!latency || topic !== SOURCES[0]!.topic) return;
    const arrivedAt = preciseNow();
    const observedAt = (JSON.parse(payload.toString()) as { height?: { observedAt?: string } }).height?.observedAt;
    const sentAt = observedAt === undefined ? undefined : latency.published.get(Date.parse(observedAt));
    if (sentAt !== undefined) latency.samples.push(arrivedAt - sentAt);
  });
  await client.subscribeAsync(Object.fromEntries(FILTERS.map((filter) => [filter, { qos: 0 as const }])));
  return {
    client,
    count: () => count,
    timeLatencies: (published) => (latency = { published, samples: [] }).samples,
  };
}

const acceptedOf = async (wall: Wall) => messageCounts(await metrics(wall)).accepted;

/** Where the publisher runs: this same file, in a process of its own (`--publisher <json>`), so that it competes for the cores as a separate station would. */
const PUBLISHER_FLAG = '--publisher';
/** The publisher stops handing mqtt.js more while this much waits unsent in its socket: offered means written, not queued in memory. */
const PUBLISHER_BUFFER_BYTES = 1 << 20;

/** The publisher process: connects, says `ready`, waits for a line on stdin, offers `rate`/s round-robin over the sources for `seconds` (paced against the clock, QoS 0), then prints what it sent. */
async function runPublisher({ url, rate, seconds }: { url: string; rate: number; seconds: number }): Promise<void> {
  const client = await connectAsync(url, { clientId: `ioc-wall-bench-publisher-${process.pid}`, protocolVersion: 4, reconnectPeriod: 0 });
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const started = performance.now();
  let sent = 0;
  let value = 1;
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= seconds * 1000) break;
    const due = Math.floor((elapsed * rate) / 1000);
    // One payload per source per pass (its time is this millisecond): the publisher's own JSON work stays small, the wall still decodes every message.
    const now = Date.now();
    value = Math.max(0.3, Math.min(4.5, value + (Math.random() - 0.5) * 0.02));
    const payloads = SOURCES.map((source) => source.payload(Number(value.toFixed(2)), now));
    while (sent < due && client.stream.writableLength < PUBLISHER_BUFFER_BYTES) {
      client.publish(SOURCES[sent % SOURCES.length]!.topic, payloads[sent % SOURCES.length]!, { qos: 0 });
      sent += 1;
    }
    await sleep(1);
  }
  await client.endAsync();
  process.stdout.write(`${JSON.stringify({ sent, seconds: (performance.now() - started) / 1000 })}\n`);
}

/** Runs one load from a publisher process; calls `onStart` right before it starts and `onEnd` as soon as it is done. */
async function offer(url: string, rate: number, seconds: number, onStart: () => Promise<void>, onEnd: () => Promise<void>): Promise<{ sent: number; seconds: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), PUBLISHER_FLAG, JSON.stringify({ url, rate, seconds })], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('the publisher process ended early');
    return line.value;
  };
  if ((await next()) !== 'ready') throw new Error('the publisher did not connect');
  await onStart();
  child.stdin.write('go\n');
  const result = JSON.parse(await next()) as { sent: number; seconds: number };
  await onEnd();
  child.stdin.end();
  return result;
}

/** Waits until neither count has moved for a second (the backlog drained), at most 60 s. */
async function drained(wall: Wall, bare: () => number): Promise<{ pipeline: number; bare: number }> {
  let last = { pipeline: -1, bare: -1 };
  let stableSince = Date.now();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const current = { pipeline: await acceptedOf(wall), bare: bare() };
    if (current.pipeline !== last.pipeline || current.bare !== last.bare) stableSince = Date.now();
    last = current;
    if (Date.now() - stableSince >= 1_000 || Date.now() > deadline) return current;
    await sleep(250);
  }
}

async function throughput(label: string, wall: Wall, brokerUrl: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  const screen = await screenClient(wall);
  const bare = await bareSubscriber(brokerUrl);
  const publisher = await connectAsync(brokerUrl, { clientId: `ioc-wall-bench-latency-${process.pid}`, protocolVersion: 4, reconnectPeriod: 0 });
  try {
    for (const rate of OFFERED_RATES) {
      let pipelineBefore = 0;
      let bareBefore = 0;
      let pipelineAtEnd = 0;
      let bareAtEnd = 0;
      let started = 0;
      let seconds = 0;
      let updatesBefore = 0;
      let updates = 0;
      const { sent, seconds: publishing } = await offer(
        brokerUrl,
        rate,
        LOAD_SECONDS,
        async () => {
          pipelineBefore = await acceptedOf(wall);
          bareBefore = bare.count();
          updatesBefore = screen.messages();
          started = performance.now();
        },
        async () => {
          bareAtEnd = bare.count();
          updates = screen.messages() - updatesBefore;
          pipelineAtEnd = await acceptedOf(wall);
          seconds = (performance.now() - started) / 1000;
        },
      );
      const after = await drained(wall, bare.count);
      const offered = sent / publishing;
      const pipelineRate = (pipelineAtEnd - pipelineBefore) / seconds;
      const bareRate = (bareAtEnd - bareBefore) / seconds;
      const delivered = (count: number) => `${round((100 * count) / sent, 1)} %`;
      console.log(
        `  ${label}, offered ${round(offered, 0)}/s: pipeline ${round(pipelineRate, 0)}/s (${delivered(after.pipeline - pipelineBefore)} after drain), bare ${round(bareRate, 0)}/s (${delivered(after.bare - bareBefore)} after drain), screen updates ${round(updates / seconds, 0)}/s`,
      );
      figures.push({
        name:
          `ingest ${label}, ${rate >= FLAT_OUT ? 'publisher flat out' : `${rate} msg/s asked`}, ${round(offered, 0)} msg/s offered for ${LOAD_SECONDS} s: accepted by the wall during the load ` +
          `(received after drain: pipeline ${delivered(after.pipeline - pipelineBefore)}, bare ${delivered(after.bare - bareBefore)}; updates to the screen client ${round(updates / seconds, 0)}/s, coalesced)`,
        value: `${round(pipelineRate, 0)} msg/s`,
        baseline: `${round(bareRate, 0)} msg/s bare mqtt.js subscriber`,
        ratio: round(pipelineRate / bareRate, 2),
      });
      await sleep(1_000);
    }
    // Broker to screen: one value every 20 ms, stamped with its publish time; the bridge client notes when each reaches it.
    const source = SOURCES[0]!;
    screen.arrivals.clear();
    // The payload carries whole milliseconds; each message gets its own, and its exact publish moment is kept here (same clock as arrivals).
    const published = new Map<number, number>();
    const bareSamples = bare.timeLatencies(published);
    const started = performance.now();
    let index = 0;
    let lastTime = 0;
    while (performance.now() - started < LATENCY_SECONDS * 1000) {
      const due = Math.floor(((performance.now() - started) * LATENCY_RATE) / 1000);
      while (index < due) {
        const time = Math.max(Date.now(), lastTime + 1);
        lastTime = time;
        published.set(time, preciseNow());
        publisher.publish(source.topic, source.payload(1 + (index % 300) / 100, time), { qos: 0 });
        index += 1;
      }
      await sleep(2);
    }
    await sleep(2_000);
    const latencies = (screen.arrivals.get(source.series) ?? []).flatMap(({ time, arrivedAt }) => {
      const sentAt = published.get(time);
      return sentAt === undefined ? [] : [arrivedAt - sentAt];
    });
    console.log(`  ${label}, latency: ${latencies.length} of ${published.size} values reached the screen client (coalescing may merge values 1 frame apart); bare subscriber got ${bareSamples.length}`);
    for (const share of [0.5, 0.99]) {
      const pipeline = percentile(latencies, share);
      const direct = percentile(bareSamples, share);
      figures.push({
        name: `broker -> screen latency ${label}, p${share * 100} (${LATENCY_RATE} msg/s for ${LATENCY_SECONDS} s; ${latencies.length} of ${published.size} values reached the screen client)`,
        value: `${round(pipeline, 2)} ms`,
        baseline: `${round(direct, 2)} ms publish -> bare mqtt.js subscriber`,
        ratio: round(pipeline / direct, 1),
      });
    }
  } finally {
    await publisher.endAsync();
    await bare.client.endAsync();
    screen.bridge.dispose();
  }
  return figures;
}

/** The ingest figures: a real mosquitto named in the layout, then the embedded aedes of a layout that names none. */
export async function ingestFigures(): Promise<Figure[]> {
  const figures: Figure[] = [];
  console.log(`ingest: the publisher, the broker (mosquitto, or aedes inside the server), the wall's pipeline and the bare subscriber share this machine's ${cpus().length} cores`);
  const mosquitto = await startMosquitto();
  try {
    const wall = await startWall({ layout: layoutCopy(REFERENCE, withBrokers([{ id: 'bench', url: mosquitto.url }])), demo: false });
    try {
      await untilSubscribed(wall, 'bench');
      figures.push(...(await throughput('via mosquitto', wall, mosquitto.url)));
    } finally {
      await wall.stop();
    }
  } finally {
    await mosquitto.stop();
  }
  const wall = await startWall({ layout: layoutCopy(REFERENCE), demo: false });
  try {
    const url = await embeddedBrokerUrl(wall);
    await untilSubscribed(wall, 'embedded');
    figures.push(...(await throughput('via embedded aedes', wall, url)));
  } finally {
    await wall.stop();
  }
  return figures;
}

if (process.argv[2] === PUBLISHER_FLAG) await runPublisher(JSON.parse(process.argv[3]!) as { url: string; rate: number; seconds: number });
