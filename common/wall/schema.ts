// Layout file format ioc-wall/layout@1: the zod schemas that are the single source of truth for the model and its JSON Schema.
import { z } from 'zod';
import { DEFAULT_SCENE_ROLES, ROLES } from '../contract/roles.ts';
import { DEFAULT_STALE_FACTOR, TelemetrySchema } from '../telemetry/schema.ts';
import { durationMilliseconds } from './duration.ts';
import { DURATION_PATTERN, SERIES_ID_PATTERN } from './patterns.ts';
import { SecretReferenceSchema } from './secret-reference.ts';

export { DURATION_PATTERN, SERIES_ID_PATTERN } from './patterns.ts';

export const LAYOUT_FORMAT = 'ioc-wall/layout@1';

const lowerId = z
  .string()
  .regex(/^[a-z0-9_]+$/, 'must be a lowercase word of a-z, 0-9 and _')
  .meta({ description: 'Lowercase word of a-z, 0-9 and _' });

const screenId = z
  .string()
  .regex(/^[A-Za-z0-9_]+$/, 'must be a word of letters, digits and _ (e.g. S01)')
  .meta({ description: 'Screen id, e.g. S01' });

const seriesId = z
  .string()
  .regex(SERIES_ID_PATTERN, 'must be field.indicator or field.indicator.instance in lowercase')
  .meta({ description: 'Dotted series id: field.indicator[.instance], e.g. pctt.water_level.kim_long' });

const duration = z
  .string()
  .regex(DURATION_PATTERN, 'must be a duration like 30s, 10m, 1h or 1d')
  .meta({ description: 'Duration: a whole number and s, m, h or d, e.g. 15m' });

const colour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written #rrggbb')
  .meta({ description: 'Colour written #rrggbb' });

const text = z.string().min(1, 'must not be empty');

const localisedText = z
  .strictObject({ vi: text, en: text })
  .meta({ description: 'Text in Vietnamese (vi) and English (en)' });

const millimetres = z.number().meta({ description: 'Millimetres' });
const positiveMillimetres = z.number().positive('must be greater than 0').meta({ description: 'Millimetres, > 0' });
const nonNegativeMillimetres = z.number().nonnegative('must not be negative').meta({ description: 'Millimetres, >= 0' });
const oneBased = z.int('must be a whole number').min(1, 'must be 1 or more');
const pixels = z.int('must be a whole number of pixels').positive('must be greater than 0');

const validTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const LanguageSchema = z.enum(['vi', 'en']);

export const GridSchema = z
  .strictObject({
    rows: oneBased,
    columns: oneBased,
    pitch: z
      .strictObject({ x: positiveMillimetres, y: positiveMillimetres })
      .meta({ description: 'Distance in mm from one cell to the next, outer bezel to outer bezel' }),
  })
  .meta({ description: 'A regular grid: screens may then be placed by row/column (1-based)' });

export const WallSchema = z.strictObject({
  id: lowerId,
  name: localisedText,
  timezone: z
    .string()
    .refine(validTimeZone, 'must be an IANA time zone such as Asia/Ho_Chi_Minh')
    .default('Asia/Ho_Chi_Minh'),
  languages: z
    .array(LanguageSchema)
    .min(1, 'must name at least the primary language')
    .max(2, 'names a primary and at most one secondary language')
    .default(['vi', 'en'])
    .meta({ description: 'Primary language first, then the secondary one' }),
  grid: GridSchema.optional(),
  defaultScene: lowerId.meta({ description: 'Scene shown at start-up' }),
});

const sizeMillimetres = z.strictObject({ width: positiveMillimetres, height: positiveMillimetres });

