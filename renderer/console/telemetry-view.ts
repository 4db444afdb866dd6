// The Telemetry section: each MQTT broker and its state, the messages accepted and dropped, and the stale series (oldest first) with their last value and age.
import { bilingual, element } from './dom.ts';
import { STRINGS, type Localised } from './strings.ts';
import { allFreshText, staleCountText, type BrokerRow, type StaleSeriesRow, type TelemetrySummary } from './telemetry-state.ts';

export type TelemetryViewModel =
  | { readonly kind: 'loading' }
  /** The server answered 404: it is older than live telemetry. */
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'live'; readonly summary: TelemetrySummary };

const count = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });

/** One stale series' table row, kept across the once-a-second redraws so that only its age text changes. */
interface SeriesRow {
  /** The names it was built with: a reloaded layout may rename the series or its field. */
  readonly names: string;
  readonly root: HTMLTableRowElement;
  readonly value: HTMLElement;
  readonly age: HTMLElement;
}

export class TelemetryView {
  readonly element: HTMLElement;
  private readonly summary = element('span', 'telemetry-summary');
  private readonly message = element('p', 'telemetry-message');
  private readonly brokers = element('ul', 'broker-list');
  private readonly counts = element('div', 'telemetry-counts');
  private readonly fresh = element('p', 'all-fresh');
  private readonly rows = element('tbody');
  private readonly table: HTMLTableElement;
  private readonly live: HTMLElement;
  private readonly seriesRows = new Map<string, SeriesRow>();
  /** The ids in the order the table shows them: rows move only when this changes. */
  private shownOrder = '';

  constructor() {
    const heading = (text: Localised) => element('th', undefined, bilingual(text));
    this.table = element(
      'table',
      'stale-table',
      element('thead', undefined, element('tr', undefined, heading(STRINGS.field), heading(STRINGS.series), heading(STRINGS.lastValue), heading(STRINGS.age))),
      this.rows,
    );
    this.live = element(
      'div',
      'telemetry-live',
      element('h3', undefined, bilingual(STRINGS.brokers)),
      this.brokers,
      this.counts,
      element('h3', undefined, bilingual(STRINGS.staleData)),
      this.fresh,
      this.table,
    );
    this.element = element('section', 'card telemetry-card', element('h2', undefined, bilingual(STRINGS.telemetry), this.summary), this.message, this.live);
    this.update({ kind: 'loading' });
  }

  update(model: TelemetryViewModel): void {
    this.element.dataset.state = model.kind;
    this.live.hidden = model.kind !== 'live';
    this.message.hidden = model.kind === 'live';
    if (model.kind !== 'live') {
      this.summary.textContent = '';
      delete this.summary.dataset.stale;
      this.message.className = model.kind === 'error' ? 'telemetry-message error-message' : 'telemetry-message muted';
      const text =
        model.kind === 'loading' ? STRINGS.loading : model.kind === 'unavailable' ? STRINGS.telemetryUnavailable : model.kind === 'signed-out' ? STRINGS.telemetrySignIn : undefined;
      this.message.textContent = text ? `${text.vi} / ${text.en}` : model.kind === 'error' ? model.message : '';
      return;
    }
    const { summary } = model;
    const stale = summary.stale.length;
    const countText = staleCountText(stale);
    this.summary.textContent = `${countText.vi} / ${countText.en}`;
    this.summary.dataset.stale = String(stale);
    this.summary.classList.toggle('some', stale > 0);
    this.brokers.replaceChildren(...(summary.brokers.length === 0 ? [element('li', 'muted', `${STRINGS.noBrokers.vi} / ${STRINGS.noBrokers.en}`)] : summary.brokers.map(brokerItem)));
    const { accepted, dropped } = summary.messages;
    this.counts.replaceChildren(
      element('span', 'label', `${STRINGS.messages.vi} / ${STRINGS.messages.en}: `),
      element('strong', 'accepted', count.format(accepted)),
      ` ${STRINGS.messagesAccepted.vi} / ${STRINGS.messagesAccepted.en} · `,
      element('strong', dropped > 0 ? 'dropped some' : 'dropped', count.format(dropped)),
      ` ${STRINGS.messagesDropped.vi} / ${STRINGS.messagesDropped.en}`,
    );
    this.fresh.hidden = stale > 0;
    this.table.hidden = stale === 0;
    const allFresh = allFreshText(summary.seriesCount);
    this.fresh.textContent = `${allFresh.vi} / ${allFresh.en}`;
    this.updateRows(summary.stale);
  }

  private updateRows(stale: readonly StaleSeriesRow[]): void {
    const wanted = new Set(stale.map((series) => series.id));
    for (const id of [...this.seriesRows.keys()]) if (!wanted.has(id)) this.seriesRows.delete(id);
    for (const series of stale) {
      let row = this.seriesRows.get(series.id);
      if (row?.names !== namesOf(series)) {
        row = createSeriesRow(series);
        this.seriesRows.set(series.id, row);
        // A new row element: the order check below must attach it.
        this.shownOrder = '';
      }
      setText(row.value, series.value ?? '—');
      row.value.classList.toggle('muted', series.value === undefined);
      setText(row.age, `${series.age.vi} / ${series.age.en}`);
    }
    // Re-attaching rows every second would drop the officer's text selection: only a new order moves them.
    const order = stale.map((series) => series.id).join('\n');
    if (order !== this.shownOrder) {
      this.shownOrder = order;
      this.rows.replaceChildren(...stale.map((series) => this.seriesRows.get(series.id)!.root));
    }
  }
}

function brokerItem(broker: BrokerRow): HTMLElement {
  const item = element(
    'li',
    'broker',
    element('span', 'dot'),
    element('code', 'broker-id', broker.id),
    element('span', 'broker-url muted', broker.url),
    broker.embedded ? element('span', 'broker-embedded', `${STRINGS.embedded.vi} / ${STRINGS.embedded.en}`) : null,
    element('span', 'broker-state', bilingual(broker.stateText)),
  );
  item.dataset.broker = broker.id;
  item.dataset.state = broker.state;
  return item;
}

function createSeriesRow(series: StaleSeriesRow): SeriesRow {
  const value = element('td', 'stale-value');
  const age = element('td', 'stale-age');
  const root = element(
    'tr',
    undefined,
    element('td', 'stale-field', bilingual(series.fieldName)),
    element('td', 'stale-name', bilingual(series.name), element('code', 'series-id', series.id)),
    value,
    age,
  );
  root.dataset.series = series.id;
  root.dataset.field = series.field;
  return { names: namesOf(series), root, value, age };
}

const namesOf = (series: StaleSeriesRow): string => JSON.stringify([series.fieldName, series.name]);

/** Writes a text only when it differs: an unchanged cell keeps its node (and any selection in it). */
function setText(target: HTMLElement, text: string): void {
  if (target.textContent !== text) target.textContent = text;
}
