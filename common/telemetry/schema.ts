// The telemetry section of a layout (brokers, subscriptions, decoders) and what decoding yields: pure, shared by the validator, main and the drivers.
import { z } from 'zod';
import { ROLES } from '../contract/roles.ts';
import { DURATION_PATTERN, SERIES_ID_PATTERN as SERIES_PATTERN } from '../wall/patterns.ts';
import { JsonPathError, parseJsonPath } from './json-path.ts';
import { SecretReferenceSchema } from '../wall/secret-reference.ts';
import { compileTopicFilter, TopicFilterError } from './topic-filter.ts';

export { SecretReferenceSchema, type SecretReference } from '../wall/secret-reference.ts';

/** Why a payload was dropped. The list is fixed: it becomes the label set of a Prometheus counter. */
export const DROP_REASONS = ['malformed_json', 'wrong_type', 'non_finite', 'too_large', 'unknown_topic', 'future_timestamp'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** One decoded observation. */
export interface Sample {
  readonly series: string;
  readonly value: number;
  /** Epoch milliseconds (UTC): the payload's observation time, else arrival. */
  readonly time: number;
}

export type DecodeResult =
  | { readonly ok: true; readonly samples: Sample[] }
  | { readonly ok: false; readonly reason: DropReason; readonly detail: string };

export const DEFAULT_MAXIMUM_PAYLOAD_BYTES = 64 * 1024;
export const DEFAULT_FUTURE_TOLERANCE = '5m';

export const PLACEHOLDER = /\{([1-9][0-9]?|id)\}/g;

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

const lowerId = z.string().regex(/^[a-z0-9_]+$/, 'must be a lowercase word of a-z, 0-9 and _');
const text = z.string().min(1, 'must not be empty');
const duration = z.string().regex(DURATION_PATTERN, 'must be a duration like 1s, 30s or 5m');

const BROKER_PROTOCOLS = ['mqtt', 'mqtts', 'ws', 'wss'];
// scheme://host[:port][/path]: written out because the pure layer has no URL class.
const BROKER_URL = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?$/i;
const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::([0-9]{1,5}))?$/i;

const brokerUrl = z
  .string()
  .superRefine((value, context) => {
    const url = BROKER_URL.exec(value);
    const authority = url?.[2] ?? '';
    // A password in the URL would reach logs, the process list and git.
    if (authority.includes('@')) {
      context.addIssue({ code: 'custom', message: 'must not carry credentials: give username and password as {env: NAME} or {file, key}' });
      return;
    }
    const hostPort = HOST_PORT.exec(authority);
    if (!url || !hostPort || Number(hostPort[2] ?? 1) > 65_535 || Number(hostPort[2] ?? 1) < 1) {
      context.addIssue({ code: 'custom', message: `'${value}' is not a broker URL; write e.g. mqtt://broker.example:1883 or mqtts://broker.example:8883` });
    } else if (!BROKER_PROTOCOLS.includes(url[1]!.toLowerCase())) {
      context.addIssue({ code: 'custom', message: `protocol '${url[1]}' is not one of ${BROKER_PROTOCOLS.join(', ')}` });
    }
  })
  .meta({ description: 'mqtt://, mqtts://, ws:// or wss:// with host and port, no credentials' });

