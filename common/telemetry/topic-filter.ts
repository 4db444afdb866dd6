// MQTT topic filters (+ and # wildcards): validation by the MQTT 3.1.1/5 rules and matching that captures the wildcard levels.

/** A validated topic filter. */
export interface TopicFilter {
  readonly filter: string;
  /** How many captures a match yields: one per `+` level, plus one for a trailing `#`. */
  readonly captureCount: number;
  /**
   * The captured levels when `topic` matches, else undefined. Captures are the `+` levels in order, then,
   * if the filter ends in `#`, the rest of the topic joined with `/` ('' when `#` matched the parent level).
   */
  matches(topic: string): string[] | undefined;
}

/** A topic filter that breaks the MQTT rules; the message says which rule and where. */
export class TopicFilterError extends Error {
  override readonly name = 'TopicFilterError';
}

// MQTT strings are length-prefixed with 16 bits, so a longer filter can never reach a broker.
const MAXIMUM_UTF8_BYTES = 65_535;

/** UTF-8 length without TextEncoder, which the pure layer's libraries do not declare. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export function compileTopicFilter(filter: string): TopicFilter {
  if (filter.length === 0) throw new TopicFilterError('a topic filter must not be empty');
  if (filter.includes('\u0000')) throw new TopicFilterError(`topic filter '${filter}' contains the null character U+0000`);
  if (utf8Length(filter) > MAXIMUM_UTF8_BYTES) {
    throw new TopicFilterError(`topic filter is longer than ${MAXIMUM_UTF8_BYTES} bytes`);
  }
  const levels = filter.split('/');
  levels.forEach((level, index) => {
    const where = `level ${index + 1} ('${level}') of topic filter '${filter}'`;
    if (level.includes('#')) {
      if (level !== '#') throw new TopicFilterError(`${where}: '#' must stand alone in its level, e.g. 'ioc/pctt/#'`);
      if (index !== levels.length - 1) throw new TopicFilterError(`${where}: '#' must be the last level`);
    }
    if (level.includes('+') && level !== '+') {
      throw new TopicFilterError(`${where}: '+' must stand alone in its level, e.g. 'ioc/pctt/water_level/+'`);
    }
  });
  const endsWithMultiLevel = levels[levels.length - 1] === '#';
  const captureCount = levels.filter((level) => level === '+').length + (endsWithMultiLevel ? 1 : 0);
  // MQTT 4.7.2: a filter starting with a wildcard must not match topics starting with '$' ($SYS/..., broker internals).
  const startsWithWildcard = levels[0] === '+' || levels[0] === '#';

  function matches(topic: string): string[] | undefined {
    // A topic name is never empty and never carries wildcards; such strings are not topics, so nothing matches them.
    if (topic.length === 0 || topic.includes('+') || topic.includes('#')) return undefined;
    if (startsWithWildcard && topic.startsWith('$')) return undefined;
    const topicLevels = topic.split('/');
    const captures: string[] = [];
    for (let index = 0; index < levels.length; index += 1) {
      const level = levels[index]!;
      if (level === '#') {
        captures.push(topicLevels.slice(index).join('/'));
        return captures;
      }
      const topicLevel = topicLevels[index];
      if (topicLevel === undefined) return undefined;
      if (level === '+') captures.push(topicLevel);
      else if (level !== topicLevel) return undefined;
    }
    return topicLevels.length === levels.length ? captures : undefined;
  }

  return { filter, captureCount, matches };
}
