// The banner under the top bar: how to sign in, a refused login code, a broken layout, an unreachable server; several at once, each by its key.
import { bilingual, element } from './dom.ts';
import type { Localised } from './strings.ts';

export type NoticeKind = 'info' | 'warning' | 'error';

/** Errors on top: what went wrong matters more than what to do next. */
const SEVERITY: Readonly<Record<NoticeKind, number>> = { error: 0, warning: 1, info: 2 };

export interface Notice {
  readonly kind: NoticeKind;
  readonly text: Localised;
  /** Said as is after the text (a server message, a file:line, a command). */
  readonly detail?: string;
}

export class NoticeView {
  readonly element = element('div', 'notices');
  private readonly notices = new Map<string, Notice>();

  set(key: string, notice: Notice | undefined): void {
    if (notice) this.notices.set(key, notice);
    else this.notices.delete(key);
    this.render();
  }

  private render(): void {
    this.element.replaceChildren(
      ...[...this.notices.entries()].sort(([, a], [, b]) => SEVERITY[a.kind] - SEVERITY[b.kind]).map(([key, notice]) => {
        const row = element('div', `notice ${notice.kind}`, bilingual(notice.text), notice.detail ? element('span', 'detail', notice.detail) : '');
        row.dataset.notice = key;
        row.setAttribute('role', notice.kind === 'error' ? 'alert' : 'status');
        return row;
      }),
    );
  }
}