/** A topic name the wall publishes to or listens on: no wildcards, not a broker's own ($SYS ...). */
const plainTopic = z
  .string()
  .superRefine((topic, context) => {
    if (topic.length === 0) context.addIssue({ code: 'custom', message: 'a topic must not be empty' });
    else if (/[+#]/.test(topic)) context.addIssue({ code: 'custom', message: `'${topic}' is a topic filter: a command topic is one plain topic, without '+' or '#'` });
    else if (topic.startsWith('$')) context.addIssue({ code: 'custom', message: `'${topic}' starts with '$', which brokers keep for themselves ($SYS ...)` });
    else if (topic.includes('\u0000')) context.addIssue({ code: 'custom', message: 'a topic must not contain the null character U+0000' });
  })
  .meta({ description: 'A plain MQTT topic (no + or #)' });

export const CommandIdentitySchema = z
  .strictObject({
    name: lowerId.meta({ description: 'Audited as mqtt:<broker id>:<name>' }),
    role: z.enum(ROLES).meta({ description: "The role commands act with; a scene's roles decide what it may activate" }),
  })
  .meta({ description: 'Who the commands of this broker act as' });

export const CommandsSchema = z
  .strictObject({
    topic: plainTopic.optional().meta({ description: 'Where commands arrive (QoS 1), e.g. {"scene": "flood"}; default ioc-wall/<wall id>/command' }),
    identity: CommandIdentitySchema,
  })
  .meta({ description: 'Scene commands over MQTT: opt-in; the wall also publishes its scene, retained, on ioc-wall/<wall id>/state' });

export const BrokerSchema = z
  .strictObject({
    id: lowerId,
    url: brokerUrl,
    clientId: text.optional().meta({ description: 'MQTT client id; default ioc-wall-<wall id>' }),
    username: z.union([text, SecretReferenceSchema]).optional(),
    password: SecretReferenceSchema.optional(),
    tls: z
      .strictObject({
        ca: text.optional().meta({ description: 'CA certificate file (PEM), relative to the layout file' }),
        cert: text.optional().meta({ description: 'Client certificate file (PEM)' }),
        key: SecretReferenceSchema.optional().meta({ description: 'Client private key (PEM), by reference' }),
        rejectUnauthorized: z.boolean().default(true).meta({ description: 'Refuse a broker whose certificate does not verify' }),
        servername: text.optional().meta({ description: 'Name to verify the certificate against, when not the URL host' }),
      })
      .optional(),
    keepalive: duration.default('30s'),
    reconnect: z
      .strictObject({ first: duration.default('1s'), maximum: duration.default('30s') })
      .default({ first: '1s', maximum: '30s' })
      .meta({ description: 'Backoff between reconnection attempts: first delay, doubling up to maximum' }),
    commands: CommandsSchema.optional(),
  })
  .meta({ description: 'An MQTT broker the wall subscribes to' });

const topicFilter = z
  .string()
  .superRefine((filter, context) => {
    try {
      compileTopicFilter(filter);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof TopicFilterError ? error.message : String(error) });
    }
  })
  .meta({ description: "MQTT topic filter; each '+' level (and a trailing '#') is captured as {1}, {2} ..." });

export const SubscriptionSchema = z
  .strictObject({
    topic: topicFilter,
    broker: lowerId.optional().meta({ description: 'Broker id; may be left out when the layout names at most one broker' }),
    qos: z.literal([0, 1, 2]).default(0),
    unit: z.string().optional().meta({ description: 'Unit of the decoded values (after scale and offset); must be the unit of every series fed' }),
    decoder: DecoderSchema,
  })
  .meta({ description: 'Topic filter -> series, with a decoder' });

export const EmbeddedClientSchema = z
  .strictObject({
    username: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 letters, digits, _, . or -'),
    password: SecretReferenceSchema,
    publish: z.array(topicFilter).min(1, 'name at least one topic filter').meta({ description: 'Topic filters it may publish to (the command topic only if one covers it)' }),
  })
  .meta({ description: 'A client the embedded broker knows by name and password' });

export const EmbeddedSchema = z
  .strictObject({
    commands: CommandsSchema.optional(),
    clients: z.array(EmbeddedClientSchema).default([]),
  })
  .meta({
    description:
      'The embedded broker (used when no broker is named, and in demo mode): scene commands, and named clients. Clients without a name may publish anything but the command and state topics',
  });

export const DEFAULT_STALE_FACTOR = 3;

export const TelemetrySchema = z
  .strictObject({
    brokers: z.array(BrokerSchema).default([]).meta({ description: 'None: serve starts an embedded broker on 127.0.0.1' }),
    subscriptions: z.array(SubscriptionSchema).default([]),
    embedded: EmbeddedSchema.optional(),
    staleFactor: z
      .number()
      .min(1, 'must be 1 or more')
      .default(DEFAULT_STALE_FACTOR)
      .meta({ description: 'A value older than its expected interval times this is shown stale' }),
  })
  .meta({ description: 'Live telemetry over MQTT' });

export type Broker = z.output<typeof BrokerSchema>;
export type Commands = z.output<typeof CommandsSchema>;
export type CommandIdentity = z.output<typeof CommandIdentitySchema>;
export type Embedded = z.output<typeof EmbeddedSchema>;
export type EmbeddedClient = z.output<typeof EmbeddedClientSchema>;
export type Subscription = z.output<typeof SubscriptionSchema>;
export type Telemetry = z.output<typeof TelemetrySchema>;
export type DecoderOptions = z.output<typeof DecoderSchema>;

/** The series templates a decoder fills in. */
export function templatesOf(decoder: DecoderOptions): string[] {
  switch (decoder.kind) {
    case 'number':
    case 'json':
      return [decoder.series];
    case 'json-multi':
      return Object.values(decoder.paths);
    case 'ngsi-ld':
      return Object.values(decoder.attributes);
  }
}

/** Where a wall takes scene commands on a broker: the configured topic, else ioc-wall/<wall id>/command. */
export function commandTopicOf(wallId: string, commands: Pick<Commands, 'topic'>): string {
  return commands.topic ?? `ioc-wall/${wallId}/command`;
}

/** Where a wall publishes its scene, retained: {"scene": id, "version": n, "committedAt": ms}. */
export function stateTopicOf(wallId: string): string {
  return `ioc-wall/${wallId}/state`;
}
