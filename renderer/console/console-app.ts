// The console's one controller: holds what the page knows (layout, scene state, session, health, telemetry, cameras, audit, commands), runs the commands, feeds the views.
import { DisposableStore, type Disposable, type Scheduler } from '../../common/contract/events.ts';
import { parseAccelerator, type KeyChord, type Platform } from './accelerator.ts';
import {
  ApiError,
  type Api,
  type AuditEntry,
  type CamerasState,
  type SceneState,
  type SceneSummary,
  type ScreenOutcome,
  type SwitchOutcome,
  type TelemetryState,
  type WallDescription,
  type WallHealth,
} from './api.ts';
import { AuditView } from './audit-view.ts';
import { camerasShowAges, camerasStateOf, summariseCameras, type CamerasSummary } from './camera-state.ts';
import { CameraView, type CameraViewModel } from './camera-view.ts';
import { failureOf, outcomeByScreen } from './command-outcome.ts';
import { element } from './dom.ts';
import { HeaderView } from './header-view.ts';
import { listenForHotkeys } from './hotkeys.ts';
import { identifyFailureOf, type IdentifyOutcome } from './identify-outcome.ts';
import { IdentifyView } from './identify-view.ts';
import { NoticeView } from './notice-view.ts';
import { poll, type Poller } from './poller.ts';
import { ResultView, type CommandRecord } from './result-view.ts';
import { SceneButtonsView } from './scene-buttons-view.ts';
import type { EventsConnection, SceneEvents } from './scene-events.ts';
import { ScreensView } from './screens-view.ts';
import { publishStatus } from './status.ts';
import { StateView } from './state-view.ts';
import { STRINGS, type Localised } from './strings.ts';
import { NO_LAYOUT_NAMES, serverTimeNow, summariseTelemetry, telemetryStateOf, type LayoutNames, type TelemetrySummary } from './telemetry-state.ts';
import { TelemetryView, type TelemetryViewModel } from './telemetry-view.ts';
import { wallClock, type WallClock } from './wall-time.ts';
import { PreviewView } from './preview-view.ts';
import { SecondTicker } from '../screen/second-ticker.ts';

export interface ConsoleAppOptions {
  readonly root: HTMLElement;
  readonly api: Api;
  readonly events: SceneEvents;
  readonly scheduler: Scheduler;
  readonly platform: Platform;
  /** The login code taken from the address, if the page was opened with one. */
  readonly loginCode: string | undefined;
  /** A monotonic clock for how long a command took. */
  readonly elapsed: () => number;
}

const HEALTH_PERIOD = 2_000;
const AUDIT_PERIOD = 10_000;
/** The socket brings stale/fresh turns at once; the poll keeps the message counts current and covers a socket that is down. */
const TELEMETRY_PERIOD = 10_000;
/** The socket brings a feed's change of state at once; the rates (fps, bitrate) change all the time and come with the poll only. */
const CAMERAS_PERIOD = 5_000;
const AUDIT_ROWS = 20;
const COMMANDS_KEPT = 10;
/** How long the screens show their identity when the button is pressed. */
const IDENTIFY_SECONDS = 10;

export class ConsoleApp implements Disposable {
  private readonly store = new DisposableStore();
  private readonly header: HeaderView;
  private readonly notices = new NoticeView();
  private readonly stateView = new StateView();
  private readonly sceneButtons: SceneButtonsView;
  private readonly results = new ResultView();
  private readonly identifyView: IdentifyView;
  private readonly screens = new ScreensView();
  private readonly auditView = new AuditView();
  private readonly telemetryView = new TelemetryView();
  /** Redraws the telemetry section each second while an age is shown: ages count up between the server's messages. */
  private readonly telemetryTicker: SecondTicker;
  private readonly cameraView = new CameraView();
  /** Redraws the camera section each second while a troubled camera's time since its last frame is shown. */
  private readonly camerasTicker: SecondTicker;
  private readonly preview = new PreviewView();

