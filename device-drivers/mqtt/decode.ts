// Pure MQTT payload decoders: bytes + topic context -> telemetry samples, or one counted drop reason; never throws on any payload.
import { z } from 'zod';
import { durationMilliseconds } from '../../common/wall/duration.ts';
import { DURATION_PATTERN, SERIES_ID_PATTERN as SERIES_PATTERN } from '../../common/wall/schema.ts';
import { JsonPathError, parseJsonPath, valueAt, type JsonPathSegment } from './json-path.ts';

/** Why a payload was dropped. The list is fixed: it becomes the label set of a Prometheus counter. */
export const DROP_REASONS = ['malformed_json', 'wrong_type', 'non_finite', 'too_large', 'unknown_topic', 'future_timestamp'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface Sample {
  readonly series: string;
  readonly value: number;
  /** Epoch milliseconds (UTC). */
  readonly time: number;
}

export type DecodeResult =
  | { readonly ok: true; readonly samples: Sample[] }
  | { readonly ok: false; readonly reason: DropReason; readonly detail: string };

export interface DecodeContext {
  readonly topic: string;
  /** The wildcard levels captured by the subscription's topic filter; `{1}` in a series template is captures[0]. */
  readonly captures: readonly string[];
  /** Arrival time in epoch milliseconds, passed in so decoding stays deterministic. */
  readonly receivedAt: number;
}

export type Decoder = (payload: Uint8Array, context: DecodeContext) => DecodeResult;

export const DEFAULT_MAXIMUM_PAYLOAD_BYTES = 64 * 1024;
export const DEFAULT_FUTURE_TOLERANCE = '5m';

const PLACEHOLDER = /\{([1-9][0-9]?|id)\}/g;

function seriesTemplate(allowEntityId: boolean) {
  return z
    .string()
    .superRefine((template, context) => {
      if (!allowEntityId && template.includes('{id}')) {
        context.addIssue({ code: 'custom', message: `'{id}' is only known to the ngsi-ld decoder; use {1}, {2} ... for topic levels` });
      }
      if (!SERIES_PATTERN.test(template.replace(PLACEHOLDER, 'x'))) {
        context.addIssue({
          code: 'custom',
          message: `series template '${template}' must give field.indicator[.instance] in lowercase, with {1}, {2}${allowEntityId ? ', {id}' : ''} placeholders, e.g. pctt.water_level.{1}`,
        });
      }
    })
    .meta({ description: 'Series id or template, e.g. pctt.water_level.{1}: {n} is the n-th captured topic level' });
}

const jsonPath = z
  .string()
  .superRefine((path, context) => {
    try {
      parseJsonPath(path);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof JsonPathError ? error.message : String(error) });
    }
  })
  .meta({ description: "JSONPath subset: $, .name, ['name'], [index], e.g. $.readings[0].value" });

const commonOptions = {
  scale: z.number().optional().meta({ description: 'Multiplies every value (unit conversion, e.g. 0.01 for cm to m); applied before offset' }),
  offset: z.number().optional().meta({ description: 'Added to every value after scale' }),
  maximumPayloadBytes: z
    .int()
    .positive()
    .optional()
    .meta({ description: `Larger payloads are dropped unread as too_large (default ${DEFAULT_MAXIMUM_PAYLOAD_BYTES})` }),
  futureTolerance: z
    .string()
    .regex(DURATION_PATTERN, 'must be a duration like 30s, 5m or 1h')
    .optional()
    .meta({ description: `How far after arrival a payload time may lie before it is dropped as future_timestamp (default ${DEFAULT_FUTURE_TOLERANCE})` }),
};

const timePath = jsonPath.optional().meta({
  description: 'Where the observation time is: ISO-8601 with a zone, or epoch seconds (< 1e11) or milliseconds; arrival time when absent',
});

