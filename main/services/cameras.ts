// Cameras for `serve`: the layout's cameras (or, in demo mode, four test patterns standing in for them) run by the supervised media gateway; tickets for the screens.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import { Emitter, type CameraHealth, type CamerasState, type Disposable, type Media, type Scheduler } from '../../common/contract/index.ts';
import type { Camera, WallLayout } from '../../common/wall/index.ts';
import { withCredentials } from '../../device-drivers/rtsp/ffmpeg.ts';
import { MediaGateway, type GatewayCamera } from '../../device-drivers/rtsp/supervisor.ts';
import { signTicket } from '../../device-drivers/rtsp/tickets.ts';
import { resolveSecret } from '../../device-drivers/mqtt/secrets.ts';
import type { MediaTickets } from '../core/wall-runtime.ts';
import type { FastifyReply } from 'fastify';
import type { Access } from './access.ts';
import type { RouteRegistration } from './http-server.ts';

/** A ticket opens a socket for this long; screens get new ones well before (RENEW), so a reconnect always has a valid one. */
const TICKET_MILLISECONDS = 90_000;
const RENEW_MILLISECONDS = 30_000;
/** The console hears of health changes at most this often. */
const PUSH_MILLISECONDS = 1_000;

/** Demo mode: every camera of the layout is shown by one of these, so a wall of 45 tiles costs four small encoders. */
const DEMO_PATTERNS = (['testsrc2', 'testsrc', 'mandelbrot', 'life'] as const).map((pattern) => ({ kind: 'test-pattern' as const, pattern, size: '640x360', fps: 15 }));

export interface CameraServiceOptions {
  readonly layoutFile: string;
  readonly demo: boolean;
  readonly logger: Logger;
  readonly scheduler: Scheduler;
  readonly environment?: NodeJS.ProcessEnv;
}

interface Planned {
  readonly cameras: GatewayCamera[];
  /** Cameras that cannot run at all, with why (a secret that cannot be read). */
  readonly problems: Map<string, string>;
  /** Demo: the test pattern standing in for each camera. */
  readonly simulatedBy: Map<string, string>;
}

export class CameraService implements MediaTickets, Disposable {
  readonly renewMilliseconds = RENEW_MILLISECONDS;
  private readonly ticketKey = randomBytes(32);
  private gateway: MediaGateway | undefined;
  private gatewayProblem: string | undefined = 'the media gateway is starting';
  private layout: WallLayout | undefined;
  private planned: Planned = { cameras: [], problems: new Map(), simulatedBy: new Map() };
  private generation = 0;
  private pushTimer: Disposable | undefined;
  private lastPushAt = Number.NEGATIVE_INFINITY;
  private readonly subscriptions: Disposable[] = [];
  private readonly changed = new Emitter<void>();
  private readonly healthChanged = new Emitter<void>();
  /** The gateway started or moved: screens need new tickets. */
  readonly onDidChange = this.changed.event;
  /** A feed changed state (at most once a second), for the console. */
  readonly onDidChangeHealth = this.healthChanged.event;

  constructor(private readonly options: CameraServiceOptions) {}

  /** The gateway's origin as a page that reached the server by `host` must address it (the pages' CSP and the screens' tickets). */
  gatewayUrlFor(host: string | undefined): string | undefined {
    const gateway = this.gateway;
    if (!gateway) return undefined;
    if (host === undefined) return gateway.url;
    return `${gateway.secure ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${gateway.port}`;
  }

  /**
   * Starts the gateway on the server's address, accepting sockets only from the server's own pages (`origins`, known
   * once it listens), over TLS when the server has it (a page on HTTPS cannot open ws://).
   */
  async start(where: { host: string; origins: readonly string[]; tls?: { cert: string; key: string } }): Promise<void> {
    try {
      this.gateway = await MediaGateway.start({
        logger: this.options.logger,
        ticketKey: this.ticketKey,
        allowedOrigins: [...where.origins],
        cameras: this.planned.cameras,
        host: where.host,
        ...(where.tls ? { tls: where.tls } : {}),
      });
      this.gatewayProblem = undefined;
      this.subscriptions.push(
        this.gateway.onDidChangeHealth(() => this.schedulePush()),
        this.gateway.onDidChangeUrl(() => this.changed.fire()),
      );
    } catch (error) {
      this.gatewayProblem = `the media gateway did not start: ${(error as Error).message}`;
      this.options.logger.error({ problem: this.gatewayProblem }, 'cameras unavailable');
    }
    this.changed.fire();
    this.schedulePush();
  }

  /** Takes the layout's cameras; feeds of cameras that stay keep running. */
  async setLayout(layout: WallLayout): Promise<void> {
    const generation = ++this.generation;
    const planned = await this.plan(layout);
    if (generation !== this.generation) return;
    this.layout = layout;
    this.planned = planned;
    this.gateway?.configure(planned.cameras);
    this.schedulePush();
  }

