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

export const ClientMessageSchema = z.discriminatedUnion('type', [HelloSchema, HealthSchema]);
export type Hello = z.infer<typeof HelloSchema>;
export type Health = z.infer<typeof HealthSchema>;
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
  levels: z.array(LevelSchema).optional(),
});

export const AssignmentSchema = z.strictObject({
  type: z.literal('assignment'),
  /** Increases with every layout the server accepts. */
  layoutVersion: z.int(),
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

export const ServerMessageSchema = z.discriminatedUnion('type', [AssignmentSchema, ValuesSchema, RestartingSchema]);
export type AssignedScreen = z.infer<typeof AssignedScreenSchema>;
export type SeriesView = z.infer<typeof SeriesViewSchema>;
export type Assignment = z.infer<typeof AssignmentSchema>;
export type SeriesValue = z.infer<typeof SeriesValueSchema>;
export type HistoryPoint = z.infer<typeof HistoryPointSchema>;
export type Values = z.infer<typeof ValuesSchema>;
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type PlacedPanelView = Assignment['panels'][number];

export type { Rect };
