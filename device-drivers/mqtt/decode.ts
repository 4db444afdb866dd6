// Pure MQTT payload decoders: bytes + topic context -> telemetry samples, or one counted drop reason; never throws on any payload.
import { parseJsonPath, valueAt, type JsonPathSegment } from '../../common/telemetry/json-path.ts';
import {
  DEFAULT_FUTURE_TOLERANCE,
  DEFAULT_MAXIMUM_PAYLOAD_BYTES,
  DecoderSchema,
  PLACEHOLDER,
  type DecodeResult,
  type DecoderConfig,
  type DropReason,
  type Sample,
} from '../../common/telemetry/schema.ts';
import { durationMilliseconds } from '../../common/wall/duration.ts';
import { SERIES_ID_PATTERN as SERIES_PATTERN } from '../../common/wall/patterns.ts';

export { DROP_REASONS, DecoderSchema, type DecodeResult, type DecoderConfig, type DropReason, type Sample } from '../../common/telemetry/schema.ts';

export interface DecodeContext {
  readonly topic: string;
  /** The wildcard levels captured by the subscription's topic filter; `{1}` in a series template is captures[0]. */
  readonly captures: readonly string[];
  /** Arrival time in epoch milliseconds, passed in so decoding stays deterministic. */
  readonly receivedAt: number;
}

export type Decoder = (payload: Uint8Array, context: DecodeContext) => DecodeResult;


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
