// MediaGateway: main's handle on the media gateway child process (forked, configured over IPC, restarted with backoff when it dies, stopped with main), so video never runs in main's event loop.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { backoffDelay, type BackoffOptions } from '../../common/contract/backoff.ts';
import { Emitter, type Disposable, type Event } from '../../common/contract/events.ts';
import type { CameraFeedHealth } from './feed.ts';
import { redact } from './ffmpeg.ts';
import type { GatewayCamera } from './gateway.ts';
import { GatewayEventSchema, GatewayHostSchema, GatewayTlsSchema, type GatewayConfigureMessage, type GatewayTls } from '../../common/contract/gateway.ts';
import { privateKeySecrets } from './tls.ts';

// Main needs only this module to run cameras.
export type { GatewayCamera } from './gateway.ts';
export type { CameraFeedHealth } from './feed.ts';
export type { GatewayTls } from '../../common/contract/gateway.ts';

/** The part of a pino logger the supervisor uses. */
export interface MediaGatewayLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface MediaGatewayOptions {
  readonly logger: MediaGatewayLogger;
  readonly ticketKey: Buffer;
  /** Origins of the pages allowed to watch (the wall's own HTTP server), exactly as browsers send them. */
  readonly allowedOrigins: readonly string[];
  readonly cameras: readonly GatewayCamera[];
  /**
   * The address the gateway listens on, normally the wall server's own: '127.0.0.1' (default), '0.0.0.0', a LAN address,
   * an IPv6 one. Off loopback it is as safe as on it: every socket needs an allowed Origin and a fresh ticket for its camera.
   */
  readonly host?: string;
  /** PEM certificate and key for wss:// (the wall server's, when it serves HTTPS). Sent to the child over IPC only; the key is never logged. */
  readonly tls?: GatewayTls;
  /** Delay before restarting a dead gateway: default 1 s doubling to 30 s, ±20 % jitter. */
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
  /** How long a child may take to say where it listens. Default 20 s (tsx compiles the gateway on a cold start). */
  readonly startTimeoutMilliseconds?: number;
  /** SIGTERM, then SIGKILL after this long. Default 3 s (the child itself gives ffmpeg 2 s). */
  readonly stopGraceMilliseconds?: number;
}

const GATEWAY_PROCESS = fileURLToPath(new URL('./gateway-process.ts', import.meta.url));
/**
 * tsx's loader as an absolute URL: a bare `--import tsx` is resolved from the child's working directory, which is
 * wherever `ioc-wall` was started, not necessarily beside node_modules.
 */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** What the child (and its ffmpeg) may see of main's environment: main's may hold secrets (layout secrets come from env). */
const INHERITED_ENVIRONMENT = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'];
const DEFAULT_BACKOFF: BackoffOptions = { initialMilliseconds: 1_000, maximumMilliseconds: 30_000 };
/** A child that ran this long without dying resets the backoff. */
const STABLE_AFTER_MILLISECONDS = 10_000;
const STDERR_LINE_CHARACTERS = 2_000;

interface Child {
  readonly process: ChildProcess;
  readonly startedAt: number;
  readonly exited: Promise<void>;
  listening: boolean;
  stderrTail: string[];
  /** Why the child refused a configuration, last time: the reason a first start fails (an address that cannot be bound, a bad key). */
  refusal?: string;
}

export class MediaGateway implements Disposable {
  private readonly healthEmitter = new Emitter<Record<string, CameraFeedHealth>>();
  readonly onDidChangeHealth: Event<Record<string, CameraFeedHealth>> = this.healthEmitter.event;
  private readonly urlEmitter = new Emitter<string>();
  /** The gateway came back on another port after a crash (its old port was taken): viewers need new URLs. */
  readonly onDidChangeUrl: Event<string> = this.urlEmitter.event;