export const ScreenSchema = z
  .strictObject({
    id: screenId,
    label: text.optional(),
    row: oneBased.optional().meta({ description: 'Grid row (1-based); needs wall.grid' }),
    column: oneBased.optional().meta({ description: 'Grid column (1-based); needs wall.grid' }),
    x: millimetres.optional().meta({ description: 'Wall x of the outer top-left bezel corner, mm' }),
    y: millimetres.optional().meta({ description: 'Wall y of the outer top-left bezel corner, mm' }),
    activeArea: sizeMillimetres.meta({ description: 'Visible picture size in mm, as mounted' }),
    bezel: z
      .strictObject({
        top: nonNegativeMillimetres,
        right: nonNegativeMillimetres,
        bottom: nonNegativeMillimetres,
        left: nonNegativeMillimetres,
      })
      .meta({ description: 'Bezel widths in mm, as mounted and seen from the front' }),
    resolution: z
      .strictObject({ width: pixels, height: pixels })
      .meta({ description: 'Pixels across and down, as mounted' }),
    rotation: z
      .literal([0, 90, 180, 270])
      .default(0)
      .meta({ description: 'Clockwise turn, seen from the front, from the panel native landscape scan-out' }),
    offset: z
      .strictObject({ x: millimetres, y: millimetres })
      .default({ x: 0, y: 0 })
      .meta({ description: 'Fine adjustment in mm, written back by calibration' }),
    match: z
      .strictObject({
        displayLabel: text.optional(),
        bounds: z
          .strictObject({ x: z.int(), y: z.int(), width: pixels, height: pixels })
          .optional()
          .meta({ description: 'Desktop bounds of the display, in pixels' }),
        connector: text.optional().meta({ description: 'DRM connector, e.g. DP-1 or HDMI-A-2' }),
        edid: z
          .strictObject({ manufacturer: text.optional(), product: text.optional(), serial: text.optional() })
          .optional(),
      })
      .optional()
      .meta({ description: 'Hints for matching this screen to a physical display (Electron shell)' }),
  })
  .meta({ description: 'A physical screen, placed by grid cell (row, column) or by x/y in mm' });

export const RegionSchema = z.strictObject({
  id: lowerId,
  name: localisedText.optional(),
  screens: z.array(screenId).min(1, 'must list at least one screen'),
});

export const FieldSchema = z.strictObject({
  id: lowerId,
  name: localisedText,
  colour,
  icon: z.string().regex(/^[a-z0-9-]+$/, 'must be an icon name of a-z, 0-9 and -'),
});

export const LevelSchema = z
  .strictObject({
    id: lowerId,
    name: localisedText,
    above: z.number().optional().meta({ description: 'Reached when the value is at or above this' }),
    below: z.number().optional().meta({ description: 'Reached when the value is at or below this' }),
    colour,
  })
  .meta({ description: 'A named threshold, e.g. river alarm level BĐ I' });

const finite = z.number();

export const DemoGeneratorSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant'), value: finite }).meta({ description: 'Always the same value' }),
  z
    .strictObject({
      kind: z.literal('random_walk'),
      start: finite,
      step: z.number().positive('must be greater than 0').meta({ description: 'Standard deviation of one step' }),
      min: finite,
      max: finite,
    })
    .meta({ description: 'Bounded random walk, one step per expected interval' }),
  z
    .strictObject({
      kind: z.literal('diurnal'),
      base: finite,
      peaks: z
        .array(
          z.strictObject({
            at: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a local time HH:MM'),
            width: duration,
            gain: finite,
          }),
        )
        .default([]),
      noise: z.number().min(0).max(1).default(0.1).meta({ description: 'Relative noise, 0.1 = ±10 %' }),
      weekend: z.number().min(0).default(1).meta({ description: 'Factor applied on Saturday and Sunday' }),
    })
    .meta({ description: 'Daily curve: base × (1 + gain of each peak), in the wall time zone' }),
  z
    .strictObject({
      kind: z.literal('daily_batch'),
      start: finite,
      growth: finite.meta({ description: 'Relative change per batch, e.g. 0.002' }),
      at: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a local time HH:MM').default('16:45'),
    })
    .meta({ description: 'Changes once a day at a local time (the 17:00 batch)' }),
  z
    .strictObject({
      kind: z.literal('poisson'),
      rate: z.number().positive('must be greater than 0'),
      per: duration,
      reset: z.enum(['day', 'never']).default('day').meta({ description: 'When the running count starts again' }),
    })
    .meta({ description: 'Running count of random events, rate events per period' }),
]);

export const SeriesSchema = z.strictObject({
  id: seriesId,
  field: lowerId.optional().meta({ description: 'Defaults to the first part of the id, and must agree with it' }),
  name: localisedText,
  unit: z.string().meta({ description: 'Unit shown after the value; empty for none' }),
  expectedInterval: duration.meta({ description: 'How often a new value is expected' }),
  decimals: z.int().min(0).max(6).optional(),
  levels: z.array(LevelSchema).optional(),
  demo: DemoGeneratorSchema.optional().meta({ description: 'Simulated values, used only in demo mode' }),
});

const panelCommon = {
  id: lowerId,
  field: lowerId.optional(),
  title: localisedText.optional(),
};
const oneSeries = { series: seriesId };
const someSeries = { series: z.array(seriesId).min(1, 'must list at least one series') };


