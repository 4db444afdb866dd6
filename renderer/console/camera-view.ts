// The Camera section: the media gateway's line, how many feeds show no picture, one row per such camera (state, last frame, restarts, why), then one small line per live camera with its rates.
import type { CamerasSummary, LiveCameraRow, TroubledCameraRow } from './camera-state.ts';
import { bilingual, element } from './dom.ts';
import { bilingualText, STRINGS, type Localised } from './strings.ts';

export type CameraViewModel =
  | { readonly kind: 'loading' }
  /** The server answered 404: it is older than the media gateway. */
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'live'; readonly summary: CamerasSummary };

const count = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });

/** One troubled camera's table row, kept across the once-a-second redraws so that only its texts change. */
interface TroubledRow {
  /** The name it was built with: a reloaded layout may rename the camera. */
  readonly names: string;
  readonly root: HTMLTableRowElement;
  readonly state: HTMLElement;
  readonly lastFrame: HTMLElement;
  readonly restarts: HTMLElement;
  readonly detail: HTMLElement;
  readonly simulated: HTMLElement;
}

/** One live camera's line, kept across polls so that only its rates change. */
interface LiveLine {
  readonly names: string;
  readonly root: HTMLLIElement;
  readonly frameRate: HTMLElement;
  readonly bitrate: HTMLElement;
}

export class CameraView {
  readonly element: HTMLElement;
  private readonly summary = element('span', 'camera-summary');
  private readonly message = element('p', 'camera-message');
  private readonly gatewayText = element('span', 'gateway-text');
  private readonly gatewayProblem = element('code', 'gateway-problem');
  private readonly gateway = element('p', 'gateway-line', element('span', 'dot'), this.gatewayText, this.gatewayProblem);
  private readonly simulated = element('p', 'camera-simulated muted');
  private readonly rows = element('tbody');
  private readonly table: HTMLTableElement;
  private readonly liveHeading = element('h3', 'live-cameras-heading');
  private readonly liveList = element('ul', 'live-camera-list');
  private readonly noneLive = element('p', 'no-live-camera muted', bilingualText(STRINGS.allCamerasDown));
  private readonly live: HTMLElement;
  private readonly troubledRows = new Map<string, TroubledRow>();
  private readonly liveLines = new Map<string, LiveLine>();
  /** The ids in the order each list shows them: elements move only when this changes (a move would drop the officer's text selection). */
  private shownTroubled = '';
  private shownLive = '';

  constructor() {
    const heading = (text: Localised) => element('th', undefined, bilingual(text));
    this.table = element(
      'table',
      'camera-table',
      element(
        'thead',
        undefined,
        element('tr', undefined, heading(STRINGS.camera), heading(STRINGS.cameraState), heading(STRINGS.lastFrame), heading(STRINGS.restarts), heading(STRINGS.cameraDetail)),
      ),
      this.rows,
    );
    this.live = element('div', 'camera-live', this.gateway, this.simulated, this.table, this.liveHeading, this.noneLive, this.liveList);
    this.element = element('section', 'card camera-card', element('h2', undefined, bilingual(STRINGS.cameras), this.summary), this.message, this.live);
    this.update({ kind: 'loading' });
  }

  update(model: CameraViewModel): void {
    this.element.dataset.state = model.kind;
    this.live.hidden = model.kind !== 'live';
    this.message.hidden = model.kind === 'live';
    if (model.kind !== 'live') {
      this.summary.textContent = '';
      this.summary.className = 'camera-summary';
      this.message.className = model.kind === 'error' ? 'camera-message error-message' : 'camera-message muted';
      const text =
        model.kind === 'loading' ? STRINGS.loading : model.kind === 'unavailable' ? STRINGS.camerasUnavailable : model.kind === 'signed-out' ? STRINGS.camerasSignIn : undefined;
      this.message.textContent = text ? bilingualText(text) : model.kind === 'error' ? model.message : '';
      return;
    }
    const { summary } = model;
    setText(this.summary, bilingualText(summary.countText));
    this.summary.className = `camera-summary${summary.withoutPicture > 0 ? ' lost' : summary.connecting > 0 ? ' connecting' : ''}`;
    this.summary.dataset.withoutPicture = String(summary.withoutPicture);

    this.gateway.dataset.state = summary.gateway.status;
    setText(this.gatewayText, bilingualText(summary.gateway.text));
    this.gatewayProblem.hidden = summary.gateway.problem === undefined;
    setText(this.gatewayProblem, summary.gateway.problem ?? '');

    this.simulated.hidden = summary.simulated === undefined;
    setText(this.simulated, summary.simulated ? bilingualText(summary.simulated) : '');

    this.table.hidden = summary.troubled.length === 0;
    this.updateTroubled(summary.troubled);

    this.liveHeading.hidden = summary.total === 0;
    setText(this.liveHeading, `${bilingualText(STRINGS.liveCameras)} · ${count.format(summary.live.length)}/${count.format(summary.total)}`);
    this.noneLive.hidden = summary.total === 0 || summary.live.length > 0;
    this.liveList.hidden = summary.live.length === 0;
    this.updateLive(summary.live);
  }

