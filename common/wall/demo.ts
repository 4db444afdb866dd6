// Simulated values for a series' demo generator: pure functions of (seed, series id, step), with the time and the seed injected.
import { durationMilliseconds } from './duration.ts';
import type { DemoGenerator, Series } from './schema.ts';

export interface DemoSample {
  /** Epoch milliseconds: the start of the step the value belongs to. */
  readonly time: number;
  readonly value: number;
}

export interface DemoSeries {
  /** The value at `time` (epoch ms). Deterministic: the same seed, spec and time give the same value, in any call order. */
  valueAt(time: number): number;
  /** Samples from `from` to `to` (inclusive of the last step at or before `to`), one per step of the series' expected interval, oldest first, at most `limit` (default 500) samples: keep the newest ones. */
  history(from: number, to: number, limit?: number): DemoSample[];
  /** Step length in ms (the series' expectedInterval, see durationMilliseconds). Values change only at step boundaries (floor(time/step)*step), so a poller knows when to look again. */
  readonly stepMilliseconds: number;
}

const DAY_MILLISECONDS = 86_400_000;
/** Date (and so Intl) represents times up to 8.64e15 ms either side of 1970; keep two days clear for the local-day look-ups. */
const LARGEST_TIME = 8.64e15 - 2 * DAY_MILLISECONDS;

/**
 * Every generator counts from here, so a value depends on (seed, series id, step) and never on when
 * the wall started: walks are indexed by steps since this instant, batches and never-reset counts by
 * wall-local days since the local date 2026-01-01.
 */
const REFERENCE_EPOCH = Date.UTC(2026, 0, 1);
const REFERENCE_DAY = REFERENCE_EPOCH / DAY_MILLISECONDS;

/** A random walk is computed in blocks of this many steps; a block is the unit of caching. */
const WALK_BLOCK_STEPS = 2048;
/** Each block's walk starts at `start` this many steps before the block, so it has forgotten its start by the block's first step. */
const WALK_WARM_UP_STEPS = 2048;
/** Pull toward `start` per step: enough to keep the walk off the bounds, small enough that it still wanders (stationary spread ≈ 7 steps). */
const WALK_MEAN_REVERSION = 0.01;
/** Blocks kept in memory: a chart window and the live value rarely span more than two. */
const WALK_BLOCKS_KEPT = 4;
/** Above this mean, Knuth's product method gets slow and the normal approximation is good. */
const POISSON_EXACT_LIMIT = 30;
/** Up to this many trials, a binomial draw is made trial by trial; above it, by the normal approximation. */
const BINOMIAL_EXACT_LIMIT = 40;

/** Independent random streams of one series, so that e.g. a diurnal step and a poisson day never share numbers. */
const Stream = { walk: 1, diurnal: 2, poissonDay: 3 } as const;

/**
 * Simulated values for `series`, or undefined when it has no `demo` generator.
 * `timezone` is the wall's IANA time zone (local days, peaks and batch times are read in it);
 * `seed` (default 0) picks one of many equally plausible histories.
 * Throws RangeError for a time zone Intl does not know (the layout schema already rejects those).
 */
export function demoSeries(series: Series, options: { timezone: string; seed?: number }): DemoSeries | undefined {
  const generator = series.demo;
  if (generator === undefined) return undefined;
  const stepMilliseconds = durationMilliseconds(series.expectedInterval);
  const context: GeneratorContext = {
    stepMilliseconds,
    referenceStep: Math.floor(REFERENCE_EPOCH / stepMilliseconds),
    key: (stream) => hashWords([...wordsOfNumber(options.seed ?? 0), hashText(series.id), stream]),
    calendar: () => new WallCalendar(options.timezone),
  };
  const valueAtStep = stepValues(generator, context);
  const valueAt = (time: number): number => {
    const step = Math.floor(time / stepMilliseconds);
    return Math.abs(step * stepMilliseconds) <= LARGEST_TIME ? valueAtStep(step) : Number.NaN; // NaN and ±Infinity fail the test too
  };
  return {
    stepMilliseconds,
    valueAt,
    history(from, to, limit = 500) {
      if (!Number.isFinite(from) || !Number.isFinite(to) || !(limit >= 1)) return [];
      const last = Math.floor(to / stepMilliseconds);
      const first = Math.max(Math.ceil(from / stepMilliseconds), last - Math.floor(limit) + 1);
      const samples: DemoSample[] = [];
      for (let step = first; step <= last; step++) {
        const time = step * stepMilliseconds;
        samples.push({ time, value: valueAt(time) });
      }
      return samples;
    },
  };
}

