// The media gateway child process: configured over IPC by main's MediaGateway (cameras, access, and where and how to listen, TLS key included), reports where it listens and its cameras' health, and takes every ffmpeg with it when it goes.
import { redact } from './ffmpeg.ts';
import { privateKeySecrets } from './tls.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { GatewayConfigureMessageSchema, type GatewayConfigureMessage, type GatewayEvent } from '../../common/contract/gateway.ts';

/** Health changes (a feed going live or lost) are sent at most this often ... */
const HEALTH_MINIMUM_INTERVAL_MILLISECONDS = 500;
/** ... and at least this often, so fps and bitrate stay current. */
const HEALTH_PERIOD_MILLISECONDS = 2_000;

let gateway: Gateway | undefined;
/** Every secret configured so far: this process's own error output must not show any. */
const secrets = new Set<string>();
let queue: Promise<void> = Promise.resolve();
let shuttingDown = false;
let lastHealthSentAt = 0;
let healthTimer: NodeJS.Timeout | undefined;
let healthPeriod: NodeJS.Timeout | undefined;

function send(event: GatewayEvent): void {
  if (!process.connected) return;
  try {
    process.send?.(event);
  } catch {
    // main went away between the check and the send: 'disconnect' follows and shuts this process down.
  }
}

function sendHealth(): void {
  clearTimeout(healthTimer);
  healthTimer = undefined;
  if (!gateway || shuttingDown) return;
  lastHealthSentAt = Date.now();
  send({ type: 'health', cameras: gateway.health() });
}

function healthChanged(): void {
  if (healthTimer !== undefined) return;
  const wait = lastHealthSentAt + HEALTH_MINIMUM_INTERVAL_MILLISECONDS - Date.now();
  if (wait <= 0) sendHealth();
  else healthTimer = setTimeout(sendHealth, wait);
}

function report(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error), [...secrets]);
}

async function apply(message: GatewayConfigureMessage): Promise<void> {
  for (const camera of message.cameras) if (camera.source.kind === 'rtsp') for (const secret of camera.source.secrets) secrets.add(secret);
  if (message.tls) for (const secret of privateKeySecrets(message.tls.key)) secrets.add(secret);
  const ticketKey = Buffer.from(message.ticketKey, 'base64');
  if (!gateway) {
    gateway = await startListening(message, ticketKey);
    gateway.configure(message.cameras);
    // 'listening' first: main learns where the gateway is before it hears of its cameras.
    send({ type: 'listening', url: gateway.url });
    gateway.onDidChangeHealth(healthChanged);
    sendHealth();
    healthPeriod = setInterval(sendHealth, HEALTH_PERIOD_MILLISECONDS);
    return;
  }
  gateway.setAccess(ticketKey, message.allowedOrigins);
  gateway.configure(message.cameras);
}

/**
 * On the host main asks for, with TLS if given, and on the port it asks for (the previous run's, after a crash); on any
 * free port if another process took that one meanwhile. Host, port and TLS of later configures are ignored.
 */
async function startListening(message: GatewayConfigureMessage, ticketKey: Buffer): Promise<Gateway> {
  const options = {
    ticketKey,
    allowedOrigins: message.allowedOrigins,
    ...(message.host === undefined ? {} : { host: message.host }),
    ...(message.tls === undefined ? {} : { tls: message.tls }),
  };
  if (message.port === undefined || message.port === 0) return startGateway(options);
  try {
    return await startGateway({ ...options, port: message.port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startGateway(options);
  }
}

process.on('message', (raw: unknown) => {
  const parsed = GatewayConfigureMessageSchema.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'refused', message: `not a configure message: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` });
    return;
  }
  queue = queue.then(async () => {
    if (shuttingDown) return;
    try {
      await apply(parsed.data);
    } catch (error) {
      send({ type: 'refused', message: report(error) });
      // Without a gateway there is nothing to keep running: main sees the exit (and, on a first start, reports this
      // refusal). Not awaited: shutDown waits for the queue, and this runs inside it.
      if (!gateway) void shutDown(1);
    }
  });
});

async function shutDown(exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  clearTimeout(healthTimer);
  clearInterval(healthPeriod);
  await queue.catch(() => undefined);
  // Closing the gateway kills every ffmpeg and waits for them: nothing is left running after this process.
  await gateway?.close().catch((error: unknown) => console.error(`media gateway: closing failed: ${report(error)}`));
  process.exit(exitCode);
}

// main died (its end of the IPC channel closed) or asks this process to stop.
process.on('disconnect', () => void shutDown(0));
process.on('SIGTERM', () => void shutDown(0));
process.on('SIGINT', () => void shutDown(0));
process.on('uncaughtException', (error) => {
  console.error(`media gateway: unexpected failure: ${report(error)}`);
  void shutDown(1);
});
process.on('unhandledRejection', (error) => {
  console.error(`media gateway: unexpected failure: ${report(error)}`);
  void shutDown(1);
});

if (!process.send) {
  console.error('media gateway: start me through MediaGateway (main forks this file with an IPC channel)');
  process.exit(2);
}
send({ type: 'ready' });