export const PanelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('kpi'), ...panelCommon, ...oneSeries }).meta({ description: 'One value, unit and trend' }),
  z
    .strictObject({ type: z.literal('gauge'), ...panelCommon, ...oneSeries, min: finite, max: finite })
    .meta({ description: 'A value on a scale, with the series levels as bands' }),
  z
    .strictObject({ type: z.literal('chart'), ...panelCommon, ...someSeries, window: duration.default('24h') })
    .meta({ description: 'Line chart of recent history' }),
  z
    .strictObject({ type: z.literal('ticker'), ...panelCommon, ...someSeries })
    .meta({ description: 'A scrolling line of values' }),
  z.strictObject({ type: z.literal('text'), ...panelCommon, text: localisedText }).meta({ description: 'Static text' }),
  z
    .strictObject({
      type: z.literal('image'),
      ...panelCommon,
      src: text.meta({ description: 'Image file (png, jpg, svg, webp), relative to the layout file' }),
      fit: z.enum(['contain', 'cover']).default('contain'),
    })
    .meta({ description: 'A picture shipped beside the layout' }),
  z
    .strictObject({ type: z.literal('clock'), ...panelCommon, seconds: z.boolean().default(true) })
    .meta({ description: 'Date and time in the wall time zone' }),
  z
    .strictObject({
      type: z.literal('video'),
      ...panelCommon,
      cameras: z.array(lowerId).min(1, 'must list at least one camera'),
      grid: z.strictObject({ rows: oneBased, columns: oneBased }).optional(),
    })
    .meta({ description: 'Camera tiles, one per camera of sources.cameras (a grid when there are several)' }),
  z
    .strictObject({ type: z.literal('alert-list'), ...panelCommon, limit: oneBased.default(10) })
    .meta({ description: 'Open alerts, newest first' }),
  z
    .strictObject({ type: z.literal('map'), ...panelCommon, layers: z.array(lowerId).default([]) })
    .meta({ description: 'Province map with layers' }),
  z
    .strictObject({
      type: z.literal('pattern'),
      ...panelCommon,
      spacing: positiveMillimetres.default(100).meta({ description: 'Grid spacing in wall mm' }),
    })
    .meta({ description: 'Wall-wide test pattern for calibration' }),
]);

export const RectSchema = z.union([
  z
    .strictObject({ x: millimetres, y: millimetres, width: positiveMillimetres, height: positiveMillimetres })
    .meta({ description: 'Wall millimetres' }),
  z
    .strictObject({ row: oneBased, column: oneBased, rows: oneBased.default(1), columns: oneBased.default(1) })
    .meta({ description: 'Grid cells: their active areas and the bezels between them' }),
  z
    .strictObject({
      screen: screenId,
      x: millimetres.default(0),
      y: millimetres.default(0),
      width: positiveMillimetres.optional(),
      height: positiveMillimetres.optional(),
    })
    .meta({ description: 'Millimetres of one screen active area (the whole screen when no size is given)' }),
  z.strictObject({ region: lowerId }).meta({ description: 'The area covered by a region' }),
]);

export const PlacementSchema = z.strictObject({ panel: lowerId, rect: RectSchema });

