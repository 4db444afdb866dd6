// Every message between main and a renderer: one zod schema per message, for both directions of the bridge.
import { z } from 'zod';
import type { Rect, ScreenGeometry, Slice } from '../wall/geometry.ts';
import { FieldSchema, LevelSchema, PanelSchema } from '../wall/schema.ts';

/** Bumped when a message changes incompatibly; a client of another version is told to reload. */
export const PROTOCOL_VERSION = 1;

/** The WebSocket path of the bridge. */
export const BRIDGE_PATH = '/bridge';

const screenId = z.string().regex(/^[A-Za-z0-9_]{1,32}$/);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

// ---- renderer -> main (less trusted: always validated) -----------------------------------------

export const HelloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: z.literal(PROTOCOL_VERSION),
  /** One id for a screen page; several for the wall preview and spanning windows. */
  screens: z.array(screenId).min(1).max(64),
  client: z.enum(['screen', 'preview']),
});

export const HealthSchema = z.strictObject({
  type: z.literal('health'),
  screen: screenId,
  /** Frames drawn per second over the last report period (0 when nothing changed). */
  fps: finite.min(0).max(1000),
  /** Renderer JavaScript time per drawn frame, milliseconds (mean over the period). */
  frameMilliseconds: finite.min(0).max(60_000),
  /** Frames that took longer than two display refreshes. */
  droppedFrames: z.int().min(0),
  /** JS heap in use, megabytes, where the browser tells. */
  memoryMegabytes: finite.min(0).optional(),
  /** WebGL renderer string (e.g. "SwiftShader"), where the browser tells. */
  renderer: z.string().max(200).optional(),
  /** WebGL context losses since the page loaded. */
  contextLosses: z.int().min(0),
  /** Panels that failed to draw, by id, with their error. */
  panelErrors: z.array(z.strictObject({ panel: z.string().max(64), message: z.string().max(500) })).max(100),
});

/** Clock sync: the client's send time comes back with the server's clock (the fastest round trip wins). */
export const PingSchema = z.strictObject({ type: z.literal('ping'), id: z.int().min(0), clientTime: finite });

/** The screens have built a prepared scene off-screen and can flip to it on the next frame. */
export const ReadySchema = z.strictObject({ type: z.literal('ready'), switchId: z.int().min(1) });

/** The screens showed the scene of a commit: on the first frame at or after its time, or later (late). */
export const FlippedSchema = z.strictObject({
  type: z.literal('flipped'),
  switchId: z.int().min(1),
  version: z.int().min(0),
  /** Server clock (as the client estimates it) of the frame that showed the new scene. */
  flippedAt: finite,
  /** Not ready when the commit came: flipped as soon as it was. */
  late: z.boolean(),
});

export const ClientMessageSchema = z.discriminatedUnion('type', [HelloSchema, HealthSchema, PingSchema, ReadySchema, FlippedSchema]);
export type Hello = z.infer<typeof HelloSchema>;
export type Health = z.infer<typeof HealthSchema>;
export type Ping = z.infer<typeof PingSchema>;
export type Ready = z.infer<typeof ReadySchema>;
export type Flipped = z.infer<typeof FlippedSchema>;
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

// ---- main -> renderer ---------------------------------------------------------------------------

const rect = z.strictObject({ x: finite, y: finite, width: finite, height: finite });
const localised = z.strictObject({ vi: z.string(), en: z.string() });

export const ScreenGeometrySchema = z.strictObject({
  id: z.string(),
  label: z.string(),
  outer: rect,
  activeArea: rect,
  resolution: z.strictObject({ width: z.int(), height: z.int() }),
  framebuffer: z.strictObject({ width: z.int(), height: z.int() }),
  rotation: z.literal([0, 90, 180, 270]),
  pixelsPerMillimetre: z.strictObject({ x: finite, y: finite }),
  cell: z.strictObject({ row: z.int(), column: z.int() }).optional(),
}) satisfies z.ZodType<ScreenGeometry>;

export const SliceSchema = z.strictObject({
  panel: z.string(),
  layer: z.int(),
  source: rect,
  destination: rect,
}) satisfies z.ZodType<Slice>;

/** What one screen draws: where it sits on the wall and its slices, or that the wall has no such screen. */
export const AssignedScreenSchema = z.discriminatedUnion('known', [
  z.strictObject({ known: z.literal(true), geometry: ScreenGeometrySchema, slices: z.array(SliceSchema) }),
  z.strictObject({ known: z.literal(false), id: z.string(), knownScreens: z.array(z.string()) }),
]);

export const SeriesViewSchema = z.strictObject({
  id: z.string(),
  field: z.string(),
  name: localised,
  unit: z.string(),
  decimals: z.int().optional(),
  expectedInterval: z.string(),
  /** Milliseconds after its observation time at which a value is shown stale: expected interval × the layout's stale factor. */
  staleAfter: z.number().positive(),
  levels: z.array(LevelSchema).optional(),
});

