// The latest audit entries (who did what, from where, with what result), times in the wall's zone; only for a signed-in officer.
import type { AuditEntry } from './api.ts';
import { bilingual, element } from './dom.ts';
import { STRINGS } from './strings.ts';
import type { WallClock } from './wall-time.ts';

export type AuditViewModel =
  | { readonly kind: 'entries'; readonly entries: readonly AuditEntry[]; readonly clock: WallClock }
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'error'; readonly message: string };

/** The why of a refused or failed entry, short enough for a tooltip. */
function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'object' && 'reason' in detail && typeof detail.reason === 'string') return detail.reason;
  return JSON.stringify(detail).slice(0, 500);
}

export class AuditView {
  readonly element: HTMLElement;
  private readonly zone = element('span', 'audit-zone');
  private readonly body = element('div', 'audit-body');

  constructor() {
    this.element = element('section', 'card audit-card', element('h2', undefined, bilingual(STRINGS.audit), this.zone), this.body);
  }

  update(model: AuditViewModel): void {
    switch (model.kind) {
      case 'signed-out':
        this.body.replaceChildren(element('p', 'muted', `${STRINGS.auditSignIn.vi} / ${STRINGS.auditSignIn.en}`));
        return;
      case 'loading':
        this.body.replaceChildren(element('p', 'muted', `${STRINGS.loading.vi} / ${STRINGS.loading.en}`));
        return;
      case 'error':
        this.body.replaceChildren(element('p', 'error-message', model.message));
        return;
      case 'entries':
        break;
    }
    const { entries, clock } = model;
    this.zone.textContent = clock.timeZone;
    if (entries.length === 0) {
      this.body.replaceChildren(element('p', 'muted', `${STRINGS.auditEmpty.vi} / ${STRINGS.auditEmpty.en}`));
      return;
    }
    const heading = (text: { vi: string; en: string }) => element('th', undefined, bilingual(text));
    const rows = entries.map((entry) => {
      const result = element('td', `audit-result ${entry.result}`, entry.result);
      const detail = entry.result === 'ok' ? '' : detailText(entry.detail);
      if (detail) result.title = detail;
      const row = element(
        'tr',
        undefined,
        element('td', 'audit-time', clock.dateTime(entry.at)),
        element('td', undefined, entry.actor),
        element('td', 'muted', entry.origin),
        element('td', undefined, entry.action),
        element('td', undefined, entry.target ?? '—'),
        result,
      );
      row.dataset.audit = String(entry.id);
      return row;
    });
    this.body.replaceChildren(
      element(
        'table',
        'audit-table',
        element(
          'thead',
          undefined,
          element('tr', undefined, heading(STRINGS.time), heading(STRINGS.actor), heading(STRINGS.origin), heading(STRINGS.action), heading(STRINGS.target), heading(STRINGS.result)),
        ),
        element('tbody', undefined, ...rows),
      ),
    );
  }
}