export const DecoderSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('number'), series: seriesTemplate(false), ...commonOptions }).meta({
    description: 'The payload is a number written as text, e.g. 3.54',
  }),
  z.strictObject({ kind: z.literal('json'), series: seriesTemplate(false), path: jsonPath, timePath, ...commonOptions }).meta({
    description: 'A JSON payload with one value at path',
  }),
  z
    .strictObject({
      kind: z.literal('json-multi'),
      paths: z
        .record(z.string(), seriesTemplate(false))
        .superRefine((paths, context) => {
          if (Object.keys(paths).length === 0) context.addIssue({ code: 'custom', message: 'map at least one JSONPath to a series' });
          for (const path of Object.keys(paths)) {
            try {
              parseJsonPath(path);
            } catch (error) {
              context.addIssue({ code: 'custom', path: [path], message: error instanceof Error ? error.message : String(error) });
            }
          }
        })
        .meta({ description: 'JSONPath -> series id or template, e.g. { "$.level": "pctt.water_level.{1}" }' }),
      timePath,
      ...commonOptions,
    })
    .meta({ description: 'A JSON object carrying several series' }),
  z
    .strictObject({
      kind: z.literal('ngsi-ld'),
      attributes: z
        .record(z.string().min(1), seriesTemplate(true))
        .refine((attributes) => Object.keys(attributes).length > 0, 'map at least one attribute to a series')
        .meta({ description: 'Attribute name -> series id or template, e.g. { "height": "pctt.water_level.{id}" }' }),
      ...commonOptions,
    })
    .meta({ description: 'An NGSI-LD entity (normalized or keyValues) or a Notification carrying entities' }),
]);

export type DecoderConfig = z.input<typeof DecoderSchema>;

/** Validates `config` (throws a ZodError naming the bad field) and returns a decoder that never throws. */
export function createDecoder(config: DecoderConfig): Decoder {
  const parsed = DecoderSchema.parse(config);
  const limits: Limits = {
    maximumPayloadBytes: parsed.maximumPayloadBytes ?? DEFAULT_MAXIMUM_PAYLOAD_BYTES,
    futureToleranceMilliseconds: durationMilliseconds(parsed.futureTolerance ?? DEFAULT_FUTURE_TOLERANCE),
    scale: parsed.scale ?? 1,
    offset: parsed.offset ?? 0,
  };
  switch (parsed.kind) {
    case 'number':
      return (payload, context) => decodeNumber(payload, context, limits, parsed.series);
    case 'json': {
      const path = parseJsonPath(parsed.path);
      const time = parsed.timePath === undefined ? undefined : parseJsonPath(parsed.timePath);
      return (payload, context) => decodeJson(payload, context, limits, [{ path, source: parsed.path, template: parsed.series }], time, true);
    }
    case 'json-multi': {
      const targets = Object.entries(parsed.paths).map(([source, template]) => ({ path: parseJsonPath(source), source, template }));
      const time = parsed.timePath === undefined ? undefined : parseJsonPath(parsed.timePath);
      return (payload, context) => decodeJson(payload, context, limits, targets, time, false);
    }
    case 'ngsi-ld': {
      const attributes = Object.entries(parsed.attributes);
      return (payload, context) => decodeNgsiLd(payload, context, limits, attributes);
    }
  }
}

interface Limits {
  readonly maximumPayloadBytes: number;
  readonly futureToleranceMilliseconds: number;
  readonly scale: number;
  readonly offset: number;
}

type Drop = Extract<DecodeResult, { ok: false }>;
type Outcome<T> = { readonly ok: true; readonly value: T } | Drop;

function drop(reason: DropReason, detail: string): Drop {
  return { ok: false, reason, detail };
}

/** Echoes a bit of the offending input in a detail without letting a hostile payload flood the log. */
function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function readText(payload: Uint8Array, limits: Limits): Outcome<string> {
  // Checked before decoding so an oversized payload costs nothing but its length.
  if (payload.byteLength > limits.maximumPayloadBytes) {
    return drop('too_large', `payload of ${payload.byteLength} bytes exceeds the ${limits.maximumPayloadBytes}-byte limit`);
  }
  try {
    return { ok: true, value: UTF8.decode(payload) };
  } catch {
    return drop('malformed_json', 'payload is not valid UTF-8');
  }
}

function readJson(payload: Uint8Array, limits: Limits): Outcome<unknown> {
  const text = readText(payload, limits);
  if (!text.ok) return text;
  try {
    return { ok: true, value: JSON.parse(text.value) as unknown };
  } catch (error) {
    return drop('malformed_json', `payload is not JSON: ${error instanceof Error ? error.message.slice(0, 80) : 'parse error'}`);
  }
}

