// The IPC messages between main's MediaGateway supervisor and the gateway child process, validated on receipt on both sides.
import { z } from 'zod';
import { FEED_STATES } from './media.ts';

const FeedSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rtsp'), url: z.string().min(1), secrets: z.array(z.string()) }),
  z.strictObject({ kind: z.literal('test-pattern'), pattern: z.string().min(1), size: z.string().min(1), fps: z.int().positive() }),
]);

export const GatewayCameraSchema = z.strictObject({ id: z.string().min(1), source: FeedSourceSchema });

/** HTTPS for the media channel (wss://): a page served over HTTPS may not open ws:// (mixed content). The key is a secret. */
export const GatewayTlsSchema = z.strictObject({
  /** PEM certificate (chain), the same one the wall's HTTP server presents. */
  cert: z.string().includes('-----BEGIN'),
  /** PEM private key: travels over IPC only, never in argv, env or a log. */
  key: z.string().includes('-----BEGIN'),
});

/** An IP address or a host name, as a server's listen() takes it. */
export const GatewayHostSchema = z.union([z.ipv4(), z.ipv6(), z.hostname()]);

/** main → gateway: the first one starts the gateway, later ones change its cameras (and access). Secrets travel only here. */
export const GatewayConfigureMessageSchema = z.strictObject({
  type: z.literal('configure'),
  /** base64 of the ticket key. */
  ticketKey: z.string().min(1),
  allowedOrigins: z.array(z.string()),
  cameras: z.array(GatewayCameraSchema),
  /**
   * Where to listen, read when the gateway starts and ignored afterwards (like `port` and `tls`). Default 127.0.0.1; any
   * address is allowed: a socket needs a short-lived ticket for its camera and an allowed Origin either way.
   */
  host: GatewayHostSchema.optional(),
  /** The port to listen on when the gateway starts (0: any); after a crash main asks for the previous one, so viewers' URLs stay valid. */
  port: z.int().min(0).max(65_535).optional(),
  /** Serve wss:// instead of ws://. */
  tls: GatewayTlsSchema.optional(),
});

export const CameraFeedHealthSchema = z.strictObject({
  state: z.enum(FEED_STATES),
  fps: z.number().nonnegative(),
  bitrate: z.number().nonnegative(),
  restarts: z.int().nonnegative(),
  lastFrameAt: z.number().nullable(),
  viewers: z.int().nonnegative(),
  detail: z.string().optional(),
});

/** gateway → main. */
export const GatewayEventSchema = z.discriminatedUnion('type', [
  /**
   * The child listens for IPC messages now. Node drops a message that arrives before a 'message' listener exists, and
   * loading the gateway through tsx takes a while: main sends its first configure only after this.
   */
  z.strictObject({ type: z.literal('ready') }),
  /** `ws://<host>:<port>`, or `wss://` with TLS; the host is the one bound (e.g. 0.0.0.0), IPv6 in brackets. */
  z.strictObject({ type: z.literal('listening'), url: z.string().regex(/^wss?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/) }),
  z.strictObject({ type: z.literal('health'), cameras: z.record(z.string(), CameraFeedHealthSchema) }),
  /** A configure the gateway could not apply; it keeps running with what it had. */
  z.strictObject({ type: z.literal('refused'), message: z.string() }),
]);

export type GatewayConfigureMessage = z.infer<typeof GatewayConfigureMessageSchema>;
export type GatewayEvent = z.infer<typeof GatewayEventSchema>;
export type GatewayTls = z.infer<typeof GatewayTlsSchema>;