  private cameras: readonly GatewayCamera[];
  private currentUrl = '';
  private currentPort: number | undefined;
  private currentHealth: Record<string, CameraFeedHealth> = {};
  private child: Child | undefined;
  private failures = 0;
  /** Whether any child ever listened: a first start that fails is start()'s error, not a crash to recover from. */
  private everListened = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private disposal: Promise<void> | undefined;
  private readonly logger: MediaGatewayLogger;
  private readonly random: () => number;
  /** The TLS key, and each line of it, for redaction. */
  private readonly keySecrets: readonly string[];

  /** Forks the gateway and resolves once it listens; rejects (with its redacted error output) if the first start fails. */
  static async start(options: MediaGatewayOptions): Promise<MediaGateway> {
    // Checked here, where the caller hears of it: the child would only refuse the message and wait.
    if (options.host !== undefined && !GatewayHostSchema.safeParse(options.host).success) throw new RangeError(`the media gateway cannot listen on '${options.host}': not an address or host name`);
    if (options.tls !== undefined && !GatewayTlsSchema.safeParse(options.tls).success) throw new RangeError('the media gateway needs a PEM certificate and a PEM key for TLS');
    const gateway = new MediaGateway(options);
    try {
      await gateway.launch();
    } catch (error) {
      await gateway.dispose();
      throw error;
    }
    return gateway;
  }

  private constructor(private readonly options: MediaGatewayOptions) {
    this.cameras = options.cameras;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
    this.keySecrets = options.tls === undefined ? [] : privateKeySecrets(options.tls.key);
  }

  /**
   * `ws://<host>:<port>` (`wss://` with TLS) of the running gateway, with the host it binds (e.g. ws://0.0.0.0:PORT): main
   * puts the address each client reached the server by in its place, from `port` and `secure`.
   */
  get url(): string {
    return this.currentUrl;
  }

  /** The port the gateway listens on; a restarted gateway asks for the same one, so it changes only if another process took it. */
  get port(): number {
    return this.currentPort ?? 0;
  }

  /** Whether the gateway serves wss:// (TLS). */
  get secure(): boolean {
    return this.options.tls !== undefined;
  }

  /** The gateway child's pid while one runs. */
  get processId(): number | undefined {
    return this.child?.process.pid;
  }

  /** Each configured camera's feed health as the gateway last reported it. */
  health(): Record<string, CameraFeedHealth> {
    return { ...this.currentHealth };
  }

  /** Replaces the cameras: the gateway keeps feeds whose source is unchanged and starts or stops the others. */
  configure(cameras: readonly GatewayCamera[]): void {
    this.cameras = cameras;
    this.sendConfiguration();
  }

  /** Stops the gateway (which kills its ffmpeg processes) and resolves once it has exited. */
  dispose(): Promise<void> {
    if (this.disposal !== undefined) return this.disposal;
    clearTimeout(this.restartTimer);
    const child = this.child;
    this.disposal = (async () => {
      if (child !== undefined) {
        signal(child.process, 'SIGTERM');
        const grace = this.options.stopGraceMilliseconds ?? 3_000;
        const killer = setTimeout(() => signal(child.process, 'SIGKILL'), grace);
        await child.exited;
        clearTimeout(killer);
      }
      this.healthEmitter.dispose();
      this.urlEmitter.dispose();
      this.log('info', {}, 'media gateway stopped');
    })();
    return this.disposal;
  }

  private get disposed(): boolean {
    return this.disposal !== undefined;
  }

  private get secrets(): string[] {
    const cameraSecrets = this.cameras.flatMap((camera) => (camera.source.kind === 'rtsp' ? [...camera.source.secrets] : []));
    return [...cameraSecrets, ...this.keySecrets];
  }