interface GeneratorContext {
  readonly stepMilliseconds: number;
  /** Index of the step that contains REFERENCE_EPOCH; random streams are indexed from it to keep the numbers small. */
  readonly referenceStep: number;
  /** The 32-bit key of one random stream of this series and seed. */
  key(stream: number): number;
  /** Made only by generators that read the wall clock, so a constant never needs Intl. */
  calendar(): WallCalendar;
}

/** The value of step `step` (floor(time / stepMilliseconds)), for each generator kind. */
function stepValues(generator: DemoGenerator, context: GeneratorContext): (step: number) => number {
  switch (generator.kind) {
    case 'constant':
      return () => generator.value;
    case 'random_walk':
      return randomWalk(generator, context);
    case 'diurnal':
      return diurnal(generator, context);
    case 'daily_batch':
      return dailyBatch(generator, context);
    case 'poisson':
      return poisson(generator, context);
  }
}

type GeneratorOf<Kind extends DemoGenerator['kind']> = Extract<DemoGenerator, { kind: Kind }>;

/**
 * A walk that must be evaluable at any step, in any order, with the same answer.
 * Steps are grouped in blocks of WALK_BLOCK_STEPS; block k's walk starts at `start` WALK_WARM_UP_STEPS
 * steps before the block and is driven by each step's own noise (a hash of seed, id and step index).
 * So a value is a function of (seed, id, step) only, and a cached block and a recomputed one are the
 * same numbers. Within a block, consecutive values differ by exactly one step. At a block boundary the
 * next block's walk takes over; both walks have seen the same 2048 noises, and mean reversion and the
 * reflection shrink their distance by at least 0.99 a step, so the handover is below 1e-8 of the range.
 */
function randomWalk(generator: GeneratorOf<'random_walk'>, context: GeneratorContext): (step: number) => number {
  const lowest = Math.min(generator.min, generator.max);
  const highest = Math.max(generator.min, generator.max);
  const home = Math.min(Math.max(generator.start, lowest), highest);
  const key = context.key(Stream.walk);
  const blocks = new Map<number, Float64Array>();

  const computeBlock = (block: number): Float64Array => {
    const first = block * WALK_BLOCK_STEPS;
    const path = new Float64Array(WALK_BLOCK_STEPS);
    let value = home;
    for (let step = first - WALK_WARM_UP_STEPS + 1; step < first + WALK_BLOCK_STEPS; step++) {
      const pulled = value + WALK_MEAN_REVERSION * (home - value);
      value = reflectInto(pulled + generator.step * standardNormal(streamRandom(key, step)), lowest, highest);
      if (step >= first) path[step - first] = value;
    }
    return path;
  };

  return (step) => {
    const relative = step - context.referenceStep;
    const block = Math.floor(relative / WALK_BLOCK_STEPS);
    let path = blocks.get(block);
    if (path === undefined) {
      path = computeBlock(block);
      blocks.set(block, path);
      // Map keeps insertion order, so the first key is the block computed longest ago.
      if (blocks.size > WALK_BLOCKS_KEPT) blocks.delete(blocks.keys().next().value!);
    }
    return path[relative - block * WALK_BLOCK_STEPS]!;
  };
}

/** Folds a value back into [lowest, highest] as a ball bounces off walls, so the walk leaves a bound as easily as it reached it. */
function reflectInto(value: number, lowest: number, highest: number): number {
  const span = highest - lowest;
  if (!(span > 0)) return lowest;
  const period = 2 * span;
  let offset = (value - lowest) % period;
  if (offset < 0) offset += period;
  return lowest + (offset > span ? period - offset : offset);
}