function convert(raw: unknown, where: string, limits: Limits): Outcome<number> {
  if (typeof raw !== 'number') return drop('wrong_type', `${where} is ${show(raw)}, not a number`);
  // JSON.parse turns 1e999 into Infinity; scaling can overflow too, so finiteness is checked on the converted value.
  const value = raw * limits.scale + limits.offset;
  if (!Number.isFinite(raw) || !Number.isFinite(value)) return drop('non_finite', `${where} is ${raw}, which is not finite`);
  return { ok: true, value };
}

// Plain decimal or exponent notation only: Number() alone would also accept '0x1f', '' and ' ', which no sensor means.
const NUMBER_TEXT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const NON_FINITE_TEXT = /^[+-]?(?:infinity|inf|nan)$/i;

function decodeNumber(payload: Uint8Array, context: DecodeContext, limits: Limits, template: string): DecodeResult {
  const text = readText(payload, limits);
  if (!text.ok) return text;
  const trimmed = text.value.trim();
  if (NON_FINITE_TEXT.test(trimmed)) return drop('non_finite', `payload ${show(trimmed)} is not a finite number`);
  if (!NUMBER_TEXT.test(trimmed)) return drop('wrong_type', `payload ${show(trimmed)} is not a number`);
  const value = convert(Number(trimmed), 'payload', limits);
  if (!value.ok) return value;
  const series = expandTemplate(template, context, undefined);
  if (!series.ok) return series;
  return { ok: true, samples: [{ series: series.value, value: value.value, time: context.receivedAt }] };
}

interface JsonTarget {
  readonly path: readonly JsonPathSegment[];
  readonly source: string;
  readonly template: string;
}

/**
 * One target (kind json) must be present. With several (json-multi) a missing path is skipped, because gateways often
 * send only the readings they have; a present value of the wrong type drops the whole payload, as it means a broken sender.
 */
function decodeJson(
  payload: Uint8Array,
  context: DecodeContext,
  limits: Limits,
  targets: readonly JsonTarget[],
  timePathSegments: readonly JsonPathSegment[] | undefined,
  required: boolean,
): DecodeResult {
  const root = readJson(payload, limits);
  if (!root.ok) return root;
  let time = context.receivedAt;
  if (timePathSegments !== undefined) {
    const found = valueAt(root.value, timePathSegments);
    if (found !== undefined && found !== null) {
      const parsed = readTime(found, 'time', context, limits);
      if (!parsed.ok) return parsed;
      time = parsed.value;
    }
  }
  const samples: Sample[] = [];
  for (const target of targets) {
    const raw = valueAt(root.value, target.path);
    if (raw === undefined && !required) continue;
    const value = convert(raw, target.source, limits);
    if (!value.ok) return value;
    const series = expandTemplate(target.template, context, undefined);
    if (!series.ok) return series;
    samples.push({ series: series.value, value: value.value, time });
  }
  if (samples.length === 0) return drop('wrong_type', `none of ${targets.map((target) => target.source).join(', ')} is in the payload`);
  return { ok: true, samples };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function member(record: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Normalized NGSI-LD wraps each attribute as { type: 'Property', value, observedAt?, unitCode? }; keyValues does not. */
function isNormalizedProperty(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && value['type'] === 'Property' && Object.hasOwn(value, 'value');
}

const ENTITY_TIME_ATTRIBUTES = ['dateObserved', 'observedAt', 'updatedAt'] as const;

/**
 * Accepts an entity or an NGSI-LD Notification ({ type: 'Notification', data: [entities] }, what Orion-LD publishes to MQTT).
 * Normalized or keyValues is told per attribute, so a mixed entity (keyValues with one normalized attribute) also decodes.
 */
function decodeNgsiLd(payload: Uint8Array, context: DecodeContext, limits: Limits, attributes: readonly [string, string][]): DecodeResult {
  const root = readJson(payload, limits);
  if (!root.ok) return root;
  if (!isRecord(root.value)) return drop('wrong_type', `payload is ${show(root.value)}, not an NGSI-LD entity object`);
  const notificationData = member(root.value, 'data');
  const entities = root.value['type'] === 'Notification' && Array.isArray(notificationData) ? notificationData : [root.value];
  const samples: Sample[] = [];
  for (const entity of entities) {
    if (!isRecord(entity)) return drop('wrong_type', `notification entry ${show(entity)} is not an NGSI-LD entity object`);
    // Read only when an attribute needs it: an attribute's own observedAt wins, and an entity we take nothing from is not judged.
    let entityTime: Outcome<number> | undefined;
    for (const [attribute, template] of attributes) {
      if (!Object.hasOwn(entity, attribute)) continue;
      const raw = entity[attribute];
      const observedAt = isNormalizedProperty(raw) ? member(raw, 'observedAt') : undefined;
      const time =
        observedAt === undefined
          ? (entityTime ??= readEntityTime(entity, context, limits))
          : readTime(observedAt, `${attribute}.observedAt`, context, limits);
      if (!time.ok) return time;
      const value = isNormalizedProperty(raw) ? raw['value'] : raw;
      const converted = convert(value, attribute, limits);
      if (!converted.ok) return converted;
      const entityId = member(entity, 'id');
      const series = expandTemplate(template, context, typeof entityId === 'string' ? entityId : undefined);
      if (!series.ok) return series;
      samples.push({ series: series.value, value: converted.value, time: time.value });
    }
  }
  if (samples.length === 0) {
    return drop('wrong_type', `no entity carries ${attributes.map(([attribute]) => attribute).join(', ')}`);
  }
  return { ok: true, samples };
}

function readEntityTime(entity: Record<string, unknown>, context: DecodeContext, limits: Limits): Outcome<number> {
  for (const name of ENTITY_TIME_ATTRIBUTES) {
    const raw = member(entity, name);
    if (raw === undefined || raw === null) continue;
    return readTime(isNormalizedProperty(raw) ? raw['value'] : raw, name, context, limits);
  }
  return { ok: true, value: context.receivedAt };
}

// A zone is required with a time of day: without one Date.parse would use the machine's local zone.
const ISO_8601 = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:[0-9]{2}))?$/;
// Below 1e11 a number is read as epoch seconds: 1e11 s is the year 5138, while 1e11 ms is March 1973, before any of our sensors.
const EPOCH_SECONDS_BELOW = 1e11;