  private clock: WallClock = wallClock(undefined);
  private layoutVersion: number | undefined;
  private scenes: readonly SceneSummary[] = [];
  private chords = new Map<string, KeyChord>();
  private state: SceneState | undefined;
  private eventsConnection: EventsConnection;
  /** The first connect needs no telemetry catch-up: start() reads it anyway. */
  private eventsWereConnected = false;
  private signedIn = false;
  private actor: string | undefined;
  private sessionBusy = false;
  /** Until the first sign-in or session answer, the page does not know whether its cookie still opens a session. */
  private sessionKnown = false;
  private identifyOutcome: IdentifyOutcome | undefined;
  /** Turns "identifying" into "identified" when the time asked for has passed. */
  private identifyTimer: Disposable | undefined;
  private health: WallHealth | undefined;
  private audit: AuditEntry[] | undefined;
  private auditError: string | undefined;
  private readonly commands: CommandRecord[] = [];
  private nextSequence = 1;
  private screenOutcomes: ReadonlyMap<string, ScreenOutcome> = new Map();
  private telemetry: TelemetryState | undefined;
  /** When `telemetry` arrived, on this page's monotonic clock: its `at` plus the time since is the server's clock now. */
  private telemetryReceivedAt = 0;
  /** Why there is no telemetry to show, when there is none. */
  private telemetryProblem: Exclude<TelemetryViewModel, { kind: 'live' }> = { kind: 'loading' };
  private telemetryPoller: Poller | undefined;
  private cameras: CamerasState | undefined;
  /** When `cameras` arrived, on this page's monotonic clock (as for telemetry: the server's clock is the one that counts). */
  private camerasReceivedAt = 0;
  /** Why there are no cameras to show, when there are none. */
  private camerasProblem: Exclude<CameraViewModel, { kind: 'live' }> = { kind: 'loading' };
  private camerasPoller: Poller | undefined;
  private layoutNames: LayoutNames = NO_LAYOUT_NAMES;
  private lastResult: unknown;
  private lastError: string | undefined;

  constructor(private readonly options: ConsoleAppOptions) {
    this.header = new HeaderView(() => void this.signOut());
    this.sceneButtons = new SceneButtonsView(
      (sceneId) => void this.activate(sceneId),
      () => void this.activate('previous'),
    );
    this.identifyView = new IdentifyView(() => void this.identify());
    this.eventsConnection = options.events.connection;
    options.root.replaceChildren(
      this.header.element,
      this.notices.element,
      element(
        'main',
        'layout',
        element('div', 'column controls', this.stateView.element, this.sceneButtons.element, this.results.element),
        // Under the screen tiles: the technician checks which physical screen is which against them.
        element(
          'div',
          'column watch',
          this.preview.element,
          this.screens.element,
          this.cameraView.element,
          this.telemetryView.element,
          this.identifyView.element,
          this.auditView.element,
        ),
      ),
    );

    this.telemetryTicker = this.store.add(new SecondTicker(() => this.renderTelemetry(), () => this.serverNow(), options.scheduler));
    this.camerasTicker = this.store.add(new SecondTicker(() => this.renderCameras(), () => this.camerasServerNow(), options.scheduler));
    this.store.add(options.events.onDidChangeState((state) => this.acceptState(state)));
    this.store.add(
      options.events.onDidChangeCameras((cameras) => {
        // The socket's messages come in order: the newest always wins (even over a server clock stepped back).
        this.acceptCameras(cameras);
        this.render();
      }),
    );
    this.store.add(
      options.events.onDidChangeTelemetry((telemetry) => {
        // The socket's messages come in order: the newest always wins.
        this.acceptTelemetry(telemetry);
        this.render();
      }),
    );
    this.store.add(
      options.events.onDidChangeConnection((connection) => {
        this.eventsConnection = connection;
        // While the live socket is down, the health poll reads /api/state instead: the page never shows a state older than 2 s.
        // The socket sends telemetry on changes only: what changed while it was down is read again on reconnect.
        if (connection === 'connected' && this.eventsWereConnected) {
          this.telemetryPoller?.runNow();
          this.camerasPoller?.runNow();
        }
        if (connection === 'connected') this.eventsWereConnected = true;
        this.render();
      }),
    );
    this.store.add(listenForHotkeys(window, () => this.chords, (sceneId) => this.onHotkey(sceneId)));
    this.render();
  }