/** base × (1 + Σ gain · bell around each peak) × weekend factor × (1 + noise · u), all read on the wall clock. */
function diurnal(generator: GeneratorOf<'diurnal'>, context: GeneratorContext): (step: number) => number {
  const calendar = context.calendar();
  const key = context.key(Stream.diurnal);
  const peaks = generator.peaks.map((peak) => ({
    at: clockMilliseconds(peak.at),
    // σ = width / 2: the curve is above 60 % of its height over `width`.
    spread: durationMilliseconds(peak.width) / 2,
    gain: peak.gain,
  }));
  return (step) => {
    const local = calendar.localTime(step * context.stepMilliseconds);
    const day = Math.floor(local / DAY_MILLISECONDS);
    const timeOfDay = local - day * DAY_MILLISECONDS;
    let shape = 1;
    for (const peak of peaks) {
      // Distance on the 24-hour circle, so a peak at 23:30 also lifts 00:15.
      const apart = Math.abs(timeOfDay - peak.at);
      const distance = Math.min(apart, DAY_MILLISECONDS - apart);
      shape += peak.gain * Math.exp(-0.5 * (distance / peak.spread) ** 2);
    }
    const weekday = weekdayOf(day);
    const weekend = weekday === 0 || weekday === 6 ? generator.weekend : 1;
    const jitter = 2 * streamRandom(key, step - context.referenceStep)() - 1;
    return generator.base * shape * weekend * (1 + generator.noise * jitter);
  };
}

/**
 * start × (1 + growth)^batches, where batches counts the daily batch times (local `at`) since local
 * midnight of 1 January of the step's year: year-to-date figures (revenue, disbursement) start
 * again each year, as the real ones do, instead of compounding for ever.
 */
function dailyBatch(generator: GeneratorOf<'daily_batch'>, context: GeneratorContext): (step: number) => number {
  const calendar = context.calendar();
  const at = clockMilliseconds(generator.at);
  let cachedDay = Number.NaN;
  let cachedBatchTime = Number.NaN;
  return (step) => {
    const time = step * context.stepMilliseconds;
    const day = calendar.dayOf(time);
    if (day !== cachedDay) {
      cachedDay = day;
      cachedBatchTime = calendar.instantOf(day * DAY_MILLISECONDS + at);
    }
    const yearStart = Date.UTC(new Date(day * DAY_MILLISECONDS).getUTCFullYear(), 0, 1) / DAY_MILLISECONDS;
    const batches = day - yearStart + (time >= cachedBatchTime ? 1 : 0);
    return generator.start * (1 + generator.growth) ** batches;
  };
}

/** The events of one wall-local day, spread over its steps, as running totals. */
interface DayCounts {
  readonly day: number;
  readonly firstStep: number;
  /** runningTotal[i]: events from local midnight up to and including step firstStep + i. */
  readonly runningTotal: Float64Array;
}

/**
 * A running count of events at `rate` per `per`. Each local day's total is drawn once,
 * Poisson(mean per step × steps in the day), from the day's own random stream, and its events are
 * then spread over the day's steps by binomial halving; by the splitting property of the Poisson
 * process each step's count is then Poisson(rate × step / per), independent of the others. Drawing
 * the day total first lets `reset: never` add up the totals of past days without visiting their steps.
 */
