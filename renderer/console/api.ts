// The wall server's REST API as the console calls it: same-origin fetch (the session cookie rides along, state changes carry the CSRF token), typed answers, errors with their status.
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
    /** The server's error code (`unauthorised`, `forbidden`, `csrf`, `superseded`, `unknown_scene` ...), when it gave one. */
    readonly code: string | undefined,
    readonly body: unknown,
    /** How long to wait before trying again (429: sign-in locked), when the server said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'DELETE' | 'PUT';

/** The body's `retryAfterSeconds`, else the Retry-After header in seconds. */
function retryAfterOf(fields: { retryAfterSeconds?: unknown }, header: string | null): number | undefined {
  if (typeof fields.retryAfterSeconds === 'number' && Number.isFinite(fields.retryAfterSeconds) && fields.retryAfterSeconds >= 0) return fields.retryAfterSeconds;
  const seconds = header === null || header.trim() === '' ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** The answers that open or confirm a session carry its CSRF token. */
function csrfOf(answer: unknown): string | undefined {
  const csrf = typeof answer === 'object' && answer !== null ? (answer as { csrf?: unknown }).csrf : undefined;
  return typeof csrf === 'string' && csrf !== '' ? csrf : undefined;
}

/**
 * The API client. It keeps the session's CSRF token in memory only (never in storage, where any script of the origin
 * could read it later): taken from every session answer, sent as X-CSRF-Token with every state-changing request,
 * forgotten on sign-out and on any 401.
 */
export function createApi(fetcher: typeof fetch = (input, init) => fetch(input, init)) {
  let csrf: string | undefined;

  async function request<Answer>(method: Method, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrf !== undefined) headers['x-csrf-token'] = csrf;
    let response: Response;
    try {
      response = await fetcher(path, {
        method,
        // Same origin only: the cookie goes with it, and the browser adds the Origin header the server checks on POST.
        credentials: 'same-origin',
        cache: 'no-store',
        headers,
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
      // The session is gone (expired, signed out elsewhere, server data reset): its token means nothing any more.
      if (response.status === 401) csrf = undefined;
      const fields = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown; message?: unknown; retryAfterSeconds?: unknown }) : {};
      const message = typeof fields.message === 'string' ? fields.message : typeof parsed === 'string' && parsed.trim() !== '' ? parsed.trim() : `HTTP ${response.status}`;
      const retryAfterSeconds = retryAfterOf(fields, response.headers.get('retry-after'));
      throw new ApiError(response.status, message, typeof fields.error === 'string' ? fields.error : undefined, parsed, retryAfterSeconds);
    }
    return parsed as Answer;
  }

  /** A session answer: its token is the one to send from now on. */
  async function sessionRequest(method: Method, path: string, body?: unknown): Promise<SessionInfo> {
    const answer = await request<SessionInfo>(method, path, body);
    csrf = csrfOf(answer);
    return answer;
  }

  return {
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
    /** Who this browser is signed in as (the cookie is HttpOnly: only the server can tell), with the CSRF token; 401 when nobody. */
    session: () => sessionRequest('GET', '/api/session'),
    identify: (seconds: number) => request<IdentifyAnswer>('POST', '/api/identify', { seconds }),
    /** The console link's one-time code (the local admin). */
    signInWithCode: (code: string) => sessionRequest('POST', '/api/session', { code }),
    /** 401: wrong user name or password (one answer for both); 429: locked for `retryAfterSeconds`. */
    signIn: (user: string, password: string) => sessionRequest('POST', '/api/session', { user, password }),
    signOut: async (): Promise<void> => {
      await request<unknown>('DELETE', '/api/session');
      csrf = undefined;
    },
  };
}

export type Api = ReturnType<typeof createApi>;

export const api: Api = createApi();