  /** Signs in (if the address carried a code), then keeps health, state, session and audit fresh until disposed. */
  async start(): Promise<void> {
    const { loginCode } = this.options;
    if (loginCode !== undefined) await this.signIn(loginCode);
    this.store.add(poll(() => this.refreshHealth(), HEALTH_PERIOD, this.options.scheduler));
    // The session poll asks the server first (GET /api/session): the cookie is HttpOnly, and another tab may have signed in or out.
    const auditPoller = this.store.add(poll(() => this.refreshSessionAndAudit(), AUDIT_PERIOD, this.options.scheduler));
    this.refreshAuditSoon = () => auditPoller.runNow();
    this.telemetryPoller = this.store.add(poll(() => this.refreshTelemetry(), TELEMETRY_PERIOD, this.options.scheduler));
    this.camerasPoller = this.store.add(poll(() => this.refreshCameras(), CAMERAS_PERIOD, this.options.scheduler));
  }

  private refreshAuditSoon: () => void = () => undefined;

  // ---- session ---------------------------------------------------------------------------------

  private async signIn(code: string): Promise<void> {
    this.sessionBusy = true;
    this.render();
    try {
      const { actor } = await this.options.api.signIn(code);
      this.setSignedIn(true, actor);
      this.sessionKnown = true;
      this.notices.set('login', undefined);
    } catch (error) {
      this.setSignedIn(false);
      const refused = error instanceof ApiError && error.status === 401;
      this.lastError = refused ? STRINGS.loginFailed.en : messageOf(error);
      this.notices.set('login', { kind: 'error', text: STRINGS.loginFailed, ...(refused ? {} : { detail: messageOf(error) }) });
    } finally {
      this.sessionBusy = false;
      this.render();
    }
  }

  private async signOut(): Promise<void> {
    this.sessionBusy = true;
    this.render();
    try {
      await this.options.api.signOut();
      this.setSignedIn(false);
      this.audit = undefined;
    } catch (error) {
      this.lastError = messageOf(error);
      this.notices.set('session', { kind: 'error', text: STRINGS.serverUnreachable, detail: messageOf(error) });
    } finally {
      this.sessionBusy = false;
      this.render();
    }
  }

  private setSignedIn(signedIn: boolean, actor?: string): void {
    // Signing in may open what the server refused a signed-out page.
    if (signedIn && !this.signedIn && this.telemetryProblem.kind === 'signed-out') this.telemetryPoller?.runNow();
    if (signedIn && !this.signedIn && this.camerasProblem.kind === 'signed-out') this.camerasPoller?.runNow();
    this.signedIn = signedIn;
    this.actor = signedIn ? actor : undefined;
    this.notices.set('session', signedIn ? undefined : { kind: 'info', text: STRINGS.notSignedIn, detail: `${STRINGS.signInHint.vi} / ${STRINGS.signInHint.en}` });
  }

  /** The server refused us: the session ended (server restarted, signed out elsewhere). */
  private onUnauthorised(): void {
    if (this.signedIn) this.notices.set('login', { kind: 'warning', text: STRINGS.sessionEnded });
    this.setSignedIn(false);
    this.audit = undefined;
  }

  // ---- commands --------------------------------------------------------------------------------

  private onHotkey(sceneId: string): void {
    if (!this.signedIn) {
      this.sceneButtons.flash(sceneId, true);
      this.notices.set('session', { kind: 'warning', text: STRINGS.signInFirst, detail: `${STRINGS.signInHint.vi} / ${STRINGS.signInHint.en}` });
      return;
    }
    this.sceneButtons.flash(sceneId);
    void this.activate(sceneId);
  }

  /** Switches the wall; several commands may be in flight: the server supersedes the older ones (409), and each says so here. */
  private async activate(target: string): Promise<void> {
    const command: CommandRecord = { sequence: this.nextSequence++, target, startedAt: this.options.elapsed(), outcome: { kind: 'pending' } };
    this.commands.unshift(command);
    this.commands.splice(COMMANDS_KEPT);
    this.render();
    try {
      const outcome = target === 'previous' ? await this.options.api.previous() : await this.options.api.activate(target);
      command.outcome = { kind: 'switched', outcome };
      this.lastResult = outcome;
      this.lastError = undefined;
      this.screenOutcomes = outcomeByScreen(outcome);
      this.acceptOutcome(outcome);
    } catch (error) {
      command.outcome = failureOf(error);
      this.lastResult = error instanceof ApiError ? (error.body ?? { status: error.status }) : { error: messageOf(error) };
      this.lastError =
        command.outcome.kind === 'superseded' ? STRINGS.superseded.en : command.outcome.kind === 'unauthorised' ? STRINGS.unauthorised.en : messageOf(error);
      if (command.outcome.kind === 'unauthorised') this.onUnauthorised();
    } finally {
      command.finishedAt = this.options.elapsed();
      this.render();
      this.refreshAuditSoon();
    }
  }

