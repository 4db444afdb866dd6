// The IPC messages between main's MediaGateway supervisor and the gateway child process, validated on receipt on both sides.
import { z } from 'zod';
import { FEED_STATES } from './media.ts';

const FeedSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rtsp'), url: z.string().min(1), secrets: z.array(z.string()) }),
  z.strictObject({ kind: z.literal('test-pattern'), pattern: z.string().min(1), size: z.string().min(1), fps: z.int().positive() }),
]);

export const GatewayCameraSchema = z.strictObject({ id: z.string().min(1), source: FeedSourceSchema });

/** main → gateway: the first one starts the gateway, later ones change its cameras (and access). Secrets travel only here. */
export const GatewayConfigureMessageSchema = z.strictObject({
  type: z.literal('configure'),
  /** base64 of the ticket key. */
  ticketKey: z.string().min(1),
  allowedOrigins: z.array(z.string()),
  cameras: z.array(GatewayCameraSchema),
  /** The port to listen on when the gateway starts (0: any); after a crash main asks for the previous one, so viewers' URLs stay valid. */
  port: z.int().min(0).max(65_535).optional(),
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
  z.strictObject({ type: z.literal('listening'), url: z.string().regex(/^ws:\/\/(127\.0\.0\.1|\[::1\]):\d+$/) }),
  z.strictObject({ type: z.literal('health'), cameras: z.record(z.string(), CameraFeedHealthSchema) }),
  /** A configure the gateway could not apply; it keeps running with what it had. */
  z.strictObject({ type: z.literal('refused'), message: z.string() }),
]);

export type GatewayConfigureMessage = z.infer<typeof GatewayConfigureMessageSchema>;
export type GatewayEvent = z.infer<typeof GatewayEventSchema>;
