// Reads a layout from YAML text: syntax, schema and cross-checks, every problem at once with its line and column.
import { LineCounter, parseDocument } from 'yaml';
import { BrokerSchema, EmbeddedSchema, SubscriptionSchema } from '../telemetry/schema.ts';
import { checkLayout, LIST_SECTIONS, type CheckInput } from './check.ts';
import { problemsFromIssue, type RawProblem } from './issues.ts';
import { SourceMap, type Position } from './locate.ts';
import { byPosition, formatPath, hasErrors, type PathSegment, type Problem } from './problems.ts';
import {
  CameraSchema,
  FieldSchema,
  LAYOUT_FORMAT,
  LayoutSchema,
  PanelSchema,
  RegionSchema,
  SceneSchema,
  ScreenSchema,
  SeriesSchema,
  type WallLayout,
} from './schema.ts';

export interface ParseResult {
  /** The validated layout; present only when there is no error (warnings may remain). */
  readonly layout?: WallLayout;
  readonly problems: readonly Problem[];
  /** Where a path of the layout is written, for problems found later (e.g. a missing image file). */
  readonly positionOf: (path: readonly PathSegment[]) => Position;
}

/** NFC-normalises every string, so "ế" typed as e + two combining marks equals the precomposed one. */
function normaliseText(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map(normaliseText);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.normalize('NFC'), normaliseText(item)]));
  }
  return value;
}

const ITEM_SCHEMAS = {
  screens: ScreenSchema,
  regions: RegionSchema,
  fields: FieldSchema,
  series: SeriesSchema,
  panels: PanelSchema,
  scenes: SceneSchema,
} satisfies Record<(typeof LIST_SECTIONS)[number], unknown>;

/** Validates every list item on its own, so one broken item hides no problem of the others. */
function checkInput(record: Record<string, unknown>): CheckInput {
  const wall = LayoutSchema.shape.wall.safeParse(record.wall);
  const complete = new Set<(typeof LIST_SECTIONS)[number]>();
  const items: Record<string, unknown[]> = {};
  const ids: Record<string, Set<string>> = {};
  for (const section of LIST_SECTIONS) {
    const list = Array.isArray(record[section]) ? (record[section] as unknown[]) : [];
    const element = ITEM_SCHEMAS[section];
    items[section] = list.map((item) => element.safeParse(item).data);
    ids[section] = new Set(list.flatMap((item) => (item !== null && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string' ? [(item as { id: string }).id] : [])));
    if (Array.isArray(record[section]) && items[section].every((item) => item !== undefined)) complete.add(section);
    else if (record[section] === undefined && section !== 'screens' && section !== 'scenes') complete.add(section);
  }
  return { wall: wall.data, items, ids, complete, telemetry: telemetryInput(record.sources), cameras: camerasInput(record.sources) } as unknown as CheckInput;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Ids as written, whether or not their item passed, so a broken item is not also reported as a dangling reference. */
const idsOf = (list: readonly unknown[]) => new Set(list.flatMap((item) => (isRecord(item) && typeof item.id === 'string' ? [item.id] : [])));

/** sources.cameras item by item. */
function camerasInput(sources: unknown): CheckInput['cameras'] {
  const cameras = isRecord(sources) && Array.isArray(sources.cameras) ? (sources.cameras as unknown[]) : [];
  return { items: cameras.map((item) => CameraSchema.safeParse(item).data), ids: idsOf(cameras) };
}

/** sources.telemetry item by item, like the list sections: a broken broker hides no problem of a subscription. */
function telemetryInput(sources: unknown): CheckInput['telemetry'] {
  const telemetry = isRecord(sources) ? sources.telemetry : undefined;
  if (!isRecord(telemetry)) return undefined;
  const list = (key: string) => (Array.isArray(telemetry[key]) ? (telemetry[key] as unknown[]) : []);
  return {
    brokers: list('brokers').map((item) => BrokerSchema.safeParse(item).data),
    brokerIds: idsOf(list('brokers')),
    subscriptions: list('subscriptions').map((item) => SubscriptionSchema.safeParse(item).data),
    ...(telemetry.embedded === undefined ? {} : { embedded: EmbeddedSchema.safeParse(telemetry.embedded).data }),
  };
}

/**
 * A mistake inside a YAML anchor shows up once per alias that uses it; report it once, at the anchor,
 * saying how many places share it.
 */
function dedupe(problems: readonly Problem[]): Problem[] {
  const groups = new Map<string, Problem[]>();
  for (const problem of problems) {
    const key = `${problem.line}:${problem.column}:${problem.severity}:${problem.message}`;
    groups.set(key, [...(groups.get(key) ?? []), problem]);
  }
  return [...groups.values()].map(([first, ...others]) =>
    others.length === 0 ? first! : { ...first!, message: `${first!.message} (shared through a YAML alias by ${others.length + 1} places)` },
  );
}

export function parseLayout(source: string): ParseResult {
  const lines = new LineCounter();
  const document = parseDocument(source, { lineCounter: lines, merge: true, uniqueKeys: true, prettyErrors: false });
  const map = new SourceMap(document, lines);
  const positionOf = (path: readonly PathSegment[]) => map.positionOf(path);
  const syntax = [...document.errors, ...document.warnings].map((error): Problem => {
    const { line, column } = map.positionOfOffset(error.pos[0]);
    const severity = error.name === 'YAMLWarning' ? 'warning' : 'error';
    return { severity, line, column, path: '', message: `YAML: ${error.message}` };
  });
  if (hasErrors(syntax)) return { problems: syntax.sort(byPosition), positionOf };

  let data: unknown;
  try {
    data = normaliseText(document.toJS({ maxAliasCount: 1000 }));
  } catch (error) {
    return { problems: [{ severity: 'error', line: 1, column: 1, path: '', message: `YAML: ${(error as Error).message}` }], positionOf };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      problems: [{ severity: 'error', line: 1, column: 1, path: '', message: 'a layout is a map with the keys format, wall, screens, ... (see the README)' }],
      positionOf,
    };
  }
  const record = data as Record<string, unknown>;
  if (typeof record.format === 'string' && record.format !== LAYOUT_FORMAT) {
    const { line, column } = map.positionOf(['format']);
    return {
      problems: [{ severity: 'error', line, column, path: 'format', message: `unsupported format '${record.format}'; this version reads ${LAYOUT_FORMAT}` }],
      positionOf,
    };
  }

  const raw: RawProblem[] = [];
  const parsed = LayoutSchema.safeParse(data);
  if (!parsed.success) raw.push(...parsed.error.issues.flatMap((issue) => problemsFromIssue(issue, LayoutSchema, data)));

  raw.push(...checkLayout(checkInput(record)));

  const problems = dedupe([
    ...syntax,
    ...raw.map((problem): Problem => {
      const { line, column } = map.positionOf(problem.path, { key: problem.atKey });
      return {
        severity: problem.severity ?? 'error',
        line,
        column,
        path: formatPath(problem.path),
        message: problem.message,
        ...(problem.suggestion === undefined ? {} : { suggestion: problem.suggestion }),
      };
    }),
  ]).sort(byPosition);
  return parsed.success && !hasErrors(problems) ? { layout: parsed.data, problems, positionOf } : { problems, positionOf };
}