  /** Every screen shows its id, label and resolution over the test pattern for a while; the scene on air stays. */
  private async identify(): Promise<void> {
    if (this.identifyOutcome?.kind === 'pending') return;
    const seconds = IDENTIFY_SECONDS;
    this.identifyTimer?.dispose();
    this.identifyOutcome = { kind: 'pending', seconds };
    this.render();
    try {
      const answer = await this.options.api.identify(seconds);
      const outcome: IdentifyOutcome = { kind: 'identifying', seconds, answer };
      this.identifyOutcome = outcome;
      this.lastError = undefined;
      // Counted from the answer, not from `until`: this desk's clock need not agree with the server's.
      this.identifyTimer = this.options.scheduler.setTimeout(() => {
        this.identifyTimer = undefined;
        if (this.identifyOutcome !== outcome) return;
        this.identifyOutcome = { ...outcome, kind: 'identified' };
        this.render();
      }, seconds * 1000);
    } catch (error) {
      this.identifyOutcome = identifyFailureOf(error);
      this.lastError = this.identifyOutcome.kind === 'unauthorised' ? STRINGS.unauthorised.en : messageOf(error);
      if (this.identifyOutcome.kind === 'unauthorised') this.onUnauthorised();
    } finally {
      this.render();
      this.refreshAuditSoon();
    }
  }

  // ---- state -----------------------------------------------------------------------------------

  /** The server's word (socket or /api/state) always wins: it is the single writer, and versions may restart with a new data folder. */
  private acceptState(state: SceneState): void {
    this.state = state;
    this.render();
  }

  /** Our own answer may come before the socket's message: take it only if it is newer than what we show. */
  private acceptOutcome(outcome: SwitchOutcome): void {
    const current = this.state;
    if (current && current.scene.version >= outcome.version) return;
    this.state = {
      type: 'state',
      scene: { id: outcome.sceneId, version: outcome.version, committedAt: outcome.committedAt, previous: current?.scene.id ?? null },
      pending: current?.pending && current.pending.version > outcome.version ? current.pending : null,
    };
  }

  private async loadLayout(): Promise<void> {
    const [wall, scenes] = await Promise.all([this.options.api.wall(), this.options.api.scenes()]);
    this.applyLayout(wall, scenes);
  }

  private applyLayout(wall: WallDescription, scenes: readonly SceneSummary[]): void {
    this.clock = wallClock(wall.wall.timezone);
    this.layoutNames = { fields: wall.fields, series: wall.series };
    this.header.setWallName(wall.wall.name);
    this.scenes = scenes;
    const chords = new Map<string, KeyChord>();
    const problems: string[] = [];
    for (const scene of scenes) {
      if (scene.hotkey === undefined) continue;
      const parsed = parseAccelerator(scene.hotkey, this.options.platform);
      if (!parsed.ok) problems.push(`${scene.id}: ${parsed.message}`);
      // Two scenes on one key: the first keeps it, as the layout reads top to bottom.
      else if (![...chords.values()].some((chord) => chord.label === parsed.chord.label)) chords.set(scene.id, parsed.chord);
    }
    this.chords = chords;
    this.notices.set('hotkeys', problems.length > 0 ? { kind: 'warning', text: STRINGS.unreadableHotkeys, detail: problems.join('; ') } : undefined);
    this.sceneButtons.setScenes(scenes, chords);
    this.screens.setScreens(wall.plan.screens);
    this.render();
  }

