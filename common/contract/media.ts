// The media channel (media gateway -> renderer, one WebSocket per camera): text frames say what comes, binary frames are fMP4.
import { z } from 'zod';

/** Where a camera's feed stands, as the gateway sees it. */
export const FEED_STATES = ['connecting', 'live', 'lost', 'unavailable'] as const;
export type FeedState = (typeof FEED_STATES)[number];

/**
 * Precedes an init segment (the next binary frame): the MSE codec string and picture size. A second `init` on the same
 * socket means the source restarted: timestamps start again, so the renderer starts a new MediaSource.
 */
export const MediaInitSchema = z.strictObject({
  type: z.literal('init'),
  /** e.g. video/mp4; codecs="avc1.64001e" */
  mimeType: z.string(),
  width: z.int().positive(),
  height: z.int().positive(),
});

/** The feed changed state: `lost` when no frame came for a while (the source is down), `unavailable` when it cannot run at all (no ffmpeg, a secret missing). */
export const MediaStateSchema = z.strictObject({
  type: z.literal('state'),
  state: z.enum(FEED_STATES),
  /** Gateway clock (epoch ms) of the last frame, null before the first. */
  lastFrameAt: z.number().nullable(),
  /** Why, for `lost` and `unavailable`, already free of credentials. */
  detail: z.string().optional(),
});

export const MediaControlSchema = z.discriminatedUnion('type', [MediaInitSchema, MediaStateSchema]);
export type MediaInit = z.infer<typeof MediaInitSchema>;
export type MediaState = z.infer<typeof MediaStateSchema>;
export type MediaControl = z.infer<typeof MediaControlSchema>;

/** Close codes the gateway uses when it refuses a viewer (4000-4999 are the application's). */
export const MEDIA_CLOSE = { badTicket: 4401, unknownCamera: 4404, badOrigin: 4403 } as const;
