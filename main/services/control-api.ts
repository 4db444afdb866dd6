// The control API: scenes, state, audit and browser sessions; every control call goes through the one command path, refusals included.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  LEAST_ROLE,
  mayActivate,
  DEFAULT_SCENE_ROLES,
  allows,
  CloseCode,
  DISPLAY_ROLE,
  type Action,
  type ApiError,
  type Event,
  type SceneState,
  type SceneSummary,
  type SessionInfo,
} from '../../common/contract/index.ts';
import { LayoutChangedError, SupersededError, UnknownSceneError, type WallRuntime } from '../core/wall-runtime.ts';
import type { CommandPath } from '../core/command-path.ts';
import { cookieValue, SESSION_COOKIE, UNAUTHORISED, type Access } from './access.ts';
import type { Authenticator, LoginResult } from './auth.ts';
import { csrfTokenOf, type Principal } from './identities.ts';
import type { RouteRegistration } from './http-server.ts';
import type { SceneCommands, SceneTarget } from './scene-commands.ts';
import type { StateStore } from './state-store.ts';

export interface ControlApiOptions {
  readonly runtime: WallRuntime;
  readonly commands: CommandPath;
  /** How scenes are switched, for the HTTP API as for MQTT commands. */
  readonly scenes: SceneCommands;
  readonly authenticator: Authenticator;
  readonly access: Access;
  readonly store: StateStore;
  /** More states pushed on /api/events besides the scene state (telemetry, cameras): sent on connect and on every change. */
  readonly pushed?: readonly PushedState[];
}

export interface PushedState {
  state(): { readonly type: string };
  readonly onDidChange: Event<void>;
}

const SceneParameters = z.strictObject({ id: z.string().regex(/^[a-z0-9_]{1,64}$/, 'a scene id is a lowercase word') });
const IdentifyBody = z.strictObject({ seconds: z.number().min(1).max(120).default(10) });
const SessionBody = z.union([
  z.strictObject({ code: z.string().min(1).max(200) }),
  z.strictObject({ user: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
]);
const DisplaySessionBody = z.strictObject({ token: z.string().min(1).max(200), screen: z.string().regex(/^[A-Za-z0-9_]{1,64}$/) });
const AuditQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional(), before: z.coerce.number().int().min(1).optional() });

const ACTIONS = Object.keys(LEAST_ROLE) as Action[];

/** What the console needs to know of its session. */
function sessionInfo(principal: Principal, csrf: string): SessionInfo {
  return { actor: principal.actor, role: principal.role, csrf, allowed: ACTIONS.filter((action) => allows(principal.role, action)) };
}

