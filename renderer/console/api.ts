// The wall server's REST API as the console calls it: same-origin fetch (the session cookie rides along), typed answers, errors with their status.
import type { AuditEntry, IdentifyAnswer, SceneState, SceneSummary, SessionInfo, SwitchOutcome, WallHealth } from '../../common/contract/control.ts';
import type { WallDescription } from '../../common/wall/describe.ts';

export type {
  AuditEntry,
  BrokerStatus,
  CameraHealth,
  CamerasState,
  IdentifyAnswer,
  SceneState,
  SceneSummary,
  ScreenHealth,
  SeriesFreshness,
  SessionInfo,
  SwitchOutcome,
  TelemetryState,
  WallHealth,
} from '../../common/contract/control.ts';
export type ScreenOutcome = keyof SwitchOutcome['screens'];
export type { WallDescription };

/** A request the server answered with an error status, or could not be made at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The server's error code (`unauthorised`, `superseded`, `unknown_scene` ...), when it gave one. */
    readonly code: string | undefined,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<Answer>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      // Same origin only: the cookie goes with it, and the browser adds the Origin header the server checks on POST.
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, error instanceof Error ? error.message : String(error), 'unreachable', undefined);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  if (!response.ok) {
    const fields = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown; message?: unknown }) : {};
    const message = typeof fields.message === 'string' ? fields.message : typeof parsed === 'string' && parsed.trim() !== '' ? parsed.trim() : `HTTP ${response.status}`;
    throw new ApiError(response.status, message, typeof fields.error === 'string' ? fields.error : undefined, parsed);
  }
  return parsed as Answer;
}

export const api = {
  wall: () => request<WallDescription>('GET', '/api/wall'),
  health: () => request<WallHealth>('GET', '/healthz'),
  scenes: () => request<SceneSummary[]>('GET', '/api/scenes'),
  state: () => request<SceneState>('GET', '/api/state'),
  audit: (limit: number) => request<AuditEntry[]>('GET', `/api/audit?limit=${limit}`),
  /** Brokers, message counts and every series' freshness; 404 from a server older than live telemetry. Checked by the caller (telemetryStateOf). */
  telemetry: () => request<unknown>('GET', '/api/telemetry'),
  /** The media gateway and every camera's feed health; 404 from a server older than the gateway. Checked by the caller (camerasStateOf). */
  cameras: () => request<unknown>('GET', '/api/cameras'),
  activate: (sceneId: string) => request<SwitchOutcome>('POST', `/api/scenes/${encodeURIComponent(sceneId)}/activate`),
  previous: () => request<SwitchOutcome>('POST', '/api/scenes/previous'),
  /** Who this browser is signed in as (the cookie is HttpOnly: only the server can tell); 401 when nobody. */
  session: () => request<SessionInfo>('GET', '/api/session'),
  identify: (seconds: number) => request<IdentifyAnswer>('POST', '/api/identify', { seconds }),
  signIn: (code: string) => request<SessionInfo>('POST', '/api/session', { code }),
  signOut: () => request<{ signedOut: boolean }>('DELETE', '/api/session'),
};

export type Api = typeof api;