export const AssignmentSchema = z.strictObject({
  type: z.literal('assignment'),
  /** Increases with every layout the server accepts. */
  layoutVersion: z.int(),
  /** Increases with every committed scene switch; a screen shows one version at a time. */
  sceneVersion: z.int().min(0),
  /** Server clock (epoch ms) when sent, so a client can estimate its offset. */
  serverTime: finite,
  /** Values are simulated (demo mode): every panel says so. */
  demo: z.boolean(),
  wall: z.strictObject({ id: z.string(), name: localised, timezone: z.string(), languages: z.array(z.string()), bounds: rect }),
  scene: z.strictObject({ id: z.string(), name: localised }),
  screens: z.array(AssignedScreenSchema),
  /** The placed panels the screens draw, with their wall rectangles (the pattern is drawn in wall coordinates). */
  panels: z.array(z.strictObject({ panel: PanelSchema, rect })),
  fields: z.array(FieldSchema),
  series: z.array(SeriesViewSchema),
  /** The cameras the assigned video panels show, for their slates. */
  cameras: z.array(z.strictObject({ id: z.string(), name: localised })),
});

export const SeriesValueSchema = z.strictObject({
  value: finite,
  /** When the value was observed, epoch ms. */
  time: finite,
  trend: z.enum(['up', 'down', 'flat']),
  simulated: z.boolean(),
});

export const HistoryPointSchema = z.strictObject({ time: finite, value: finite });

export const ValuesSchema = z.strictObject({
  type: z.literal('values'),
  values: z.record(z.string(), SeriesValueSchema),
  /** Full history for charts (on assignment), replacing what the client holds for those series. */
  history: z.record(z.string(), z.array(HistoryPointSchema)).optional(),
});

export const RestartingSchema = z.strictObject({ type: z.literal('restarting') });

export const PongSchema = z.strictObject({ type: z.literal('pong'), id: z.int().min(0), clientTime: finite, serverTime: finite });

/** Phase one of a switch: build this assignment off-screen, keep showing the current one, answer ready. */
export const PrepareSchema = z.strictObject({ type: z.literal('prepare'), switchId: z.int().min(1), assignment: AssignmentSchema });

/** Phase two: show the prepared scene on the first frame at or after `at` (server clock). */
export const CommitSchema = z.strictObject({ type: z.literal('commit'), switchId: z.int().min(1), version: z.int().min(0), at: finite });

/** Identify: every screen shows its id, label and resolution over the wall-wide test pattern until `until` (server clock). */
export const IdentifySchema = z.strictObject({ type: z.literal('identify'), until: finite });

/** A prepared switch that will never commit (a newer command superseded it): drop what was built. */
export const CancelSchema = z.strictObject({ type: z.literal('cancel'), switchId: z.int().min(1) });

/**
 * Where the cameras' video comes from: the media gateway's WebSocket origin and one short-lived ticket per camera the
 * screen shows. Sent with every assignment and renewed before the tickets expire; a (re)connection uses the newest.
 */
export const MediaSchema = z.strictObject({
  type: z.literal('media'),
  /** ws://127.0.0.1:<port>, or null when the gateway does not run (then `problem` says why). */
  gateway: z.string().nullable(),
  problem: z.string().optional(),
  /** Camera id -> ticket for ws://.../cameras/<id>?ticket=<ticket>. */
  tickets: z.record(z.string(), z.string()),
  /** Server clock (epoch ms) after which the tickets are refused. */
  expiresAt: finite,
});

export const ServerMessageSchema = z.discriminatedUnion('type', [
  MediaSchema,
  AssignmentSchema,
  ValuesSchema,
  RestartingSchema,
  PongSchema,
  PrepareSchema,
  CommitSchema,
  CancelSchema,
  IdentifySchema,
]);
export type AssignedScreen = z.infer<typeof AssignedScreenSchema>;
export type SeriesView = z.infer<typeof SeriesViewSchema>;
export type Assignment = z.infer<typeof AssignmentSchema>;
export type Media = z.infer<typeof MediaSchema>;
export type SeriesValue = z.infer<typeof SeriesValueSchema>;
export type HistoryPoint = z.infer<typeof HistoryPointSchema>;
export type Values = z.infer<typeof ValuesSchema>;
export type Pong = z.infer<typeof PongSchema>;
export type Prepare = z.infer<typeof PrepareSchema>;
export type Commit = z.infer<typeof CommitSchema>;
export type Cancel = z.infer<typeof CancelSchema>;
export type Identify = z.infer<typeof IdentifySchema>;
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type PlacedPanelView = Assignment['panels'][number];

export type { Rect };
