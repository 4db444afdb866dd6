// The decoders run backwards: a series value as the MQTT message a subscription would decode into it (the demo publisher's payloads).
import { parseJsonPath, withValueAt } from './json-path.ts';
import type { Subscription } from './schema.ts';
import { compileSeriesTemplate } from './template.ts';

export interface EncodedMessage {
  readonly topic: string;
  readonly payload: string;
}

/** Topic levels a placeholder does not pin down get the entity's word, else this one. */
const FREE_LEVEL = 'demo';

/** The message that `subscription` decodes into `value` of `series` observed at `time`; undefined when it never feeds that series. */
export function encodeSample(subscription: Subscription, series: string, value: number, time: number): EncodedMessage | undefined {
  const { decoder } = subscription;
  const targets: [target: string, template: string][] =
    decoder.kind === 'number' || decoder.kind === 'json'
      ? [[decoder.kind === 'json' ? decoder.path : '', decoder.series]]
      : Object.entries(decoder.kind === 'json-multi' ? decoder.paths : decoder.attributes);
  for (const [target, template] of targets) {
    const words = compileSeriesTemplate(template).match(series);
    if (!words) continue;
    const topic = fillTopic(subscription.topic, words);
    const raw = (value - (decoder.offset ?? 0)) / (decoder.scale ?? 1);
    const observedAt = new Date(time).toISOString();
    switch (decoder.kind) {
      case 'number':
        return { topic, payload: String(raw) };
      case 'json':
      case 'json-multi': {
        let root = withValueAt(undefined, parseJsonPath(target), raw);
        if (decoder.timePath !== undefined) root = withValueAt(root, parseJsonPath(decoder.timePath), observedAt);
        return { topic, payload: JSON.stringify(root) };
      }
      case 'ngsi-ld': {
        // Normalized form, as a context broker sends it; the entity id's last segment is what {id} reads.
        const entity = words['id'] ?? FREE_LEVEL;
        return {
          topic,
          payload: JSON.stringify({ id: `urn:ngsi-ld:Device:${entity}`, type: 'Device', [target]: { type: 'Property', value: raw, observedAt } }),
        };
      }
    }
  }
  return undefined;
}

/** The topic filter with its `+` levels (and a trailing `#`) replaced by the captured words {1}, {2} ... (or the entity's, as gateways do). */
function fillTopic(filter: string, words: Readonly<Record<string, string>>): string {
  let capture = 0;
  return filter
    .split('/')
    .map((level) => (level === '+' || level === '#' ? (words[String(++capture)] ?? words['id'] ?? FREE_LEVEL) : level))
    .join('/');
}