  private async refreshHealth(): Promise<void> {
    try {
      const health = await this.options.api.health();
      this.health = health;
      this.notices.set('server', undefined);
      this.notices.set(
        'layout',
        health.layout.lastError ? { kind: 'error', text: STRINGS.layoutProblem, detail: health.layout.lastError.problems.slice(0, 3).join(' · ') } : undefined,
      );
      // A reloaded layout can bring other scenes, hotkeys and screens.
      if (health.layout.version !== this.layoutVersion) {
        await this.loadLayout();
        this.layoutVersion = health.layout.version;
      }
      if (this.eventsConnection !== 'connected' || this.state === undefined) this.acceptState(await this.options.api.state());
    } catch (error) {
      const unreachable = error instanceof ApiError && error.status === 0;
      if (unreachable) this.health = undefined;
      this.notices.set('server', { kind: 'error', text: unreachable ? STRINGS.serverUnreachable : STRINGS.serverError, detail: messageOf(error) });
    } finally {
      this.render();
    }
  }

  /** Whether the session cookie still works, and as whom: the page cannot read it, the server can. */
  private async refreshSession(): Promise<void> {
    try {
      const { actor } = await this.options.api.session();
      if (!this.signedIn || this.actor !== actor) {
        // Still signed in from before (a reload, another tab): a refused old link no longer matters.
        this.setSignedIn(true, actor);
        this.notices.set('login', undefined);
        if (this.lastError === STRINGS.loginFailed.en) this.lastError = undefined;
      }
      this.sessionKnown = true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.sessionKnown = true;
        this.onUnauthorised();
      }
      // Unreachable or a server error: the health poll says so; what we knew of the session stands.
    } finally {
      this.render();
    }
  }

  private async refreshSessionAndAudit(): Promise<void> {
    await this.refreshSession();
    if (this.signedIn) await this.refreshAudit();
  }

  private async refreshAudit(): Promise<void> {
    try {
      const entries = await this.options.api.audit(AUDIT_ROWS);
      this.audit = entries;
      this.auditError = undefined;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.onUnauthorised();
      else this.auditError = messageOf(error);
    } finally {
      this.render();
    }
  }

  // ---- telemetry -------------------------------------------------------------------------------

  private async refreshTelemetry(): Promise<void> {
    try {
      const answer = telemetryStateOf(await this.options.api.telemetry());
      if (!answer) throw new Error('GET /api/telemetry: not a telemetry state');
      // An answer built before a socket message that overtook it must not undo that message.
      if (!this.telemetry || answer.at >= this.telemetry.at) this.acceptTelemetry(answer);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        // An older server: no telemetry at all, rather than a broken section.
        this.telemetry = undefined;
        this.telemetryProblem = { kind: 'unavailable' };
      } else if (error instanceof ApiError && error.status === 401) {
        this.telemetry = undefined;
        this.telemetryProblem = { kind: 'signed-out' };
        this.onUnauthorised();
      } else if (!this.telemetry) {
        // Unreachable or a server error: a state already shown stays (the health poll says what is wrong); with none, say why.
        this.telemetryProblem = { kind: 'error', message: messageOf(error) };
      }
    } finally {
      this.render();
    }
  }

  /** Ages count from the state's `at` on the page's monotonic clock: this desk's clock need not agree with the server's (the network's few ms do not show in minutes). */
  private acceptTelemetry(telemetry: TelemetryState): void {
    this.telemetry = telemetry;
    this.telemetryReceivedAt = this.options.elapsed();
  }

  /** The server's clock, as far as the latest telemetry state tells it (without one nothing reads it: the ticker is off). */
  private serverNow(): number {
    const elapsed = this.options.elapsed();
    return this.telemetry ? serverTimeNow(this.telemetry.at, this.telemetryReceivedAt, elapsed) : elapsed;
  }

  /** Draws the telemetry section at the server's time now; the summary it drew, if any. */
  private renderTelemetry(): TelemetrySummary | undefined {
    const summary = this.telemetry ? summariseTelemetry(this.telemetry, this.serverNow(), this.layoutNames) : undefined;
    this.telemetryView.update(summary ? { kind: 'live', summary } : this.telemetryProblem);
    // Only ages count up by themselves; a fresh list or "no data yet" waits for the server.
    this.telemetryTicker.running = this.telemetry?.series.some((series) => series.stale && series.time !== null) === true;
    return summary;
  }

  // ---- cameras ---------------------------------------------------------------------------------

  private async refreshCameras(): Promise<void> {
    try {
      const answer = camerasStateOf(await this.options.api.cameras());
      if (!answer) throw new Error('GET /api/cameras: not a cameras state');
      // An answer built before a socket message that overtook it must not undo that message.
      if (!this.cameras || answer.at >= this.cameras.at) this.acceptCameras(answer);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        // An older server, without a media gateway: say so, rather than show a broken section.
        this.cameras = undefined;
        this.camerasProblem = { kind: 'unavailable' };
      } else if (error instanceof ApiError && error.status === 401) {
        this.cameras = undefined;
        this.camerasProblem = { kind: 'signed-out' };
        this.onUnauthorised();
      } else if (!this.cameras) {
        // Unreachable or a server error: a state already shown stays (the health poll says what is wrong); with none, say why.
        this.camerasProblem = { kind: 'error', message: messageOf(error) };
      }
    } finally {
      this.render();
    }
  }

  private acceptCameras(cameras: CamerasState): void {
    this.cameras = cameras;
    this.camerasReceivedAt = this.options.elapsed();
  }

  /** The server's clock, as far as the latest cameras state tells it: the last frame times are the server's. */
  private camerasServerNow(): number {
    const elapsed = this.options.elapsed();
    return this.cameras ? serverTimeNow(this.cameras.at, this.camerasReceivedAt, elapsed) : elapsed;
  }

  /** Draws the camera section at the server's time now; the summary it drew, if any. */
  private renderCameras(): CamerasSummary | undefined {
    const summary = this.cameras ? summariseCameras(this.cameras, this.camerasServerNow()) : undefined;
    this.cameraView.update(summary ? { kind: 'live', summary } : this.camerasProblem);
    this.camerasTicker.running = this.cameras !== undefined && camerasShowAges(this.cameras);
    return summary;
  }

  // ---- views -----------------------------------------------------------------------------------

  private nameOf = (sceneId: string): Localised => this.scenes.find((scene) => scene.id === sceneId)?.name ?? { vi: sceneId, en: sceneId };

  private emergency = (sceneId: string): boolean => this.scenes.find((scene) => scene.id === sceneId)?.extends !== undefined;

  private render(): void {
    this.header.setEvents(this.eventsConnection);
    this.header.setSession({ signedIn: this.signedIn, ...(this.actor ? { actor: this.actor } : {}), busy: this.sessionBusy || !this.sessionKnown });
    this.stateView.update({ state: this.state, nameOf: this.nameOf, emergency: this.emergency, clock: this.clock });
    const pendingSceneIds = new Set(this.commands.filter((command) => command.outcome.kind === 'pending').map((command) => command.target));
    this.sceneButtons.update({
      activeSceneId: this.state?.scene.id,
      previousSceneId: this.state?.scene.previous,
      pendingSceneIds,
      enabled: this.signedIn,
    });
    this.results.update({ commands: this.commands, nameOf: this.nameOf, clock: this.clock });
    this.identifyView.update({ outcome: this.identifyOutcome, enabled: this.signedIn, clock: this.clock });
    this.screens.update({ health: this.health, outcomes: this.screenOutcomes });
    const telemetry = this.renderTelemetry();
    const cameras = this.renderCameras();
    this.auditView.update(
      !this.signedIn
        ? { kind: 'signed-out' }
        : this.auditError !== undefined && this.audit === undefined
          ? { kind: 'error', message: this.auditError }
          : this.audit === undefined
            ? { kind: 'loading' }
            : { kind: 'entries', entries: this.audit, clock: this.clock },
    );
    publishStatus({
      signedIn: this.signedIn,
      ...(this.actor ? { actor: this.actor } : {}),
      ...(this.state ? { activeScene: this.state.scene.id, version: this.state.scene.version } : {}),
      ...(this.lastResult === undefined ? {} : { lastResult: this.lastResult }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.identifyOutcome === undefined ? {} : { identify: this.identifyOutcome }),
      events: this.eventsConnection,
      telemetry: telemetry ? 'live' : this.telemetryProblem.kind,
      staleSeries: telemetry?.stale.map((series) => series.id) ?? [],
      brokers: telemetry?.brokers.map(({ id, state }) => ({ id, state })) ?? [],
      camerasView: cameras ? 'live' : this.camerasProblem.kind,
      cameras: cameras?.cameras.map(({ id, state }) => ({ id, state })) ?? [],
      cameraGateway: cameras?.gateway.status ?? 'unavailable',
    });
  }

  dispose(): void {
    this.identifyTimer?.dispose();
    this.store.dispose();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