export function controlApi({ runtime, commands, scenes, authenticator, access, store, pushed = [] }: ControlApiOptions): RouteRegistration {
  const stateOf = (): SceneState => {
    const { sceneId, version, committedAt, previousSceneId } = runtime.scene;
    return { type: 'state', scene: { id: sceneId, version, committedAt, previous: previousSceneId }, pending: runtime.pendingSwitch ?? null };
  };
  const origin = (request: FastifyRequest) => request.socket.remoteAddress ?? 'unknown';

  /**
   * Runs a control action for the caller through the command path: anonymous callers, forged cross-site requests and
   * roles too low are refused there too, so every attempt is in the audit log.
   */
  const control = async <Result>(
    request: FastifyRequest,
    reply: FastifyReply,
    action: Action,
    command: { target?: string; request: unknown; execute: () => Promise<Result>; authorise?: (principal: Principal) => string | undefined },
  ) => {
    const caller = access.caller(request);
    const result = await commands.run<Result>(
      { id: caller?.principal.actor, origin: origin(request) },
      {
        action,
        ...(command.target === undefined ? {} : { target: command.target }),
        request: command.request,
        execute: command.execute,
        authorise: () => (caller ? (access.refusal(request, caller, action)?.message ?? command.authorise?.(caller.principal)) : undefined),
      },
    );
    if (result.kind === 'refused') {
      if (!caller) void reply.code(401).send(UNAUTHORISED);
      else void reply.code(403).send({ error: access.refusal(request, caller, action)?.error ?? 'forbidden', message: result.reason } satisfies ApiError);
    }
    return result;
  };

  /** Scene switches go the one way MQTT commands go too (SceneCommands); a forged cross-site request is refused first, on the record. */
  const switchScene = async (request: FastifyRequest, reply: FastifyReply, target: SceneTarget) => {
    const caller = access.caller(request);
    const action: Action = 'previous' in target ? 'scene.previous' : 'scene.activate';
    const refusal = caller && access.refusal(request, caller, action);
    if (caller && refusal) {
      await scenes.refuse(caller.principal.actor, origin(request), { code: 'not_allowed', reason: refusal.message, request: target, ...('scene' in target ? { target: target.scene } : {}) });
      return reply.code(403).send(refusal);
    }
    const result = await scenes.activate(caller?.principal, origin(request), target);
    switch (result.kind) {
      case 'done':
        return reply.send(result.outcome);
      case 'refused':
        if (result.code === 'not_signed_in') return reply.code(401).send(UNAUTHORISED);
        if (result.code === 'unknown_scene' || result.code === 'no_previous_scene') return reply.code(404).send({ error: 'unknown_scene', message: result.reason, scenes: result.scenes });
        return reply.code(403).send({ error: 'forbidden', message: result.reason } satisfies ApiError);
      case 'failed':
        if (result.error instanceof SupersededError) return reply.code(409).send({ error: 'superseded', supersededBy: result.error.supersededBy });
        if (result.error instanceof LayoutChangedError) return reply.code(409).send({ error: 'layout_changed', message: result.error.message });
        if (result.error instanceof UnknownSceneError) return reply.code(404).send({ error: 'unknown_scene', message: result.error.message, scenes: runtime.layout?.scenes.map((scene) => scene.id) ?? [] });
        request.log.error({ err: result.error, auditId: result.auditId }, 'scene switch failed');
        return reply.code(500).send({ error: 'failed', message: 'the switch could not be completed; the wall keeps its scene', auditId: result.auditId });
    }
  };

  const signedIn = (reply: FastifyReply, result: LoginResult) => {
    if (result.kind === 'refused') {
      if (result.retryAfterSeconds !== undefined) void reply.header('Retry-After', String(result.retryAfterSeconds)).code(429);
      else void reply.code(401);
      return reply.send({ error: result.retryAfterSeconds === undefined ? 'unauthorised' : 'locked', message: result.message, ...(result.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: result.retryAfterSeconds }) } satisfies ApiError);
    }
    // A display's cookie outlives a browser restart (a kiosk PC reboots without its token URL); a person's ends with the browser.
    const persistent = result.principal.role === DISPLAY_ROLE;
    return reply.header('Set-Cookie', access.sessionCookie(result.session.id, persistent)).send(sessionInfo(result.principal, result.session.csrf));
  };

  return (app) => {
    /** Scene state (and telemetry, cameras) as it changes, for the console: the current state on connect, then every change. */
    app.get(
      '/api/events',
      {
        websocket: true,
        preValidation: async (request, reply) => {
          const requestOrigin = request.headers.origin;
          if (requestOrigin !== undefined && !access.ownOrigin(request, requestOrigin)) return reply.code(403).send('origin not allowed\n');
          return undefined;
        },
      },
      (socket, request) => {
        // Refused after the upgrade: a page sees a close code (and can ask for a sign-in), never an upgrade's HTTP status.
        const caller = access.caller(request);
        if (access.lan && (!caller || !allows(caller.principal.role, 'wall.read'))) return socket.close(caller ? CloseCode.forbidden : CloseCode.unauthorised, 'sign in');
        const tracked = access.track(caller?.principal, () => socket.close(CloseCode.unauthorised, 'credentials ended'));
        const send = () => socket.send(JSON.stringify(stateOf()));
        send();
        const subscription = runtime.onDidChangeState(send);
        const others = pushed.map((source) => {
          const sendState = () => socket.send(JSON.stringify(source.state()));
          sendState();
          return source.onDidChange(sendState);
        });
        socket.on('close', () => {
          tracked.dispose();
          subscription.dispose();
          for (const other of others) other.dispose();
        });
        socket.on('message', () => undefined);
        return undefined;
      },
    );

    app.get('/api/scenes', (request, reply) => {
      if (!access.readable(request, reply)) return reply;
      const active = runtime.scene.sceneId;
      const role = access.caller(request)?.principal.role;
      return (runtime.layout?.scenes ?? []).map(
        (scene): SceneSummary => ({
          id: scene.id,
          name: scene.name,
          ...(scene.hotkey === undefined ? {} : { hotkey: scene.hotkey }),
          ...(scene.extends === undefined ? {} : { extends: scene.extends }),
          active: scene.id === active,
          allowed: role !== undefined && mayActivate(role, scene.roles),
          roles: scene.roles ?? [...DEFAULT_SCENE_ROLES],
        }),
      );
    });

    app.get('/api/state', (request, reply) => (access.readable(request, reply) ? stateOf() : reply));

    app.post('/api/scenes/previous', (request, reply) => switchScene(request, reply, { previous: true }));

    app.post('/api/scenes/:id/activate', (request, reply) => {
      const parameters = SceneParameters.safeParse(request.params);
      if (!parameters.success) return reply.code(400).send({ error: 'bad_request', message: parameters.error.issues[0]!.message });
      return switchScene(request, reply, { scene: parameters.data.id });
    });

    /** Identify: ids, labels and resolutions over the test pattern, through the command path like every control action. */
    app.post('/api/identify', async (request, reply) => {
      const body = IdentifyBody.safeParse(request.body ?? {});
      if (!body.success) return reply.code(400).send({ error: 'bad_request', message: 'POST {"seconds": 1..120} (default 10)' });
      const { seconds } = body.data;
      const result = await control(request, reply, 'screens.identify', { request: { seconds }, execute: async () => runtime.identify(seconds) });
      if (result.kind === 'done') return reply.send(result.value);
      if (result.kind === 'refused') return reply;
      return reply.code(500).send({ error: 'failed', message: 'identify failed', auditId: result.auditId });
    });

    app.get('/api/audit', (request, reply) => {
      if (!access.require(request, reply, 'audit.read')) return reply;
      const query = AuditQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'bad_request', message: 'limit and before are whole numbers' });
      return store.audit({ ...(query.data.limit ? { limit: query.data.limit } : {}), ...(query.data.before ? { beforeId: query.data.before } : {}) });
    });

    /** Sign-in: a user name and password, or the one-time code of the console link printed at start. Only from our own page. */
    app.post('/api/session', async (request, reply) => {
      const body = SessionBody.safeParse(request.body);
      if (!body.success || !access.ownOrigin(request, request.headers.origin)) {
        return reply.code(400).send({ error: 'bad_request', message: 'POST {"user", "password"} (or the console link\'s {"code"}) from the console page' } satisfies ApiError);
      }
      const result = 'code' in body.data ? authenticator.openCodeSession(body.data.code) : await authenticator.login(body.data.user, body.data.password, origin(request));
      request.log.info({ user: 'user' in body.data ? body.data.user : 'console link', address: origin(request), result: result.kind }, 'sign-in');
      return signedIn(reply, result);
    });

    /** A display PC trades the token of its URL fragment for a session bound to its screen. */
    app.post('/api/display-session', (request, reply) => {
      const body = DisplaySessionBody.safeParse(request.body);
      if (!body.success || !access.ownOrigin(request, request.headers.origin)) {
        return reply.code(400).send({ error: 'bad_request', message: 'POST {"token", "screen"} from the screen page' } satisfies ApiError);
      }
      return signedIn(reply, authenticator.displaySession(body.data.token, body.data.screen));
    });

    app.get('/api/session', (request, reply) => {
      const caller = access.caller(request);
      if (!caller) return reply.code(401).send(UNAUTHORISED);
      // A bearer caller has no CSRF token: it needs none.
      const sessionId = caller.viaCookie ? cookieValue(request.headers.cookie, SESSION_COOKIE) : undefined;
      return reply.send(sessionInfo(caller.principal, sessionId === undefined ? '' : csrfTokenOf(sessionId)));
    });

    app.delete('/api/session', (request, reply) => {
      const caller = access.caller(request);
      if (caller && access.refusal(request, caller, 'wall.read')) return reply.code(403).send(access.refusal(request, caller, 'wall.read'));
      const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
      if (session) authenticator.closeSession(session);
      return reply.header('Set-Cookie', access.clearedSessionCookie()).send({ signedOut: true });
    });
  };
}
