// What the control API answers (main -> console and CLI): scene state, switch outcomes, the audit log, wall health. Declared once, here.
import type { Health } from './messages.ts';
import type { Action, ClientRole, Role } from './roles.ts';

export interface LocalisedName {
  readonly vi: string;
  readonly en: string;
}

/** GET /api/scenes, one per scene. */
export interface SceneSummary {
  readonly id: string;
  readonly name: LocalisedName;
  readonly hotkey?: string;
  /** Set on scenes built on another (flood, traffic incident, epidemic on normal): the emergency ones. */
  readonly extends?: string;
  readonly active: boolean;
  /** Whether the caller may activate it (their role and the scene's roles); false for anonymous callers. */
  readonly allowed: boolean;
  /** Who may activate it (admin always may). */
  readonly roles: readonly Role[];
}

/** GET /api/state, and every /api/events message: the committed scene and the switch being prepared. */
export interface SceneState {
  readonly type: 'state';
  readonly scene: { readonly id: string; readonly version: number; readonly committedAt: number; readonly previous: string | null };
  readonly pending: { readonly id: number; readonly sceneId: string; readonly version: number } | null;
}

/** The 200 answer of a scene switch: who flipped on time, late, or not at all. */
export interface SwitchOutcome {
  readonly sceneId: string;
  readonly version: number;
  readonly committedAt: number;
  readonly screens: {
    /** Flipped on their first frame at or after the commit time. */
    readonly flipped: readonly string[];
    /** Were not ready at the commit, and flipped as soon as they were. */
    readonly late: readonly string[];
    /** Did not report a flip in time (disconnected, crashed, or too slow). */
    readonly failed: readonly string[];
  };
}

export type AuditResult = 'ok' | 'refused' | 'failed' | 'superseded';

/** GET /api/audit, newest first. */
export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly origin: string;
  readonly action: string;
  readonly target: string | null;
  readonly request: unknown;
  /** `pending` while no outcome is recorded: still running, or the process died before it knew. */
  readonly result: AuditResult | 'pending';
  /** When the outcome was recorded; null while pending. */
  readonly outcomeAt: number | null;
  /** The outcome's detail; null when there is none. */
  readonly detail: unknown;
}

export interface ScreenHealth extends Health {
  /** When main received the report, epoch ms. */
  readonly receivedAt: number;
}

/** GET /healthz. */
export interface WallHealth {
  readonly status: 'ok' | 'degraded';
  readonly screens: {
    readonly expected: number;
    readonly connected: number;
    /** The layout's screens with a page connected now. */
    readonly connectedIds: readonly string[];
    /** The latest health report of each connected screen. */
    readonly health: Readonly<Record<string, ScreenHealth>>;
  };
  readonly layout: { readonly version: number; readonly file: string; readonly lastError?: { readonly at: string; readonly problems: readonly string[] } };
}

/** POST /api/identify: until when (server clock) and which screens show their identity. */
export interface IdentifyAnswer {
  readonly until: number;
  readonly screens: readonly string[];
}

/**
 * GET /api/session (and the answer of POST /api/session): who this browser is signed in as, what it may do, and the
 * CSRF token every state-changing request of this session must send as the X-CSRF-Token header.
 */
export interface SessionInfo {
  readonly actor: string;
  readonly role: ClientRole;
  readonly csrf: string;
  readonly allowed: readonly Action[];
}

/** An error answer of the API: 401 (not signed in), 403 (signed in, not allowed), 429 (sign-in locked) ... */
export interface ApiError {
  readonly error: string;
  readonly message: string;
  readonly retryAfterSeconds?: number;
}

/** A broker the wall subscribes to, as the console shows it (never with credentials). */
export interface BrokerStatus {
  readonly id: string;
  /** Host and port only. */
  readonly url: string;
  readonly state: 'connecting' | 'connected' | 'reconnecting' | 'closed';
  readonly embedded: boolean;
  /** Why the wall does not even try (a secret that cannot be read, a port taken). */
  readonly problem?: string;
}

/** One series of the layout and how fresh its latest value is. */
export interface SeriesFreshness {
  readonly id: string;
  readonly field: string;
  readonly name: LocalisedName;
  readonly unit: string;
  /** The latest value and its observation time (epoch ms); null while none has arrived. */
  readonly value: number | null;
  readonly time: number | null;
  /** Older than staleAfter, or none yet. */
  readonly stale: boolean;
  /** Milliseconds: expected interval × stale factor. */
  readonly staleAfter: number;
}

/** GET /api/telemetry, and an /api/events message whenever a series turns stale or fresh or a broker connects or drops. */
export interface TelemetryState {
  readonly type: 'telemetry';
  /** Server clock when built, epoch ms (ages are measured from it). */
  readonly at: number;
  readonly brokers: readonly BrokerStatus[];
  /** Stale series first (oldest first), then the fresh ones. */
  readonly series: readonly SeriesFreshness[];
  readonly messages: { readonly accepted: number; readonly dropped: number };
}

/** GET /api/telemetry/topics: messages per topic, busiest first (at most the 1 000 busiest topics are kept). */
export interface TopicCount {
  readonly topic: string;
  readonly accepted: number;
  readonly dropped: number;
  /** Drops by reason, only the reasons seen. */
  readonly reasons: Readonly<Record<string, number>>;
  /** When the last message arrived, epoch ms. */
  readonly lastAt: number;
}

/** GET /api/cameras, one per camera of the layout: the feed's health as the media gateway reports it. */
export interface CameraHealth {
  readonly id: string;
  readonly name: LocalisedName;
  readonly state: 'connecting' | 'live' | 'lost' | 'unavailable';
  /** Frames per second and bits per second over the last few seconds. */
  readonly fps: number;
  readonly bitrate: number;
  /** How often its ffmpeg was restarted since the gateway started. */
  readonly restarts: number;
  /** Epoch ms of the last frame; null before the first. */
  readonly lastFrameAt: number | null;
  /** Sockets watching it now. */
  readonly viewers: number;
  /** Why it is lost or unavailable, free of credentials. */
  readonly detail?: string;
  /** In demo mode: the test pattern standing in for it. */
  readonly simulatedBy?: string;
}

/** GET /api/cameras, and an /api/events message when a feed changes state (at most about once a second). */
export interface CamerasState {
  readonly type: 'cameras';
  /** Server clock when built, epoch ms. */
  readonly at: number;
  /** The media gateway's state: running, or why not. */
  readonly gateway: { readonly running: boolean; readonly problem?: string };
  readonly cameras: readonly CameraHealth[];
}
