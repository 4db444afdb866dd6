// A connection's subscriptions as one decoder: the first subscription whose topic filter matches a message decodes it.
import { compileTopicFilter } from '../../common/telemetry/topic-filter.ts';
import type { DecodeResult, Subscription } from '../../common/telemetry/schema.ts';
import { createDecoder } from './decode.ts';

export type MessageDecoder = (topic: string, payload: Uint8Array, receivedAt: number) => DecodeResult;

export function subscriptionDecoder(subscriptions: readonly Subscription[]): MessageDecoder {
  const compiled = subscriptions.map((subscription) => ({ filter: compileTopicFilter(subscription.topic), decode: createDecoder(subscription.decoder) }));
  return (topic, payload, receivedAt) => {
    for (const { filter, decode } of compiled) {
      const captures = filter.matches(topic);
      if (captures) return decode(payload, { topic, captures, receivedAt });
    }
    // Overlapping or wildcard subscriptions on the broker side can deliver a topic none of ours claims.
    return { ok: false, reason: 'unknown_topic', detail: `no subscription matches topic ${JSON.stringify(topic.slice(0, 120))}` };
  };
}