function poisson(generator: GeneratorOf<'poisson'>, context: GeneratorContext): (step: number) => number {
  const calendar = context.calendar();
  const key = context.key(Stream.poissonDay);
  const { stepMilliseconds } = context;
  const meanPerStep = (generator.rate * stepMilliseconds) / durationMilliseconds(generator.per);

  // A step belongs to the local day in which it starts.
  const firstStepOf = (day: number) => Math.ceil(calendar.startOfDay(day) / stepMilliseconds);
  const stepCountOf = (day: number) => firstStepOf(day + 1) - firstStepOf(day);
  const dayRandom = (day: number) => streamRandom(key, day - REFERENCE_DAY);
  const drawDayTotal = (day: number, random: () => number) => poissonDraw(meanPerStep * stepCountOf(day), random);

  const countsOf = (day: number): DayCounts => {
    const firstStep = firstStepOf(day);
    const runningTotal = new Float64Array(stepCountOf(day));
    const random = dayRandom(day);
    spreadEvents(drawDayTotal(day, random), runningTotal, 0, runningTotal.length, random);
    for (let index = 1; index < runningTotal.length; index++) runningTotal[index]! += runningTotal[index - 1]!;
    return { day, firstStep, runningTotal };
  };

  // Events before each local day, counted from REFERENCE_DAY (negative before it): only for reset 'never'.
  const eventsBefore = new Map<number, number>([[REFERENCE_DAY, 0]]);
  let lowestKnownDay = REFERENCE_DAY;
  let highestKnownDay = REFERENCE_DAY;
  const eventsBeforeDay = (day: number): number => {
    for (; highestKnownDay < day; highestKnownDay++) {
      eventsBefore.set(highestKnownDay + 1, eventsBefore.get(highestKnownDay)! + drawDayTotal(highestKnownDay, dayRandom(highestKnownDay)));
    }
    for (; lowestKnownDay > day; lowestKnownDay--) {
      const previous = lowestKnownDay - 1;
      eventsBefore.set(previous, eventsBefore.get(lowestKnownDay)! - drawDayTotal(previous, dayRandom(previous)));
    }
    return eventsBefore.get(day)!;
  };

  // Two days: the live value and a chart window that reaches back over midnight.
  let current: DayCounts | undefined;
  let previous: DayCounts | undefined;
  return (step) => {
    const day = calendar.dayOf(step * stepMilliseconds);
    let counts = current?.day === day ? current : previous?.day === day ? previous : undefined;
    if (counts === undefined) {
      counts = countsOf(day);
      previous = current;
      current = counts;
    }
    const index = Math.min(Math.max(step - counts.firstStep, 0), counts.runningTotal.length - 1);
    const today = counts.runningTotal[index] ?? 0;
    return generator.reset === 'never' ? eventsBeforeDay(day) + today : today;
  };
}

/** Adds `events` to counts[from..to) uniformly at random, halving the range with a binomial draw each time. */
function spreadEvents(events: number, counts: Float64Array, from: number, to: number, random: () => number): void {
  if (events === 0 || to <= from) return;
  if (to - from === 1) {
    counts[from]! += events;
    return;
  }
  const middle = Math.floor((from + to) / 2);
  const left = binomialDraw(events, (middle - from) / (to - from), random);
  spreadEvents(left, counts, from, middle, random);
  spreadEvents(events - left, counts, middle, to, random);
}

function poissonDraw(mean: number, random: () => number): number {
  if (!(mean > 0)) return 0;
  if (mean > POISSON_EXACT_LIMIT) return Math.max(0, Math.round(mean + Math.sqrt(mean) * standardNormal(random)));
  // Knuth: multiply uniforms until the product falls below e^-mean.
  const limit = Math.exp(-mean);
  let count = 0;
  for (let product = random(); product > limit; product *= random()) count++;
  return count;
}

function binomialDraw(trials: number, probability: number, random: () => number): number {
  if (trials <= BINOMIAL_EXACT_LIMIT) {
    let successes = 0;
    for (let trial = 0; trial < trials; trial++) if (random() < probability) successes++;
    return successes;
  }
  const mean = trials * probability;
  const spread = Math.sqrt(mean * (1 - probability));
  return Math.min(trials, Math.max(0, Math.round(mean + spread * standardNormal(random))));
}

/** Box–Muller: one standard normal from two uniforms. */
function standardNormal(random: () => number): number {
  const radius = Math.sqrt(-2 * Math.log(1 - random())); // 1 - u is in (0, 1], so the log is finite
  return radius * Math.cos(2 * Math.PI * random());
}

