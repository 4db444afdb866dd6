// Every screen of the wall as a tile where it hangs: connected or not, fps, JS ms per frame, dropped frames, GPU, context losses, panel errors, last switch.
import type { ScreenHealth, ScreenOutcome, WallHealth } from './api.ts';
import { bilingual, element } from './dom.ts';
import { STRINGS } from './strings.ts';
import { arrangeScreens, type PlannedScreen } from './wall-arrangement.ts';

export interface ScreenTileSource extends PlannedScreen {
  readonly label: string;
}

export interface ScreensViewModel {
  /** Undefined until /healthz answers (or while it does not). */
  readonly health: WallHealth | undefined;
  readonly outcomes: ReadonlyMap<string, ScreenOutcome>;
}

const decimal = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

interface Tile {
  readonly root: HTMLElement;
  readonly state: HTMLElement;
  readonly outcome: HTMLElement;
  readonly rate: HTMLElement;
  readonly faults: HTMLElement;
  readonly renderer: HTMLElement;
}

export class ScreensView {
  readonly element: HTMLElement;
  private readonly summary = element('span', 'screens-summary');
  private readonly wall = element('div', 'wall');
  private readonly tiles = new Map<string, Tile>();

  constructor() {
    const legend = element(
      'div',
      'legend',
      `fps · ${STRINGS.frameMilliseconds.vi} / ${STRINGS.frameMilliseconds.en} · ${STRINGS.dropped.vi} / ${STRINGS.dropped.en} · ` +
        `GL: ${STRINGS.contextLosses.vi} / ${STRINGS.contextLosses.en} · ${STRINGS.panelErrors.vi} / ${STRINGS.panelErrors.en}`,
    );
    this.element = element('section', 'card screens-card', element('h2', undefined, bilingual(STRINGS.screens), this.summary), legend, this.wall);
  }

  setScreens(screens: readonly ScreenTileSource[]): void {
    const arrangement = arrangeScreens(screens);
    this.tiles.clear();
    this.wall.className = `wall ${arrangement.kind}`;
    // Grid tracks and boxes go through the CSSOM: the CSP refuses style attributes, not style properties set from our own script.
    if (arrangement.kind === 'grid') {
      this.wall.style.gridTemplateColumns = `repeat(${arrangement.columns}, minmax(0, 1fr))`;
      this.wall.style.gridTemplateRows = `repeat(${arrangement.rows}, auto)`;
      this.wall.style.aspectRatio = '';
    } else {
      this.wall.style.gridTemplateColumns = '';
      this.wall.style.gridTemplateRows = '';
      this.wall.style.aspectRatio = String(arrangement.aspectRatio);
    }
    this.wall.replaceChildren(
      ...screens.map((screen) => {
        const tile = this.createTile(screen);
        if (arrangement.kind === 'grid') {
          const cell = arrangement.places.get(screen.id)!;
          tile.root.style.gridRow = String(cell.row);
          tile.root.style.gridColumn = String(cell.column);
        } else {
          const place = arrangement.places.get(screen.id)!;
          Object.assign(tile.root.style, { left: `${place.left}%`, top: `${place.top}%`, width: `${place.width}%`, height: `${place.height}%` });
        }
        this.tiles.set(screen.id, tile);
        return tile.root;
      }),
    );
  }

  private createTile(screen: ScreenTileSource): Tile {
    const state = element('span', 'tile-state');
    const outcome = element('span', 'tile-outcome');
    const rate = element('div', 'tile-rate');
    const faults = element('div', 'tile-faults');
    const renderer = element('div', 'tile-renderer');
    // Labels repeat the id ("S01 · Kinh tế – xã hội"): the tile shows the id large already.
    const label = screen.label.startsWith(`${screen.id} · `) ? screen.label.slice(screen.id.length + 3) : screen.label === screen.id ? '' : screen.label;
    const root = element(
      'div',
      'tile',
      element('div', 'tile-head', element('span', 'tile-id', screen.id), outcome, state),
      element('div', 'tile-label', label),
      rate,
      faults,
      renderer,
    );
    root.dataset.screen = screen.id;
    root.title = screen.label;
    return { root, state, outcome, rate, faults, renderer };
  }

  update({ health, outcomes }: ScreensViewModel): void {
    const reports = health?.screens.health ?? {};
    const connected = new Set(health?.screens.connectedIds ?? []);
    if (health) this.summary.textContent = `${health.screens.connected}/${health.screens.expected} ${STRINGS.connected.vi} / ${STRINGS.connected.en}`;
    for (const [screenId, tile] of this.tiles) {
      const report = reports[screenId];
      this.updateTile(tile, report, health === undefined ? 'unknown' : connected.has(screenId) ? 'connected' : 'disconnected');
      const outcome = outcomes.get(screenId);
      tile.root.dataset.outcome = outcome ?? '';
      // The tile is narrow: the Vietnamese word on it, both languages in its tooltip.
      tile.outcome.textContent = outcome ? STRINGS[outcome].vi : '';
      tile.outcome.title = outcome ? `${STRINGS.lastSwitch.vi} / ${STRINGS.lastSwitch.en}: ${STRINGS[outcome].vi} / ${STRINGS[outcome].en}` : '';
    }
  }

  private updateTile(tile: Tile, report: ScreenHealth | undefined, connection: 'connected' | 'disconnected' | 'unknown'): void {
    tile.root.dataset.connection = connection;
    tile.state.textContent = connection === 'connected' ? '●' : connection === 'disconnected' ? '○' : '?';
    tile.state.title = connection === 'connected' ? STRINGS.connected.en : STRINGS.notConnected.en;
    if (!report) {
      tile.rate.textContent = connection === 'unknown' ? '' : `${STRINGS.notConnected.vi} / ${STRINGS.notConnected.en}`;
      tile.faults.replaceChildren();
      tile.renderer.textContent = '';
      return;
    }
    tile.rate.replaceChildren(
      element('strong', undefined, decimal.format(report.fps)),
      ' fps · ',
      element('strong', undefined, decimal.format(report.frameMilliseconds)),
      ' ms',
    );
    const fault = (count: number, label: string) => element('span', count > 0 ? 'fault bad' : 'fault', `${label} ${count}`);
    tile.faults.replaceChildren(
      fault(report.droppedFrames, STRINGS.dropped.vi),
      fault(report.contextLosses, 'GL'),
      fault(report.panelErrors.length, STRINGS.panelErrors.vi),
    );
    tile.faults.title = report.panelErrors.map((error) => `${error.panel}: ${error.message}`).join('\n');
    tile.renderer.textContent = report.renderer ?? '';
    tile.renderer.title = report.renderer ?? '';
  }
}