  /** Every log line goes through here: strings are redacted with every configured secret, and URLs lose their credentials. */
  private log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
    const secrets = this.secrets;
    const clean = (value: unknown): unknown => {
      if (typeof value === 'string') return redact(value, secrets);
      if (Array.isArray(value)) return value.map(clean);
      if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, clean(inner)]));
      return value;
    };
    try {
      this.logger[level]({ component: 'media-gateway', ...(clean(fields) as object) }, redact(message, secrets));
    } catch {
      // A failing logger must not take supervision down with it.
    }
  }

  private environment(): NodeJS.ProcessEnv {
    const environment: NodeJS.ProcessEnv = {};
    for (const name of INHERITED_ENVIRONMENT) if (process.env[name] !== undefined) environment[name] = process.env[name];
    return environment;
  }

  /** Starts a child and resolves when it listens; rejects if it exits or stays silent first. */
  private launch(): Promise<void> {
    const previousPort = this.currentPort;
    const startTimeout = this.options.startTimeoutMilliseconds ?? 20_000;
    const childProcess = fork(GATEWAY_PROCESS, [], {
      execArgv: ['--import', TSX_LOADER],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: this.environment(),
      serialization: 'json',
    });
    let settle!: () => void;
    const exited = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const child: Child = { process: childProcess, startedAt: Date.now(), exited, listening: false, stderrTail: [] };
    this.child = child;
    const pid = childProcess.pid;
    this.log('info', { pid, host: this.host, secure: this.secure, ...(previousPort === undefined ? {} : { port: previousPort }) }, 'media gateway starting');
    this.readLines(child, childProcess.stdout, 'info');
    this.readLines(child, childProcess.stderr, 'warn');

    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        reject(new Error(`the media gateway did not start within ${startTimeout} ms`));
        signal(childProcess, 'SIGKILL');
      }, startTimeout);

      childProcess.on('message', (raw: unknown) => {
        const parsed = GatewayEventSchema.safeParse(raw);
        if (!parsed.success) {
          this.log('warn', { pid }, 'media gateway sent a message that is not in the contract; ignored');
          return;
        }
        const event = parsed.data;
        switch (event.type) {
          case 'ready':
            this.sendConfiguration({ port: previousPort });
            return;
          case 'listening': {
            child.listening = true;
            this.everListened = true;
            clearTimeout(timeout);
            const changed = this.currentUrl !== '' && this.currentUrl !== event.url;
            this.currentUrl = event.url;
            // Not URL.port: that is '' for a scheme's default port (ws://…:80, wss://…:443).
            this.currentPort = Number(/:(\d+)$/.exec(event.url)![1]);
            this.log('info', { pid, host: this.host, port: this.currentPort, secure: this.secure, url: event.url }, 'media gateway listening');
            if (changed) this.fire(this.urlEmitter, event.url);
            resolve();
            return;
          }
          case 'health':
            this.updateHealth(event.cameras);
            return;
          case 'refused':
            child.refusal = event.message;
            this.log('error', { pid, reason: event.message }, 'media gateway refused its configuration');
            return;
        }
      });
      // A fork that fails outright (EAGAIN, ENOMEM) reports 'error' and then 'close'; 'close' also follows every exit,
      // after the child's output is read to the end.
      childProcess.once('error', (error) => this.log('error', { pid, error: error.message }, 'media gateway process error'));
      childProcess.once('close', (code, exitSignal) => {
        clearTimeout(timeout);
        if (!child.listening) {
          const why = [...(child.refusal === undefined ? [] : [redact(child.refusal, this.secrets)]), ...child.stderrTail];
          reject(new Error(`the media gateway exited (${code ?? exitSignal}) before listening:\n${why.join('\n')}`));
        }
        this.childExited(child, code, exitSignal);
        settle();
      });
    });
  }

  /** Logs what the child writes, line by line (the gateway writes only on failures); keeps the last stderr lines for exit reports. */
  private readLines(child: Child, stream: NodeJS.ReadableStream | null, level: 'info' | 'warn'): void {
    if (!stream) return;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = (lines.pop() ?? '').slice(-STDERR_LINE_CHARACTERS);
      for (const line of lines) {
        if (line.trim() === '') continue;
        const clipped = redact(line.slice(0, STDERR_LINE_CHARACTERS), this.secrets);
        if (level === 'warn') child.stderrTail = [...child.stderrTail, clipped].slice(-20);
        this.log(level, { pid: child.process.pid, output: clipped }, 'media gateway output');
      }
    });
  }

  private get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** `start`: the child's first configure, which also says where and how to listen (host, port, TLS); later ones carry cameras and access only. */
  private sendConfiguration(start?: { readonly port: number | undefined }): void {
    const child = this.child;
    if (!child || this.disposed || !child.process.connected) return;
    const tls = this.options.tls;
    const message: GatewayConfigureMessage = {
      type: 'configure',
      ticketKey: this.options.ticketKey.toString('base64'),
      allowedOrigins: [...this.options.allowedOrigins],
      cameras: this.cameras.map(({ id, source }) => ({ id, source: source.kind === 'rtsp' ? { ...source, secrets: [...source.secrets] } : { ...source } })),
      ...(start === undefined
        ? {}
        : {
            host: this.host,
            ...(start.port === undefined ? {} : { port: start.port }),
            ...(tls === undefined ? {} : { tls: { cert: tls.cert, key: tls.key } }),
          }),
    };
    child.process.send(message, (error) => {
      if (error) this.log('warn', { error: error.message }, 'media gateway configuration not delivered; it is sent again when the gateway restarts');
    });
  }

  private updateHealth(cameras: Record<string, CameraFeedHealth>): void {
    const previous = this.currentHealth;
    this.currentHealth = cameras;
    for (const [id, health] of Object.entries(cameras)) {
      const before = previous[id];
      if (before?.state === health.state && before.detail === health.detail) continue;
      const fields = { camera: id, state: health.state, ...(health.detail === undefined ? {} : { detail: health.detail }) };
      if (health.state === 'live' || health.state === 'connecting') this.log('info', fields, `camera feed ${health.state}`);
      else this.log('warn', fields, `camera feed ${health.state}`);
    }
    this.fire(this.healthEmitter, this.health());
  }

  private childExited(child: Child, code: number | null, exitSignal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (this.disposed || !this.everListened) return;
    const uptime = Date.now() - child.startedAt;
    if (child.listening && uptime >= STABLE_AFTER_MILLISECONDS) this.failures = 0;
    const delay = backoffDelay(this.failures, this.random, this.options.backoff ?? DEFAULT_BACKOFF);
    this.failures += 1;
    this.log('error', { code, signal: exitSignal, uptimeMilliseconds: uptime, retryInMilliseconds: delay, output: child.stderrTail.slice(-5) }, 'media gateway exited; restarting it');
    // Until the new gateway reports, every camera is down from a viewer's point of view.
    const lost: Record<string, CameraFeedHealth> = {};
    for (const [id, health] of Object.entries(this.currentHealth)) {
      lost[id] = { ...health, state: health.state === 'unavailable' ? 'unavailable' : 'lost', fps: 0, bitrate: 0, viewers: 0, detail: 'the media gateway is restarting' };
    }
    this.currentHealth = lost;
    this.fire(this.healthEmitter, this.health());
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.disposed) return;
      this.launch().catch((error: unknown) => {
        this.log('error', { error: error instanceof Error ? error.message : String(error) }, 'media gateway restart failed');
      });
    }, delay);
  }

  private fire<T>(emitter: Emitter<T>, value: T): void {
    try {
      emitter.fire(value);
    } catch (error) {
      this.log('error', { error: error instanceof Error ? error.message : String(error) }, 'a media gateway listener threw');
    }
  }
}

function signal(process: ChildProcess, name: NodeJS.Signals): void {
  if (process.exitCode !== null || process.signalCode !== null) return;
  try {
    process.kill(name);
  } catch {
    // Already gone.
  }
}
