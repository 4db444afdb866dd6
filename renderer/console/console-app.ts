// The console's one controller: holds what the page knows (session and role, layout, scene state, health, telemetry, cameras, audit, commands), runs the commands, feeds the views.
import { DisposableStore, type Disposable, type Scheduler } from '../../common/contract/events.ts';
import type { Role } from '../../common/contract/roles.ts';
import { parseAccelerator, type KeyChord, type Platform } from './accelerator.ts';
import {
  ApiError,
  type Api,
  type AuditEntry,
  type SessionInfo,
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
import { isLocked, loginFailureOf, loginFailureText, type LoginFailure, type SignInMethod } from './login-form.ts';
import { LoginView } from './login-view.ts';
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
import { may, sameSignedIn, sceneAccessOf, signedInOf, type SceneAccess, type SignedIn } from './permissions.ts';
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
  private readonly loginView: LoginView;
  /** Everything but the top bar, the notices and the login form: hidden (never torn down) while nobody is signed in. */
  private readonly main: HTMLElement;
  /** Where the officer had scrolled when the session ended: the console comes back there after the sign-in. */
  private scrollBeforeSignOut = 0;
  /** Counts a sign-in lock's minutes down, and gives the button back when it ends. */
  private readonly lockTicker: SecondTicker;
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
  /** Who is signed in, with the actions the server allows them; undefined when nobody. */
  private session: SignedIn | undefined;
  /** The session the scene list was read with: its `allowed` flags are that session's. */
  private scenesListedFor: SignedIn | undefined;
  private sessionBusy = false;
  /** Until the first session answer, the page does not know whether its cookie still opens a session: it shows neither the console nor the form. */
  private sessionKnown = false;
  /** Why the last sign-in failed, until the next one. */
  private loginFailure: LoginFailure | undefined;
  /** Why the login form is back (the session ended), or what it wants first. */
  private loginNotice: Localised | undefined;
  private sessionPoller: Poller | undefined;
  private healthPoller: Poller | undefined;
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
    this.loginView = new LoginView((user, password) => void this.signInWith(() => this.options.api.signIn(user, password), 'password'));
    this.sceneButtons = new SceneButtonsView(
      (sceneId) => void this.activate(sceneId),
      () => void this.activate('previous'),
    );
    this.identifyView = new IdentifyView(() => void this.identify());
    this.eventsConnection = options.events.connection;
    this.main = element(
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
      );
    this.main.hidden = true;
    options.root.replaceChildren(this.header.element, this.notices.element, this.loginView.element, this.main);

    this.telemetryTicker = this.store.add(new SecondTicker(() => this.renderTelemetry(), () => this.serverNow(), options.scheduler));
    this.camerasTicker = this.store.add(new SecondTicker(() => this.renderCameras(), () => this.camerasServerNow(), options.scheduler));
    this.lockTicker = this.store.add(new SecondTicker(() => this.render(), () => options.elapsed(), options.scheduler));
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
    // A socket refused for want of a session: ask who we are now (a 401 there shows the form), rather than trust a socket's close alone.
    this.store.add(
      options.events.onDidRefuse(() => {
        if (this.session) this.sessionPoller?.runNow();
      }),
    );
    this.store.add(listenForHotkeys(window, () => this.chords, (sceneId) => this.onHotkey(sceneId)));
    this.render();
  }

  /** Signs in (if the address carried a code), then keeps session, health, state, audit, telemetry and cameras fresh until disposed. */
  async start(): Promise<void> {
    const { loginCode } = this.options;
    if (loginCode !== undefined) await this.signInWith(() => this.options.api.signInWithCode(loginCode), 'code');
    // The session poll asks the server first (GET /api/session): the cookie is HttpOnly, and another tab may have signed in or out.
    this.sessionPoller = this.store.add(poll(() => this.refreshSessionAndAudit(), AUDIT_PERIOD, this.options.scheduler));
    this.refreshAuditSoon = () => this.sessionPoller?.runNow();
    this.healthPoller = this.store.add(poll(() => this.refreshHealth(), HEALTH_PERIOD, this.options.scheduler));
    this.telemetryPoller = this.store.add(poll(() => this.refreshTelemetry(), TELEMETRY_PERIOD, this.options.scheduler));
    this.camerasPoller = this.store.add(poll(() => this.refreshCameras(), CAMERAS_PERIOD, this.options.scheduler));
  }

  private refreshAuditSoon: () => void = () => undefined;

  // ---- session ---------------------------------------------------------------------------------

  /** A sign-in with the form or the console link's code; one at a time. */
  private async signInWith(attempt: () => Promise<SessionInfo>, method: SignInMethod): Promise<void> {
    if (this.sessionBusy) return;
    this.sessionBusy = true;
    this.render();
    try {
      this.acceptSession(signedInOf(await attempt()));
    } catch (error) {
      const failure = loginFailureOf(error, method, this.options.elapsed());
      this.loginFailure = failure;
      this.lastError = loginFailureText(failure, this.options.elapsed()).text.en;
      // A wrong password must not wait in the field for the next person at the desk; a network failure keeps it for the retry.
      if (failure.kind === 'wrong-credentials' || failure.kind === 'locked') this.loginView.clearPassword();
      // A refused link says nothing of the cookie: the session poll tells whether an older session still holds.
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
      this.loginNotice = undefined;
      this.acceptSession(undefined);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // Ended already: signed out is what the officer wanted.
        this.loginNotice = undefined;
        this.acceptSession(undefined);
      } else {
        this.lastError = messageOf(error);
        // A stale CSRF token (another tab signed in): the session poll fetches the current one; the officer presses again.
        if (error instanceof ApiError && error.code === 'csrf') this.sessionPoller?.runNow();
        this.notices.set('session', { kind: 'error', text: error instanceof ApiError && error.status === 0 ? STRINGS.serverUnreachable : STRINGS.serverError, detail: messageOf(error) });
      }
    } finally {
      this.sessionBusy = false;
      this.render();
    }
  }

  /** The server's word on who is signed in (or nobody): the form or the console, and everything the role opens or closes. */
  private acceptSession(next: SignedIn | undefined): void {
    this.sessionKnown = true;
    this.notices.set('session', undefined);
    if (next) {
      this.loginFailure = undefined;
      this.loginNotice = undefined;
      if (this.lastError !== undefined && this.lastError === STRINGS.loginFailed.en) this.lastError = undefined;
    }
    const previous = this.session;
    if (sameSignedIn(previous, next)) return;
    this.session = next;
    if (!next || !may(next, 'audit.read')) {
      this.audit = undefined;
      this.auditError = undefined;
    }
    if (!next) return;
    // What the server refused a signed-out page it may give now; the scene list's `allowed` flags are another session's (the health poll reads it again).
    this.healthPoller?.runNow();
    if (this.telemetryProblem.kind === 'signed-out') this.telemetryPoller?.runNow();
    if (this.camerasProblem.kind === 'signed-out') this.camerasPoller?.runNow();
    this.options.events.reconnectNow();
    if (may(next, 'audit.read')) this.refreshAuditSoon();
  }

  /** The server refused us: the session ended (expired, signed out elsewhere, server data reset). The form comes back; the console stays as it was under it. */
  private onUnauthorised(): void {
    if (this.session) this.loginNotice = STRINGS.sessionEnded;
    this.acceptSession(undefined);
  }

  /** What this session may do with a scene: the server's flags for the session they were read with, else the shared rule. */
  private sceneAccess = (sceneId: string): SceneAccess => {
    const scene = this.scenes.find((candidate) => candidate.id === sceneId);
    // Only known scenes have buttons and hotkeys; an id from nowhere is nobody's to activate.
    if (!scene) return this.session ? { allowed: false, reason: 'role', needs: [] } : { allowed: false, reason: 'signed-out' };
    return sceneAccessOf(scene, this.session, this.scenesListedFor);
  };

  // ---- commands --------------------------------------------------------------------------------

  /** A hotkey obeys the rule its button does: a scene the role may not activate is refused here, and the result card says who may. */
  private onHotkey(sceneId: string): void {
    const access = this.sceneAccess(sceneId);
    if (!access.allowed) {
      this.sceneButtons.flash(sceneId, true);
      if (access.reason === 'signed-out') {
        this.loginNotice = STRINGS.signInFirst;
        this.loginView.focus();
      } else this.refuse(sceneId, access.needs);
      this.render();
      return;
    }
    this.sceneButtons.flash(sceneId);
    void this.activate(sceneId);
  }

  /** A command this page does not send: listed with the others, so the officer reads why nothing happened. */
  private refuse(target: string, needs: readonly Role[]): void {
    const now = this.options.elapsed();
    this.commands.unshift({ sequence: this.nextSequence++, target, startedAt: now, finishedAt: now, outcome: { kind: 'forbidden', needs } });
    this.commands.splice(COMMANDS_KEPT);
    this.lastError = STRINGS.forbidden.en;
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
      const { outcome } = command;
      this.lastError =
        outcome.kind === 'superseded'
          ? STRINGS.superseded.en
          : outcome.kind === 'unauthorised'
            ? STRINGS.unauthorised.en
            : outcome.kind === 'forbidden' && outcome.csrf
              ? STRINGS.csrfRefused.en
              : messageOf(error);
      if (outcome.kind === 'unauthorised') this.onUnauthorised();
      // The session's token changed (another tab signed in): fetch the current one, so the next press goes through.
      if (outcome.kind === 'forbidden' && outcome.csrf) this.sessionPoller?.runNow();
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
      if (error instanceof ApiError && error.code === 'csrf') this.sessionPoller?.runNow();
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
    // The flags in the answer are for the session the request went with: the one known now.
    const listedFor = this.session;
    const [wall, scenes] = await Promise.all([this.options.api.wall(), this.options.api.scenes()]);
    this.scenesListedFor = listedFor;
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
      // A reloaded layout can bring other scenes, hotkeys and screens; another session, other `allowed` flags on the scenes.
      if (health.layout.version !== this.layoutVersion || !sameSignedIn(this.scenesListedFor, this.session)) {
        await this.loadLayout();
        this.layoutVersion = health.layout.version;
      }
      if (this.eventsConnection !== 'connected' || this.state === undefined) this.acceptState(await this.options.api.state());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // Off loopback every read needs a session: not a server fault, the form says what to do.
        this.notices.set('server', undefined);
        this.onUnauthorised();
        return;
      }
      const unreachable = error instanceof ApiError && error.status === 0;
      if (unreachable) this.health = undefined;
      this.notices.set('server', { kind: 'error', text: unreachable ? STRINGS.serverUnreachable : STRINGS.serverError, detail: messageOf(error) });
    } finally {
      this.render();
    }
  }

  /** Whether the session cookie still works, as whom and with which role: the page cannot read it, the server can. */
  private async refreshSession(): Promise<void> {
    try {
      this.acceptSession(signedInOf(await this.options.api.session()));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.onUnauthorised();
      // Unreachable or a server error: the health poll says so; what we knew of the session stands.
    } finally {
      this.render();
    }
  }

  private async refreshSessionAndAudit(): Promise<void> {
    await this.refreshSession();
    if (may(this.session, 'audit.read')) await this.refreshAudit();
  }

  private async refreshAudit(): Promise<void> {
    try {
      const entries = await this.options.api.audit(AUDIT_ROWS);
      this.audit = entries;
      this.auditError = undefined;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.onUnauthorised();
      else if (this.session) this.auditError = messageOf(error);
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

  /** The form while nobody is signed in, the console while someone is; neither until the server said which. */
  private renderSessionLayers(): void {
    const signedOut = this.sessionKnown && !this.session;
    const showMain = this.session !== undefined;
    const mainWasHidden = this.main.hidden;
    const formWasHidden = this.loginView.element.hidden;
    if (!showMain && !mainWasHidden) this.scrollBeforeSignOut = window.scrollY;
    this.main.hidden = !showMain;
    this.loginView.element.hidden = !signedOut;
    // Back where the officer was when the session ended (same scroll, command history, sections), once the form above is gone:
    // scrolled before, the browser's scroll anchoring would move the page up by the form's height.
    if (showMain && mainWasHidden) window.scrollTo(0, this.scrollBeforeSignOut);
    if (signedOut && formWasHidden) this.loginView.focus();
    const now = this.options.elapsed();
    // A lock that has run out is no longer news: the button comes back and the text goes.
    if (this.loginFailure?.kind === 'locked' && this.loginFailure.until !== undefined && !isLocked(this.loginFailure, now)) this.loginFailure = undefined;
    const locked = isLocked(this.loginFailure, now);
    this.loginView.update({
      busy: this.sessionBusy,
      locked,
      failure: this.loginFailure && loginFailureText(this.loginFailure, now),
      notice: this.loginNotice,
    });
    this.lockTicker.running = signedOut && locked;
  }

  private render(): void {
    const session = this.session;
    this.header.setEvents(this.eventsConnection);
    this.header.setSession({ signedIn: session, busy: this.sessionBusy || !this.sessionKnown });
    this.renderSessionLayers();
    this.stateView.update({ state: this.state, nameOf: this.nameOf, emergency: this.emergency, clock: this.clock });
    const pendingSceneIds = new Set(this.commands.filter((command) => command.outcome.kind === 'pending').map((command) => command.target));
    this.sceneButtons.update({
      activeSceneId: this.state?.scene.id,
      previousSceneId: this.state?.scene.previous,
      pendingSceneIds,
      access: this.sceneAccess,
      previousAllowed: may(session, 'scene.previous'),
    });
    this.results.update({ commands: this.commands, nameOf: this.nameOf, clock: this.clock });
    // Sections a role cannot use are not shown at all: a viewer has no identify button to wonder about, nor an audit trail to wait for.
    this.identifyView.element.hidden = !may(session, 'screens.identify');
    this.identifyView.update({ outcome: this.identifyOutcome, enabled: may(session, 'screens.identify'), clock: this.clock });
    this.screens.update({ health: this.health, outcomes: this.screenOutcomes });
    const telemetry = this.renderTelemetry();
    const cameras = this.renderCameras();
    this.auditView.element.hidden = !may(session, 'audit.read');
    this.auditView.update(
      !session
        ? { kind: 'signed-out' }
        : this.auditError !== undefined && this.audit === undefined
          ? { kind: 'error', message: this.auditError }
          : this.audit === undefined
            ? { kind: 'loading' }
            : { kind: 'entries', entries: this.audit, clock: this.clock },
    );
    publishStatus({
      signedIn: session ? { actor: session.actor, role: session.role } : null,
      ...(session ? { actor: session.actor } : {}),
      loginError: this.loginFailure ? loginFailureText(this.loginFailure, this.options.elapsed()).text.en : null,
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
