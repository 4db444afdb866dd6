// Prometheus metrics at /metrics (prom-client): telemetry counts and lag, series freshness, connected clients, broker links.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BridgeHost, BrokerStatus, CameraHealth } from '../../common/contract/index.ts';
import { DROP_REASONS, type DropReason } from '../../common/telemetry/schema.ts';
import type { TelemetryMetrics, TelemetryRouter } from '../core/telemetry-router.ts';
import type { Access } from './access.ts';
import type { RouteRegistration } from './http-server.ts';

export interface MetricSources {
  readonly bridge: BridgeHost;
  readonly router: Pick<TelemetryRouter, 'freshness'>;
  readonly brokers: () => readonly BrokerStatus[];
  readonly cameras: () => readonly CameraHealth[];
}

/** One registry per server (not prom-client's global one), so tests can run several servers in one process. */
export class WallMetrics implements TelemetryMetrics {
  readonly registry = new Registry();
  private readonly messages = new Counter({
    name: 'ioc_wall_mqtt_messages_total',
    help: 'MQTT messages received, by result (accepted or dropped) and, for drops, reason',
    labelNames: ['result', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly lagSeconds = new Histogram({
    name: 'ioc_wall_ingest_lag_seconds',
    help: "Seconds from a message's arrival to its value leaving for the screens (coalescing holds a value at most one frame)",
    buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ioc_wall_' });
    // Every label pair exists from the start, so a rate() over a reason never seen is 0 rather than absent.
    this.messages.inc({ result: 'accepted' }, 0);
    for (const reason of DROP_REASONS) this.messages.inc({ result: 'dropped', reason }, 0);
    new Gauge({
      name: 'ioc_wall_series',
      help: 'Series of the layout by freshness: fresh, stale (older than expected interval x stale factor) or missing (no value yet)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const counts = { fresh: 0, stale: 0, missing: 0 };
        for (const row of sources.router.freshness()) counts[row.time === null ? 'missing' : row.stale ? 'stale' : 'fresh'] += 1;
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'ioc_wall_clients_connected',
      help: 'Display clients connected over the bridge, by kind (screen pages, wall previews)',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      collect() {
        const counts: Record<string, number> = { screen: 0, preview: 0 };
        for (const client of sources.bridge.clients) counts[client.hello.client] = (counts[client.hello.client] ?? 0) + 1;
        for (const [kind, count] of Object.entries(counts)) this.set({ kind }, count);
      },
    });
    new Gauge({
      name: 'ioc_wall_mqtt_broker_connected',
      help: 'Whether the link to each broker of the layout is up (1) or not (0)',
      labelNames: ['broker'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const broker of sources.brokers()) this.set({ broker: broker.id }, broker.state === 'connected' ? 1 : 0);
      },
    });
    // Camera ids come from the layout, so they are a bounded label set.
    const perCamera = (name: string, help: string, read: (camera: CameraHealth) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['camera'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const camera of sources.cameras()) this.set({ camera: camera.id }, read(camera));
        },
      });
    perCamera('ioc_wall_camera_live', 'Whether each camera feed is live (1) or connecting, lost or unavailable (0)', (camera) => (camera.state === 'live' ? 1 : 0));
    perCamera('ioc_wall_camera_fps', 'Frames per second of each camera feed over the last seconds', (camera) => camera.fps);
    perCamera('ioc_wall_camera_bitrate_bits_per_second', 'Bits per second of each camera feed over the last seconds', (camera) => camera.bitrate);
    perCamera('ioc_wall_camera_restarts', "How often each camera's ffmpeg was restarted since the media gateway started", (camera) => camera.restarts);
    perCamera('ioc_wall_camera_viewers', 'Screen sockets watching each camera', (camera) => camera.viewers);
  }

  message(result: 'accepted' | 'dropped', reason?: DropReason): void {
    this.messages.inc(result === 'accepted' ? { result } : { result, reason: reason! });
  }

  lag(seconds: number): void {
    this.lagSeconds.observe(seconds);
  }

  /** GET /metrics in the Prometheus text format; off loopback only for a bearer token (a scraper has no browser session). */
  route(access: Access): RouteRegistration {
    return (app) => {
      app.get('/metrics', async (request, reply) => {
        if (access.lan) {
          const caller = access.caller(request);
          if (!caller || caller.viaCookie) return reply.code(401).send({ error: 'unauthorised', message: 'scrape /metrics with Authorization: Bearer <token> (ioc-wall tokens create --role viewer --label prometheus)' });
          if (!access.require(request, reply, 'wall.read')) return reply;
        }
        return reply.type(this.registry.contentType).send(await this.registry.metrics());
      });
    };
  }
}
