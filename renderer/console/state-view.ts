// The active scene at a glance: its name in large type, its version and commit time, and the switch being prepared, if any.
import type { SceneState } from './api.ts';
import { bilingual, element } from './dom.ts';
import { STRINGS, type Localised } from './strings.ts';
import type { WallClock } from './wall-time.ts';

export interface StateViewModel {
  readonly state: SceneState | undefined;
  readonly nameOf: (sceneId: string) => Localised;
  readonly emergency: (sceneId: string) => boolean;
  readonly clock: WallClock;
}

export class StateView {
  readonly element: HTMLElement;
  private readonly name = element('div', 'active-name');
  private readonly details = element('div', 'active-details');
  private readonly pending = element('div', 'active-pending');

  constructor() {
    this.element = element('section', 'card state-card', element('h2', undefined, bilingual(STRINGS.activeScene)), this.name, this.details, this.pending);
    this.name.replaceChildren(bilingual(STRINGS.loading));
  }

  update({ state, nameOf, emergency, clock }: StateViewModel): void {
    if (!state) return;
    const { id, version, committedAt } = state.scene;
    this.element.classList.toggle('emergency', emergency(id));
    this.name.replaceChildren(bilingual(nameOf(id)), element('code', 'scene-id', id));
    this.details.replaceChildren(
      element('span', 'label', `${STRINGS.version.vi} / ${STRINGS.version.en} `),
      element('strong', 'version', String(version)),
      // Version 0 is the layout's default scene before any switch: there is no commit time to show.
      committedAt > 0
        ? element('span', undefined, element('span', 'label', ` · ${STRINGS.committedAt.vi} / ${STRINGS.committedAt.en} `), element('strong', 'committed-at', clock.time(committedAt)))
        : element('span', 'label', ` · ${STRINGS.neverSwitched.vi} / ${STRINGS.neverSwitched.en}`),
    );
    const pending = state.pending;
    this.pending.hidden = pending === null;
    if (pending) {
      this.pending.replaceChildren(
        element('span', 'spinner'),
        element('span', 'label', `${STRINGS.pendingSwitch.vi} / ${STRINGS.pendingSwitch.en}: `),
        bilingual(nameOf(pending.sceneId)),
        element('span', 'label', ` · ${STRINGS.version.vi} ${pending.version}`),
      );
    }
  }
}