/** Electron accelerator syntax: optional modifiers joined by +, then one key. */
export const ACCELERATOR_PATTERN =
  /^((Command|Cmd|Control|Ctrl|CommandOrControl|CmdOrCtrl|Alt|Option|AltGr|Shift|Super|Meta)\+)*([0-9A-Z]|F([1-9]|1[0-9]|2[0-4])|Plus|Space|Tab|Capslock|Numlock|Scrolllock|Backspace|Delete|Insert|Return|Enter|Up|Down|Left|Right|Home|End|PageUp|PageDown|Escape|Esc|PrintScreen|num[0-9]|numdec|numadd|numsub|nummult|numdiv|[)!@#$%^&*(:;+=<,_>.?/~`{\]|}[\\'"-])$/;

export const SceneSchema = z.strictObject({
  id: lowerId,
  name: localisedText,
  hotkey: z
    .string()
    .regex(ACCELERATOR_PATTERN, 'must be an Electron accelerator such as F2 or Ctrl+Shift+1')
    .optional(),
  extends: lowerId.optional().meta({ description: 'Scene whose placements are inherited' }),
  roles: z
    .array(z.enum(ROLES))
    .min(1, 'name at least one role, or leave roles out')
    .optional()
    .meta({ description: `Who may activate this scene (admin always may); default: ${DEFAULT_SCENE_ROLES.join(', ')}` }),
  remove: z.array(lowerId).default([]).meta({ description: 'Inherited panels to drop' }),
  placements: z.array(PlacementSchema).default([]).meta({ description: 'Drawn in list order, later on top' }),
});

// scheme://host[:port][/path][?query]: written out because the pure layer has no URL class.
const RTSP_URL = /^rtsps?:\/\/([^/?#]*)(\/[^#]*)?$/i;

const rtspUrl = z
  .string()
  .superRefine((value, context) => {
    const url = RTSP_URL.exec(value);
    // ffmpeg prints its input URL in banners and errors: credentials there would reach logs and the process list.
    if (url?.[1]?.includes('@')) context.addIssue({ code: 'custom', message: 'must not carry credentials: give username and password as {env: NAME} or {file, key}' });
    else if (!url || url[1] === '') context.addIssue({ code: 'custom', message: `'${value}' is not an RTSP URL; write e.g. rtsp://10.0.0.21:554/Streaming/Channels/101` });
  })
  .meta({ description: 'rtsp:// or rtsps:// URL, no credentials' });

const cameraCommon = { id: lowerId, name: localisedText };

export const CameraSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      ...cameraCommon,
      kind: z.literal('rtsp'),
      url: rtspUrl,
      subStream: rtspUrl.optional().meta({ description: 'A smaller stream of the same camera, for small tiles' }),
      username: z.union([text, SecretReferenceSchema]).optional(),
      password: SecretReferenceSchema.optional(),
    })
    .meta({ description: 'An IP camera pulled over RTSP (TCP), remuxed without transcoding' }),
  z
    .strictObject({
      ...cameraCommon,
      kind: z.literal('test-pattern'),
      pattern: z.enum(['testsrc2', 'testsrc', 'mandelbrot', 'life']).default('testsrc2').meta({ description: 'A moving ffmpeg lavfi source' }),
      size: z.string().regex(/^[1-9][0-9]{1,3}x[1-9][0-9]{1,3}$/, 'must be WIDTHxHEIGHT, e.g. 640x360').default('640x360'),
      fps: z.int().min(1).max(30).default(15),
    })
    .meta({ description: 'A moving test picture made by ffmpeg, for demos and tests' }),
]);

export const LayoutSchema = z
  .strictObject({
    format: z.literal(LAYOUT_FORMAT),
    wall: WallSchema,
    screens: z.array(ScreenSchema).min(1, 'must list at least one screen'),
    regions: z.array(RegionSchema).default([]),
    fields: z.array(FieldSchema).default([]),
    series: z.array(SeriesSchema).default([]),
    panels: z.array(PanelSchema).default([]),
    scenes: z.array(SceneSchema).min(1, 'must list at least one scene'),
    sources: z
      .strictObject({
        telemetry: TelemetrySchema.optional(),
        cameras: z.array(CameraSchema).default([]).meta({ description: 'Cameras the video panels show' }),
      })
      .optional()
      .meta({ description: 'Where live data comes from' }),
  })
  .meta({ title: 'ioc-wall layout', description: 'A video wall: screens, fields, series, panels and scenes' });

export type WallLayout = z.output<typeof LayoutSchema>;
export type Screen = WallLayout['screens'][number];
export type Region = WallLayout['regions'][number];
export type Field = WallLayout['fields'][number];
export type Series = WallLayout['series'][number];
export type Panel = WallLayout['panels'][number];
export type PanelType = Panel['type'];
export type Scene = WallLayout['scenes'][number];
export type Placement = Scene['placements'][number];
export type PlacementRect = Placement['rect'];
export type LocalisedText = WallLayout['wall']['name'];
export type DemoGenerator = NonNullable<Series['demo']>;
export type Level = NonNullable<Series['levels']>[number];
export type Camera = z.output<typeof CameraSchema>;

/** The series a panel shows, in its own order. */
export function seriesOfPanel(panel: Panel): readonly string[] {
  if (!('series' in panel)) return [];
  return typeof panel.series === 'string' ? [panel.series] : panel.series;
}

/** How old a value of `series` may be before the wall shows it stale: its expected interval times the stale factor. */
export function staleAfterMilliseconds(layout: Pick<WallLayout, 'sources'>, series: Pick<Series, 'expectedInterval'>): number {
  return (layout.sources?.telemetry?.staleFactor ?? DEFAULT_STALE_FACTOR) * durationMilliseconds(series.expectedInterval);
}
