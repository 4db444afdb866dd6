// The technician's "identify screens" button: every screen shows its id, label and resolution over the test pattern; and what the server answered.
import { bilingual, element } from './dom.ts';
import { identifySummary, type IdentifyOutcome } from './identify-outcome.ts';
import { STRINGS } from './strings.ts';
import type { WallClock } from './wall-time.ts';

export interface IdentifyViewModel {
  readonly outcome: IdentifyOutcome | undefined;
  readonly enabled: boolean;
  readonly clock: WallClock;
}

export class IdentifyView {
  readonly element: HTMLElement;
  private readonly button = element('button', 'identify-button', bilingual(STRINGS.identify));
  private readonly body = element('div', 'identify-result');

  constructor(onIdentify: () => void) {
    this.button.type = 'button';
    this.button.addEventListener('click', onIdentify);
    this.element = element(
      'section',
      'card identify-card',
      element('h2', undefined, bilingual(STRINGS.technicianTools)),
      element('div', 'identify-row', this.button, element('p', 'identify-hint muted', `${STRINGS.identifyHint.vi} / ${STRINGS.identifyHint.en}`)),
      this.body,
    );
  }

  update({ outcome, enabled, clock }: IdentifyViewModel): void {
    this.button.disabled = !enabled || outcome?.kind === 'pending';
    this.button.classList.toggle('pending', outcome?.kind === 'pending');
    this.body.dataset.state = outcome?.kind ?? 'idle';
    if (!outcome) {
      this.body.replaceChildren();
      return;
    }
    switch (outcome.kind) {
      case 'pending':
        this.body.replaceChildren(element('div', 'result-head', element('span', 'spinner'), bilingual(STRINGS.identifySending)));
        return;
      case 'identifying':
      case 'identified': {
        const { screens, until } = outcome.answer;
        const summary = identifySummary(screens.length, outcome.seconds);
        if (screens.length === 0) {
          this.body.replaceChildren(element('div', 'result-head', element('span', 'mark', '!'), bilingual(STRINGS.noScreenConnected)));
          this.body.dataset.state = 'none';
          return;
        }
        const verb = outcome.kind === 'identifying' ? STRINGS.identifying : STRINGS.identified;
        this.body.replaceChildren(
          element('div', 'result-head', element('span', 'mark', '✓'), bilingual({ vi: `${verb.vi} ${summary.vi}`, en: `${verb.en} ${summary.en}` })),
          element('div', 'result-meta', `${STRINGS.until.vi} / ${STRINGS.until.en} `, element('strong', undefined, clock.time(until))),
          element('div', 'result-meta identify-screens', screens.join(' ')),
        );
        return;
      }
      case 'unauthorised':
        this.body.replaceChildren(
          element('div', 'result-head', element('span', 'mark', '✕'), bilingual(STRINGS.unauthorised)),
          element('div', 'result-meta', `${STRINGS.signInHint.vi} / ${STRINGS.signInHint.en}`),
        );
        return;
      case 'failed':
        this.body.replaceChildren(
          element('div', 'result-head', element('span', 'mark', '✕'), bilingual(outcome.status === 0 ? STRINGS.serverUnreachable : STRINGS.identifyFailed)),
          element('div', 'result-meta error-message', outcome.status === 0 ? outcome.message : `HTTP ${outcome.status}: ${outcome.message}`),
        );
        return;
    }
  }
}
