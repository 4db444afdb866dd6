// The commands sent from this page, newest first: pending, then the switch's version, commit time and which screens flipped, were late or failed.
import type { ScreenOutcome } from './api.ts';
import type { CommandOutcome } from './command-outcome.ts';
import { bilingual, element } from './dom.ts';
import { needsText } from './permissions.ts';
import { bilingualText, STRINGS, type Localised } from './strings.ts';
import type { WallClock } from './wall-time.ts';

export interface CommandRecord {
  readonly sequence: number;
  /** A scene id, or 'previous' until the answer names the scene. */
  readonly target: string;
  readonly startedAt: number;
  finishedAt?: number;
  outcome: CommandOutcome;
}

export interface ResultViewModel {
  readonly commands: readonly CommandRecord[];
  readonly nameOf: (sceneId: string) => Localised;
  readonly clock: WallClock;
}

/** How many earlier commands stay listed under the latest. */
const HISTORY = 2;

export class ResultView {
  readonly element: HTMLElement;
  private readonly body = element('div', 'results');

  constructor() {
    this.element = element('section', 'card result-card', element('h2', undefined, bilingual(STRINGS.commandResult)), this.body);
  }

  update({ commands, nameOf, clock }: ResultViewModel): void {
    if (commands.length === 0) {
      this.body.replaceChildren(element('p', 'muted', `${STRINGS.noCommandYet.vi} / ${STRINGS.noCommandYet.en}`));
      return;
    }
    this.body.replaceChildren(...commands.slice(0, HISTORY + 1).map((command, index) => this.renderCommand(command, index === 0, nameOf, clock)));
  }

  private renderCommand(command: CommandRecord, latest: boolean, nameOf: (sceneId: string) => Localised, clock: WallClock): HTMLElement {
    const { outcome } = command;
    const targetName = outcome.kind === 'switched' ? nameOf(outcome.outcome.sceneId) : command.target === 'previous' ? STRINGS.previousScene : nameOf(command.target);
    const row = element('div', `result ${outcome.kind}${latest ? ' latest' : ''}`);
    row.dataset.sequence = String(command.sequence);
    if (!latest && outcome.kind !== 'pending') return this.renderEarlier(row, command, targetName, clock);
    const elapsed = command.finishedAt === undefined ? '' : `${Math.round(command.finishedAt - command.startedAt)} ms`;
    switch (outcome.kind) {
      case 'pending':
        row.append(element('div', 'result-head', element('span', 'spinner'), sentence(STRINGS.switching, targetName, '…')));
        break;
      case 'switched': {
        const { version, committedAt, screens } = outcome.outcome;
        row.append(
          element('div', 'result-head', element('span', 'mark', '✓'), sentence(STRINGS.switched, targetName)),
          element(
            'div',
            'result-meta',
            `${STRINGS.version.vi} / ${STRINGS.version.en} `,
            element('strong', undefined, String(version)),
            ` · ${STRINGS.committedAt.vi} / ${STRINGS.committedAt.en} `,
            element('strong', undefined, clock.time(committedAt)),
            elapsed ? ` · ${elapsed}` : '',
          ),
        );
        row.append(element('div', 'screen-lists', ...(['flipped', 'late', 'failed'] as const).map((kind) => screenList(kind, screens[kind] ?? []))));
        break;
      }
      case 'superseded':
        row.append(element('div', 'result-head', element('span', 'mark', '↷'), bilingual(STRINGS.superseded), element('span', 'target', targetName.vi)));
        break;
      case 'unauthorised':
        row.append(element('div', 'result-head', element('span', 'mark', '✕'), bilingual(STRINGS.unauthorised), element('span', 'target', targetName.vi)));
        row.append(element('div', 'result-meta', `${STRINGS.signInHint.vi} / ${STRINGS.signInHint.en}`));
        break;
      case 'forbidden': {
        const why = forbiddenReason(outcome);
        row.append(element('div', 'result-head', element('span', 'mark', '✕'), bilingual(outcome.csrf ? STRINGS.csrfRefused : STRINGS.forbidden), element('span', 'target', targetName.vi)));
        if (why) row.append(element('div', 'result-meta error-message', why));
        break;
      }
      case 'failed':
        row.append(
          element('div', 'result-head', element('span', 'mark', '✕'), bilingual(outcome.status === 0 ? STRINGS.serverUnreachable : STRINGS.commandFailed), element('span', 'target', targetName.vi)),
          element('div', 'result-meta error-message', outcome.status === 0 ? outcome.message : `HTTP ${outcome.status}: ${outcome.message}`),
        );
        break;
    }
    return row;
  }

  /** An earlier command on one line: the latest one is what the officer acts on. */
  private renderEarlier(row: HTMLElement, command: CommandRecord, targetName: Localised, clock: WallClock): HTMLElement {
    const { outcome } = command;
    const [mark, text, summary]: [string, HTMLElement, string] =
      outcome.kind === 'switched'
        ? ['✓', sentence(STRINGS.switched, targetName), `v${outcome.outcome.version} · ${clock.time(outcome.outcome.committedAt)} · ${(['flipped', 'late', 'failed'] as const).map((kind) => `${STRINGS[kind].vi} ${(outcome.outcome.screens[kind] ?? []).length}`).join(' · ')}`]
        : outcome.kind === 'superseded'
          ? ['↷', bilingual(STRINGS.superseded), targetName.vi]
          : outcome.kind === 'unauthorised'
            ? ['✕', bilingual(STRINGS.unauthorised), targetName.vi]
            : outcome.kind === 'forbidden'
              ? ['✕', bilingual(outcome.csrf ? STRINGS.csrfRefused : STRINGS.forbidden), [targetName.vi, forbiddenReason(outcome)].filter(Boolean).join(': ')]
              : outcome.kind === 'failed'
                ? ['✕', bilingual(STRINGS.commandFailed), `${targetName.vi}: ${outcome.message}`]
                : ['', element('span'), ''];
    row.append(element('div', 'result-head', element('span', 'mark', mark), text, element('span', 'target', summary)));
    return row;
  }
}

/** Who may, when this page refused the command itself; else the server's own words (they name the rule it applied). */
function forbiddenReason(outcome: Extract<CommandOutcome, { kind: 'forbidden' }>): string {
  if (outcome.needs && outcome.needs.length > 0) return bilingualText(needsText(outcome.needs));
  return outcome.message ?? '';
}

/** "Đã chuyển sang Lũ lụt / Switched to Flood". */
function sentence(verb: Localised, scene: Localised, suffix = ''): HTMLElement {
  return element('span', 'bilingual', element('span', 'vi', `${verb.vi} ${scene.vi}${suffix}`), element('span', 'en', `${verb.en} ${scene.en}${suffix}`));
}

function screenList(kind: ScreenOutcome, screens: readonly string[]): HTMLElement {
  return element(
    'div',
    `screen-list ${kind}${screens.length > 0 ? ' some' : ''}`,
    element('span', 'count', String(screens.length)),
    element('span', 'kind', `${STRINGS[kind].vi} / ${STRINGS[kind].en}`),
    element('span', 'ids', screens.length > 0 ? screens.join(' ') : '—'),
  );
}