/**
 * Observation times: an ISO-8601 string with Z or an offset (a date alone is midnight UTC), an interval 'start/end'
 * (its end, when the observation was complete), a JSON-LD typed literal { '@value': ... }, or an epoch number.
 */
function readTime(raw: unknown, where: string, context: DecodeContext, limits: Limits): Outcome<number> {
  let time = Number.NaN;
  const literal = isRecord(raw) ? member(raw, '@value') : undefined;
  const value = literal ?? raw;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    time = value < EPOCH_SECONDS_BELOW ? value * 1000 : value;
  } else if (typeof value === 'string') {
    const parts = value.split('/');
    if (parts.length <= 2 && parts.every((part) => ISO_8601.test(part))) time = Date.parse(parts[parts.length - 1]!);
  }
  if (!Number.isFinite(time)) return drop('wrong_type', `${where} is ${show(raw)}, not an ISO-8601 time with a zone or an epoch number`);
  if (time > context.receivedAt + limits.futureToleranceMilliseconds) {
    return drop('future_timestamp', `${where} ${show(raw)} is ${Math.round((time - context.receivedAt) / 1000)} s after arrival`);
  }
  return { ok: true, value: time };
}

/** Lower case, Vietnamese diacritics folded (Hương -> huong, Đ -> d), anything else outside [a-z0-9_] turned into _. */
export function seriesWord(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
}

/** `{n}` is the n-th topic capture, `{id}` the entity id's last ':' segment, both made into series words. */
function expandTemplate(template: string, context: DecodeContext, entityId: string | undefined): Outcome<string> {
  let problem: Drop | undefined;
  const series = template.replace(PLACEHOLDER, (_whole, name: string) => {
    if (name === 'id') {
      if (entityId === undefined) problem ??= drop('wrong_type', `series ${template} needs the entity id, and the entity has none`);
      return seriesWord((entityId ?? '').split(':').pop() ?? '');
    }
    const capture = context.captures[Number(name) - 1];
    if (capture === undefined) problem ??= drop('unknown_topic', `series ${template} needs topic level {${name}}, and topic ${show(context.topic)} gave ${context.captures.length}`);
    return seriesWord(capture ?? '');
  });
  if (problem) return problem;
  if (!SERIES_PATTERN.test(series)) {
    return drop('unknown_topic', `topic ${show(context.topic)} gives series ${show(series)}, which is not a series id`);
  }
  return { ok: true, value: series };
}