  private updateTroubled(cameras: readonly TroubledCameraRow[]): void {
    const wanted = new Set(cameras.map((camera) => camera.id));
    for (const id of [...this.troubledRows.keys()]) if (!wanted.has(id)) this.troubledRows.delete(id);
    for (const camera of cameras) {
      let row = this.troubledRows.get(camera.id);
      if (row?.names !== namesOf(camera)) {
        row = createTroubledRow(camera);
        this.troubledRows.set(camera.id, row);
        // A new row element: the order check below must attach it.
        this.shownTroubled = '';
      }
      row.root.dataset.state = camera.state;
      setText(row.state, bilingualText(camera.stateText));
      setText(row.lastFrame, bilingualText(camera.lastFrame));
      setText(row.restarts, count.format(camera.restarts));
      row.restarts.classList.toggle('some', camera.restarts > 0);
      setText(row.detail, camera.detail ?? '');
      row.simulated.hidden = camera.simulated === undefined;
      setText(row.simulated, camera.simulated ? bilingualText(camera.simulated) : '');
    }
    const order = cameras.map((camera) => camera.id).join('\n');
    if (order !== this.shownTroubled) {
      this.shownTroubled = order;
      this.rows.replaceChildren(...cameras.map((camera) => this.troubledRows.get(camera.id)!.root));
    }
  }

  private updateLive(cameras: readonly LiveCameraRow[]): void {
    const wanted = new Set(cameras.map((camera) => camera.id));
    for (const id of [...this.liveLines.keys()]) if (!wanted.has(id)) this.liveLines.delete(id);
    for (const camera of cameras) {
      let line = this.liveLines.get(camera.id);
      if (line?.names !== namesOf(camera)) {
        line = createLiveLine(camera);
        this.liveLines.set(camera.id, line);
        this.shownLive = '';
      }
      setText(line.frameRate, camera.frameRate.vi);
      setText(line.bitrate, camera.bitrate.vi);
      // The English and the restarts on hover: a line per camera must stay one line.
      const title = `${camera.name.en} · ${camera.frameRate.en} · ${camera.bitrate.en} · ${STRINGS.restarts.vi} / ${STRINGS.restarts.en}: ${camera.restarts}`;
      line.root.title = camera.simulated ? `${title} · ${bilingualText(camera.simulated)}` : title;
      line.root.classList.toggle('simulated', camera.simulated !== undefined);
    }
    const order = cameras.map((camera) => camera.id).join('\n');
    if (order !== this.shownLive) {
      this.shownLive = order;
      this.liveList.replaceChildren(...cameras.map((camera) => this.liveLines.get(camera.id)!.root));
    }
  }
}

function createTroubledRow(camera: TroubledCameraRow): TroubledRow {
  const state = element('td', 'camera-state');
  const lastFrame = element('td', 'camera-last-frame');
  const restarts = element('td', 'camera-restarts');
  const detail = element('td', 'camera-detail');
  const simulated = element('span', 'camera-simulated-tag muted');
  const root = element(
    'tr',
    'camera-row',
    element('td', 'camera-name', bilingual(camera.name), element('code', 'camera-id', camera.id), simulated),
    state,
    lastFrame,
    restarts,
    detail,
  );
  root.dataset.camera = camera.id;
  return { names: namesOf(camera), root, state, lastFrame, restarts, detail, simulated };
}

function createLiveLine(camera: LiveCameraRow): LiveLine {
  const frameRate = element('span', 'live-camera-rate');
  const bitrate = element('span', 'live-camera-bitrate');
  const root = element(
    'li',
    'live-camera',
    element('span', 'dot'),
    element('span', 'live-camera-name', camera.name.vi),
    element('code', 'camera-id', camera.id),
    frameRate,
    bitrate,
  );
  root.dataset.camera = camera.id;
  root.dataset.state = 'live';
  return { names: namesOf(camera), root, frameRate, bitrate };
}

const namesOf = (camera: { readonly name: Localised }): string => JSON.stringify(camera.name);

/** Writes a text only when it differs: an unchanged cell keeps its node (and any selection in it). */
function setText(target: HTMLElement, text: string): void {
  if (target.textContent !== text) target.textContent = text;
}