  private async plan(layout: WallLayout): Promise<Planned> {
    const cameras: GatewayCamera[] = [];
    const problems = new Map<string, string>();
    const simulatedBy = new Map<string, string>();
    const layoutDirectory = path.dirname(this.options.layoutFile);
    const secret = (reference: Parameters<typeof resolveSecret>[0]) =>
      resolveSecret(reference, layoutDirectory, this.options.environment ?? process.env, (message) => this.options.logger.warn(message));
    for (const [index, camera] of (layout.sources?.cameras ?? []).entries()) {
      if (this.options.demo && camera.kind === 'rtsp') {
        const stand = DEMO_PATTERNS[index % DEMO_PATTERNS.length]!;
        cameras.push({ id: camera.id, source: stand });
        simulatedBy.set(camera.id, stand.pattern);
        continue;
      }
      try {
        cameras.push({ id: camera.id, source: await sourceOf(camera, secret) });
      } catch (error) {
        problems.set(camera.id, (error as Error).message);
      }
    }
    if (problems.size > 0) this.options.logger.error({ cameras: Object.fromEntries(problems) }, 'cameras that cannot run');
    return { cameras, problems, simulatedBy };
  }

  issue(cameras: readonly string[], host: string | undefined): Media {
    const expiresAt = this.options.scheduler.now() + TICKET_MILLISECONDS;
    const url = this.gatewayUrlFor(host);
    if (!url) return { type: 'media', gateway: null, problem: this.gatewayProblem ?? 'the media gateway is not running', tickets: {}, expiresAt };
    return { type: 'media', gateway: url, tickets: Object.fromEntries(cameras.map((camera) => [camera, signTicket(this.ticketKey, camera, expiresAt)])), expiresAt };
  }

  /** GET /api/cameras. */
  state(): CamerasState {
    const health = this.gateway?.health() ?? {};
    const cameras = (this.layout?.sources?.cameras ?? []).map((camera): CameraHealth => {
      const feed = health[camera.id];
      const problem = this.planned.problems.get(camera.id) ?? (this.gateway ? undefined : this.gatewayProblem);
      const simulatedBy = this.planned.simulatedBy.get(camera.id);
      return {
        id: camera.id,
        name: camera.name,
        state: problem ? 'unavailable' : (feed?.state ?? 'connecting'),
        fps: feed?.fps ?? 0,
        bitrate: feed?.bitrate ?? 0,
        restarts: feed?.restarts ?? 0,
        lastFrameAt: feed?.lastFrameAt ?? null,
        viewers: feed?.viewers ?? 0,
        ...((problem ?? feed?.detail) ? { detail: (problem ?? feed?.detail)! } : {}),
        ...(simulatedBy ? { simulatedBy } : {}),
      };
    });
    return {
      type: 'cameras',
      at: this.options.scheduler.now(),
      gateway: { running: this.gateway !== undefined, ...(this.gatewayProblem ? { problem: this.gatewayProblem } : {}) },
      cameras,
    };
  }

  /** GET /api/cameras. */
  route(access: Access): RouteRegistration {
    return (app) => {
      app.get('/api/cameras', (request, reply): CamerasState | FastifyReply => (access.readable(request, reply) ? this.state() : reply));
    };
  }

  private schedulePush(): void {
    if (this.pushTimer) return;
    const wait = Math.max(0, this.lastPushAt + PUSH_MILLISECONDS - this.options.scheduler.now());
    this.pushTimer = this.options.scheduler.setTimeout(() => {
      this.pushTimer = undefined;
      this.lastPushAt = this.options.scheduler.now();
      this.healthChanged.fire();
    }, wait);
  }

  async close(): Promise<void> {
    this.generation += 1;
    this.pushTimer?.dispose();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    await this.gateway?.dispose();
    this.gateway = undefined;
    this.changed.dispose();
    this.healthChanged.dispose();
  }

  dispose(): void {
    void this.close();
  }
}

/** What the gateway runs for a camera: the RTSP URL with its credentials put in (they never leave the gateway's ffmpeg), or the test pattern. */
async function sourceOf(camera: Camera, secret: (reference: Parameters<typeof resolveSecret>[0]) => Promise<string>): Promise<GatewayCamera['source']> {
  if (camera.kind === 'test-pattern') return { kind: 'test-pattern', pattern: camera.pattern, size: camera.size, fps: camera.fps };
  const username = camera.username === undefined ? undefined : typeof camera.username === 'string' ? camera.username : await secret(camera.username);
  const password = camera.password === undefined ? undefined : await secret(camera.password);
  return { kind: 'rtsp', url: withCredentials(camera.url, username, password), secrets: password ? [password] : [] };
}
