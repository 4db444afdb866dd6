// MQTT topic filters: the validation rules, captured levels, $-topics, and agreement with a naive regular-expression matcher.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTopicFilter, TopicFilterError } from './topic-filter.ts';

describe('compileTopicFilter', () => {
  it.each([
    ['', /must not be empty/],
    ['ioc/#/water_level', /'#' must be the last level/],
    ['ioc/pctt#', /'#' must stand alone/],
    ['ioc/pctt/#x', /'#' must stand alone/],
    ['ioc/+station/level', /'\+' must stand alone/],
    ['ioc/pctt/a+', /'\+' must stand alone/],
    ['ioc/\u0000', /null character/],
  ])('rejects %j with a message naming the rule', (filter, message) => {
    expect(() => compileTopicFilter(filter)).toThrow(TopicFilterError);
    expect(() => compileTopicFilter(filter)).toThrow(message);
  });

  it('accepts the valid wildcard placements of the MQTT spec', () => {
    for (const filter of ['#', '+', '+/+', '/+', 'ioc/+/water_level/#', 'ioc//x', 'ioc/pctt/water_level/+']) {
      expect(() => compileTopicFilter(filter)).not.toThrow();
    }
  });

  it('captures the station of a water-level subscription', () => {
    const filter = compileTopicFilter('ioc/pctt/water_level/+');
    expect(filter.captureCount).toBe(1);
    expect(filter.matches('ioc/pctt/water_level/kim_long')).toEqual(['kim_long']);
    expect(filter.matches('ioc/pctt/water_level/kim_long/raw')).toBeUndefined();
    expect(filter.matches('ioc/pctt/water_level')).toBeUndefined();
    expect(filter.matches('ioc/pctt/rain/kim_long')).toBeUndefined();
  });

  it('captures + levels in order, then the rest under #, which also matches the parent level', () => {
    const filter = compileTopicFilter('ioc/+/sensors/+/#');
    expect(filter.captureCount).toBe(3);
    expect(filter.matches('ioc/moitruong/sensors/aqi_01/pm25/raw')).toEqual(['moitruong', 'aqi_01', 'pm25/raw']);
    expect(filter.matches('ioc/moitruong/sensors/aqi_01')).toEqual(['moitruong', 'aqi_01', '']);
    expect(compileTopicFilter('#').matches('a/b')).toEqual(['a/b']);
  });

  it('does not match $-topics with a leading wildcard, but does with a literal first level', () => {
    expect(compileTopicFilter('#').matches('$SYS/broker/uptime')).toBeUndefined();
    expect(compileTopicFilter('+/broker/uptime').matches('$SYS/broker/uptime')).toBeUndefined();
    expect(compileTopicFilter('$SYS/#').matches('$SYS/broker/uptime')).toEqual(['broker/uptime']);
    expect(compileTopicFilter('$SYS/+/uptime').matches('$SYS/broker/uptime')).toEqual(['broker']);
  });

  it('treats empty levels as levels', () => {
    expect(compileTopicFilter('+/a').matches('/a')).toEqual(['']);
    expect(compileTopicFilter('a/+').matches('a/')).toEqual(['']);
    expect(compileTopicFilter('a/+').matches('a')).toBeUndefined();
  });

  it('never matches strings that are not topic names', () => {
    expect(compileTopicFilter('#').matches('')).toBeUndefined();
    expect(compileTopicFilter('a/+').matches('a/+')).toBeUndefined();
    expect(compileTopicFilter('a/#').matches('a/#')).toBeUndefined();
  });
});

/** Reference: the filter turned into a regular expression, written independently of the level-walking matcher. */
function referenceMatches(filter: string, topic: string): boolean {
  if (topic === '' || /[+#]/.test(topic)) return false;
  if (/^[+#]/.test(filter) && topic.startsWith('$')) return false;
  const escaped = filter.split('/').map((level) => (level === '+' ? '[^/]*' : level === '#' ? '#' : level.replace(/[$.*?^()[\]{}|\\]/g, '\\$&')));
  let pattern = escaped.join('/');
  if (pattern === '#') pattern = '.*';
  else if (pattern.endsWith('/#')) pattern = `${pattern.slice(0, -2)}(?:/.*)?`;
  return new RegExp(`^${pattern}$`, 's').test(topic);
}

const level = fc.constantFrom('a', 'b', '$a', '', 'ioc');
const filterArbitrary = fc
  .tuple(fc.array(fc.oneof(level, fc.constant('+')), { minLength: 0, maxLength: 4 }), fc.boolean())
  .map(([levels, multi]) => (multi ? [...levels, '#'] : levels).join('/'))
  .filter((filter) => filter.length > 0);
const topicArbitrary = fc.array(level, { minLength: 1, maxLength: 5 }).map((levels) => levels.join('/'));

describe('topic matching properties', () => {
  it('agrees with the reference matcher on every filter and topic', () => {
    fc.assert(
      fc.property(filterArbitrary, topicArbitrary, (filter, topic) => {
        expect(compileTopicFilter(filter).matches(topic) !== undefined).toBe(referenceMatches(filter, topic));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives captures that, put back into the filter, rebuild the topic', () => {
    fc.assert(
      fc.property(filterArbitrary, topicArbitrary, (filter, topic) => {
        const compiled = compileTopicFilter(filter);
        const captures = compiled.matches(topic);
        if (captures === undefined) return;
        expect(captures).toHaveLength(compiled.captureCount);
        const queue = [...captures];
        const rebuilt = filter
          .split('/')
          .map((part) => (part === '+' || part === '#' ? queue.shift()! : part))
          .join('/');
        // '#' matching the parent level leaves a trailing '/' from the join.
        expect(rebuilt === topic || rebuilt === `${topic}/`).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
