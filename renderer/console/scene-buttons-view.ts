// One big button per scene (Vietnamese name large, English small, its hotkey), the active one lit, emergencies in amber, those the role may not activate disabled with who may; and "previous scene".
import type { KeyChord } from './accelerator.ts';
import type { SceneSummary } from './api.ts';
import { bilingual, element } from './dom.ts';
import { needsText, type SceneAccess } from './permissions.ts';
import { bilingualText, STRINGS } from './strings.ts';

export interface SceneButtonsModel {
  readonly activeSceneId: string | undefined;
  readonly previousSceneId: string | null | undefined;
  /** Scenes a command from this page is waiting for. */
  readonly pendingSceneIds: ReadonlySet<string>;
  /** Whether this session may activate each scene, and if not, why. */
  readonly access: (sceneId: string) => SceneAccess;
  readonly previousAllowed: boolean;
}

interface SceneButton {
  readonly button: HTMLButtonElement;
  /** "cần Trực ban / needs Duty officer" under the name, while the role may not activate it. */
  readonly needs: HTMLElement;
  /** The button's title without the reason. */
  readonly title: string;
}

export class SceneButtonsView {
  readonly element: HTMLElement;
  private readonly grid = element('div', 'scene-grid');
  private readonly previousButton = element('button', 'previous-scene', bilingual(STRINGS.previousScene));
  private readonly buttons = new Map<string, SceneButton>();

  constructor(
    private readonly onActivate: (sceneId: string) => void,
    onPrevious: () => void,
  ) {
    this.previousButton.type = 'button';
    this.previousButton.addEventListener('click', onPrevious);
    this.element = element('section', 'card scenes-card', element('h2', undefined, bilingual(STRINGS.scenes)), this.grid, this.previousButton);
  }

  setScenes(scenes: readonly SceneSummary[], chords: ReadonlyMap<string, KeyChord>): void {
    this.buttons.clear();
    this.grid.replaceChildren(
      ...scenes.map((scene) => {
        const chord = chords.get(scene.id);
        const needs = element('span', 'needs');
        needs.hidden = true;
        const button = element(
          'button',
          'scene-button',
          element('span', 'scene-vi', scene.name.vi),
          element('span', 'scene-en', scene.name.en),
          chord ? element('kbd', 'hotkey', chord.label) : scene.hotkey ? element('kbd', 'hotkey invalid', scene.hotkey) : '',
          element('span', 'on-air', bilingualText(STRINGS.onAir)),
          element('span', 'switching', `${STRINGS.switching.vi}…`),
          needs,
        );
        button.type = 'button';
        button.dataset.scene = scene.id;
        // Scenes built on another one are the emergency overlays (flood, traffic incident, epidemic).
        button.classList.toggle('emergency', scene.extends !== undefined);
        const title = `${bilingualText(scene.name)}${chord ? ` (${chord.label})` : ''}`;
        button.title = title;
        button.addEventListener('click', () => this.onActivate(scene.id));
        this.buttons.set(scene.id, { button, needs, title });
        return button;
      }),
    );
  }

  update({ activeSceneId, previousSceneId, pendingSceneIds, access, previousAllowed }: SceneButtonsModel): void {
    for (const [sceneId, { button, needs, title }] of this.buttons) {
      button.classList.toggle('active', sceneId === activeSceneId);
      button.classList.toggle('pending', pendingSceneIds.has(sceneId));
      button.setAttribute('aria-pressed', String(sceneId === activeSceneId));
      const sceneAccess = access(sceneId);
      button.disabled = !sceneAccess.allowed;
      // Disabled with its reason rather than hidden: in an emergency the officer sees at once that the flood scene exists and who must press it.
      const reason = !sceneAccess.allowed && sceneAccess.reason === 'role' ? bilingualText(needsText(sceneAccess.needs)) : '';
      button.classList.toggle('not-allowed', reason !== '');
      needs.hidden = reason === '';
      needs.textContent = reason;
      button.title = reason ? `${title} — ${reason}` : title;
    }
    this.previousButton.disabled = !previousAllowed || !previousSceneId;
    this.previousButton.classList.toggle('pending', pendingSceneIds.has('previous'));
  }

  /** A visible flash on a scene's button: its hotkey was pressed (refused: not signed in, or not allowed). */
  flash(sceneId: string, refused = false): void {
    const button = this.buttons.get(sceneId)?.button;
    if (!button) return;
    button.classList.remove('flash', 'flash-refused');
    // Reading the layout restarts the CSS animation when the same key is pressed again quickly.
    void button.offsetWidth;
    button.classList.add(refused ? 'flash-refused' : 'flash');
  }
}