/** Uniforms in [0, 1) for one index (a step or a day) of one stream: the same numbers whenever they are asked for. */
function streamRandom(key: number, index: number): () => number {
  return mulberry32(hashWords([key, ...wordsOfNumber(index)]));
}

/** mulberry32: a small, fast 32-bit generator, good enough for simulated telemetry. */
function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** MurmurHash3 (32-bit) over 32-bit words: every input bit changes about half the output bits. */
function hashWords(words: readonly number[]): number {
  let hash = 0x9747b28c;
  for (const word of words) {
    let mixed = Math.imul(word | 0, 0xcc9e2d51);
    mixed = Math.imul((mixed << 15) | (mixed >>> 17), 0x1b873593);
    hash ^= mixed;
    hash = (Math.imul((hash << 13) | (hash >>> 19), 5) + 0xe6546b64) | 0;
  }
  hash ^= words.length * 4;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

function hashText(text: string): number {
  return hashWords(Array.from(text, (character) => character.codePointAt(0)!));
}

/** A number as two 32-bit words (low, high), so indices and seeds beyond 2^32 still hash apart. */
function wordsOfNumber(value: number): [number, number] {
  const whole = Math.trunc(value);
  return [whole >>> 0, Math.floor(whole / 4_294_967_296) >>> 0];
}

/** "HH:MM" as milliseconds after local midnight. */
function clockMilliseconds(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return ((hours ?? 0) * 60 + (minutes ?? 0)) * 60_000;
}

/** 0 = Sunday … 6 = Saturday, for a day counted from 1970-01-01 (a Thursday). */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * The wall clock in one IANA time zone, through Intl (the only calendar a pure module has).
 * "Local time" is the local date and clock reading written as if it were UTC epoch milliseconds,
 * so local days are whole multiples of DAY_MILLISECONDS and day numbers count from 1970-01-01.
 */
class WallCalendar {
  readonly #format: Intl.DateTimeFormat;
  readonly #startOfDay = new Map<number, number>();

  constructor(timezone: string) {
    // hourCycle h23 rather than hour12: false, which some ICU versions render as 24:00 at midnight.
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  localTime(time: number): number {
    const fields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    for (const { type, value } of this.#format.formatToParts(time)) {
      if (type in fields) fields[type as keyof typeof fields] = Number(value);
    }
    const { year, month, day, hour, minute, second } = fields;
    return Date.UTC(year, month - 1, day, hour, minute, second) + (time - Math.floor(time / 1000) * 1000);
  }

  /** The local date of `time`, as days since 1970-01-01. */
  dayOf(time: number): number {
    return Math.floor(this.localTime(time) / DAY_MILLISECONDS);
  }

  /** The first instant of a local day (not always 00:00 where a daylight-saving change skips midnight). */
  startOfDay(day: number): number {
    let start = this.#startOfDay.get(day);
    if (start === undefined) {
      start = this.instantOf(day * DAY_MILLISECONDS);
      this.#startOfDay.set(day, start);
    }
    return start;
  }

  /**
   * The instant at which the wall clock reads `localTime`. Where a clock change repeats that reading,
   * the earlier instant; where it skips it, the instant it would be at the offset before the change
   * (the choice Temporal calls 'compatible').
   */
  instantOf(localTime: number): number {
    // At most one offset change happens within a day of any instant, so these two offsets cover both sides of it.
    const offsetBefore = this.localTime(localTime - DAY_MILLISECONDS) - (localTime - DAY_MILLISECONDS);
    const offsetAfter = this.localTime(localTime + DAY_MILLISECONDS) - (localTime + DAY_MILLISECONDS);
    const earlier = localTime - Math.max(offsetBefore, offsetAfter);
    const later = localTime - Math.min(offsetBefore, offsetAfter);
    if (this.localTime(earlier) === localTime) return earlier;
    if (this.localTime(later) === localTime) return later;
    return localTime - offsetBefore;
  }
}
