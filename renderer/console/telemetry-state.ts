// What the console makes of the server's telemetry state: checks its shape, and turns it into broker rows and the stale series, oldest first, with their ages.
import { decimalsFor, formatAge, formatNumber } from '../screen/format.ts';
import type { BrokerStatus, SeriesFreshness, TelemetryState } from './api.ts';
import { STRINGS, type Localised } from './strings.ts';

/** What of the layout (GET /api/wall) gives a stale series its field's name and its decimals; empty until the layout is read. */
export interface LayoutNames {
  readonly fields: readonly { readonly id: string; readonly name: Localised }[];
  readonly series: readonly { readonly id: string; readonly decimals?: number | undefined }[];
}

export const NO_LAYOUT_NAMES: LayoutNames = { fields: [], series: [] };

export interface BrokerRow {
  readonly id: string;
  readonly url: string;
  readonly state: BrokerStatus['state'];
  readonly stateText: Localised;
  readonly embedded: boolean;
}

export interface StaleSeriesRow {
  readonly id: string;
  readonly field: string;
  /** The field's name from the layout; its id in both languages when the layout does not know it. */
  readonly fieldName: Localised;
  readonly name: Localised;
  /** "2,4 m" (Vietnamese separators, as on the wall); undefined while no value has arrived. */
  readonly value: string | undefined;
  /** "4 phút trước / 4 min ago", or "Chưa có dữ liệu / No data yet". */
  readonly age: Localised;
}

export interface TelemetrySummary {
  readonly brokers: readonly BrokerRow[];
  /** Only the series the server calls stale: oldest value first, then those that never had one. */
  readonly stale: readonly StaleSeriesRow[];
  /** Every series of the layout, stale or not (the "all N are fresh" line). */
  readonly seriesCount: number;
  readonly messages: TelemetryState['messages'];
}

const BROKER_STATES: Readonly<Record<BrokerStatus['state'], Localised>> = {
  connecting: STRINGS.connecting,
  connected: STRINGS.connected,
  reconnecting: STRINGS.reconnecting,
  closed: STRINGS.brokerClosed,
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isLocalised = (value: unknown): value is Localised => isRecord(value) && typeof value.vi === 'string' && typeof value.en === 'string';
const isNumberOrNull = (value: unknown): value is number | null => value === null || (typeof value === 'number' && Number.isFinite(value));

function isBroker(value: unknown): value is BrokerStatus {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.url === 'string' &&
    typeof value.state === 'string' &&
    Object.hasOwn(BROKER_STATES, value.state) &&
    typeof value.embedded === 'boolean'
  );
}

function isSeries(value: unknown): value is SeriesFreshness {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.field === 'string' &&
    isLocalised(value.name) &&
    typeof value.unit === 'string' &&
    isNumberOrNull(value.value) &&
    isNumberOrNull(value.time) &&
    typeof value.stale === 'boolean' &&
    typeof value.staleAfter === 'number'
  );
}

/**
 * The telemetry state in an /api/events message or a GET /api/telemetry answer, or undefined when it is not one:
 * it comes from our own server, but a malformed one must not reach the view (the section keeps its last good state).
 */
export function telemetryStateOf(message: unknown): TelemetryState | undefined {
  if (!isRecord(message) || message.type !== 'telemetry' || typeof message.at !== 'number' || !Number.isFinite(message.at)) return undefined;
  const { brokers, series, messages } = message;
  if (!Array.isArray(brokers) || !brokers.every(isBroker)) return undefined;
  if (!Array.isArray(series) || !series.every(isSeries)) return undefined;
  if (!isRecord(messages) || typeof messages.accepted !== 'number' || typeof messages.dropped !== 'number') return undefined;
  return message as unknown as TelemetryState;
}

/** "2,4 m": the series' own decimals when the layout gives them, else as the wall writes a value without them. */
function valueText(series: SeriesFreshness, decimals: number | undefined): string | undefined {
  if (series.value === null) return undefined;
  const number = formatNumber(series.value, decimalsFor(series.value, decimals), 'vi');
  return series.unit === '' ? number : `${number} ${series.unit}`;
}

/**
 * The rows the Telemetry section shows at `now` (server clock, epoch ms). Staleness is the server's word only: a fresh
 * series' value here is as old as the last message that changed something, so judging it again here would call it stale.
 * A series that stopped sending comes before one that never sent: the first is news, the second usually a layout or
 * broker mistake that stays listed until it is fixed.
 */
export function summariseTelemetry(state: TelemetryState, now: number, layout: LayoutNames = NO_LAYOUT_NAMES): TelemetrySummary {
  const fieldNames = new Map(layout.fields.map((field) => [field.id, field.name]));
  const decimals = new Map(layout.series.map((series) => [series.id, series.decimals]));
  const stale = state.series
    .filter((series) => series.stale)
    .map((series, order) => ({ series, order }))
    .sort((a, b) => {
      const { time: first } = a.series;
      const { time: second } = b.series;
      if (first !== null && second !== null && first !== second) return first - second;
      if (first === null && second !== null) return 1;
      if (first !== null && second === null) return -1;
      return a.order - b.order;
    })
    .map(({ series }): StaleSeriesRow => ({
      id: series.id,
      field: series.field,
      fieldName: fieldNames.get(series.field) ?? { vi: series.field, en: series.field },
      name: series.name,
      value: valueText(series, decimals.get(series.id)),
      age: series.time === null ? STRINGS.noDataYet : { vi: formatAge(now - series.time, 'vi'), en: formatAge(now - series.time, 'en') },
    }));
  return {
    brokers: state.brokers.map((broker) => ({ id: broker.id, url: broker.url, state: broker.state, stateText: BROKER_STATES[broker.state], embedded: broker.embedded })),
    stale,
    seriesCount: state.series.length,
    messages: state.messages,
  };
}

/** "Tất cả 13 chuỗi số liệu đều mới / All 13 series are fresh". */
export function allFreshText(seriesCount: number): Localised {
  if (seriesCount === 0) return STRINGS.noSeries;
  return { vi: `Tất cả ${seriesCount} chuỗi số liệu đều mới`, en: seriesCount === 1 ? 'The one series is fresh' : `All ${seriesCount} series are fresh` };
}

/** "3 chuỗi cũ / 3 stale": the count beside the section heading. */
export function staleCountText(staleCount: number): Localised {
  return { vi: `${staleCount} chuỗi cũ`, en: `${staleCount} stale` };
}

/**
 * The server's clock now, from the telemetry state's `at` and how long ago (on this page's monotonic clock) it arrived:
 * ages read as the server counts them, whatever this desk's clock says.
 */
export function serverTimeNow(stateAt: number, receivedAt: number, elapsedNow: number): number {
  return stateAt + Math.max(0, elapsedNow - receivedAt);
}
