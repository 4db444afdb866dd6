// The control API: scenes, state, audit and console sessions, every control call through the one command path.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Event, SceneState, SceneSummary, SessionInfo, SwitchOutcome } from '../../common/contract/index.ts';
import { LayoutChangedError, SupersededError, UnknownSceneError, type WallRuntime } from '../core/wall-runtime.ts';
import type { CommandPath } from '../core/command-path.ts';
import { SESSION_COOKIE, type Authenticator } from './auth.ts';
import { isLoopbackOrigin, type RouteRegistration } from './http-server.ts';
import type { StateStore } from './state-store.ts';

export interface ControlApiOptions {
  readonly runtime: WallRuntime;
  readonly commands: CommandPath;
  readonly authenticator: Authenticator;
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
const SessionBody = z.strictObject({ code: z.string().min(1).max(200) });
const AuditQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional(), before: z.coerce.number().int().min(1).optional() });

/** The value of one cookie of a request. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

const UNAUTHORISED = {
  error: 'unauthorised',
  message: 'not signed in: send Authorization: Bearer <token> (the admin token: IOC_WALL_ADMIN_TOKEN, or the file named at start-up), or open the console link printed at start-up',
};

export function controlApi({ runtime, commands, authenticator, store, pushed = [] }: ControlApiOptions): RouteRegistration {
  const stateOf = (): SceneState => {
    const { sceneId, version, committedAt, previousSceneId } = runtime.scene;
    return { type: 'state', scene: { id: sceneId, version, committedAt, previous: previousSceneId }, pending: runtime.pendingSwitch ?? null };
  };

  return (app, server) => {
    /** The audit name of the caller; a console session must also come from this server's own pages (no cross-site requests). */
    const actorOf = (request: FastifyRequest): string | undefined => {
      const sessionId = cookieValue(request.headers.cookie, SESSION_COOKIE);
      const authorization = request.headers.authorization;
      if (authorization === undefined && sessionId !== undefined && request.method !== 'GET') {
        const origin = request.headers.origin;
        if (origin === undefined || !isLoopbackOrigin(origin, server.port())) return undefined;
      }
      return authenticator.identify({ ...(authorization === undefined ? {} : { authorization }), ...(sessionId === undefined ? {} : { sessionId }) });
    };
    const origin = (request: FastifyRequest) => request.socket.remoteAddress ?? 'unknown';

    const switchScene = async (request: FastifyRequest, reply: FastifyReply, sceneId: string | 'previous') => {
      const layout = runtime.layout;
      const scenes = layout?.scenes.map((scene) => scene.id) ?? [];
      const target = sceneId === 'previous' ? runtime.scene.previousSceneId : sceneId;
      if (target === null || !scenes.includes(target)) {
        const message = target === null ? 'there is no previous scene yet' : `no scene '${target}' in the layout`;
        return reply.code(404).send({ error: 'unknown_scene', message, scenes });
      }
      const result = await commands.run<SwitchOutcome>(
        { id: actorOf(request), origin: origin(request) },
        { action: 'scene.activate', target, request: { scene: target, ...(sceneId === 'previous' ? { previous: true } : {}) }, execute: () => runtime.activate(target) },
      );
      switch (result.kind) {
        case 'done':
          return reply.send(result.value);
        case 'refused':
          return reply.code(401).send(UNAUTHORISED);
        case 'failed':
          if (result.error instanceof SupersededError) return reply.code(409).send({ error: 'superseded', supersededBy: result.error.supersededBy });
          if (result.error instanceof LayoutChangedError) return reply.code(409).send({ error: 'layout_changed', message: result.error.message });
          if (result.error instanceof UnknownSceneError) return reply.code(404).send({ error: 'unknown_scene', message: result.error.message, scenes });
          request.log.error({ err: result.error, auditId: result.auditId }, 'scene switch failed');
          return reply.code(500).send({ error: 'failed', message: 'the switch could not be completed; the wall keeps its scene', auditId: result.auditId });
      }
    };

    /** Scene state as it changes, for the console: the current state on connect, then every commit. */
    app.get(
      '/api/events',
      {
        websocket: true,
        preValidation: async (request, reply) => {
          const requestOrigin = request.headers.origin;
          if (requestOrigin !== undefined && !isLoopbackOrigin(requestOrigin, server.port())) return reply.code(403).send('origin not allowed\n');
          return undefined;
        },
      },
      (socket) => {
        const send = () => socket.send(JSON.stringify(stateOf()));
        send();
        const subscription = runtime.onDidChangeState(send);
        const others = pushed.map((source) => {
          const sendState = () => socket.send(JSON.stringify(source.state()));
          sendState();
          return source.onDidChange(sendState);
        });
        socket.on('close', () => {
          subscription.dispose();
          for (const other of others) other.dispose();
        });
        socket.on('message', () => undefined);
      },
    );

    app.get('/api/scenes', (): SceneSummary[] => {
      const active = runtime.scene.sceneId;
      return (runtime.layout?.scenes ?? []).map((scene) => ({
        id: scene.id,
        name: scene.name,
        ...(scene.hotkey === undefined ? {} : { hotkey: scene.hotkey }),
        ...(scene.extends === undefined ? {} : { extends: scene.extends }),
        active: scene.id === active,
      }));
    });

    app.get('/api/state', () => stateOf());

    app.post('/api/scenes/previous', (request, reply) => switchScene(request, reply, 'previous'));

    app.post('/api/scenes/:id/activate', (request, reply) => {
      const parameters = SceneParameters.safeParse(request.params);
      if (!parameters.success) return reply.code(400).send({ error: 'bad_request', message: parameters.error.issues[0]!.message });
      return switchScene(request, reply, parameters.data.id);
    });

    /** Identify: ids, labels and resolutions over the test pattern, through the command path like every control action. */
    app.post('/api/identify', async (request, reply) => {
      const body = IdentifyBody.safeParse(request.body ?? {});
      if (!body.success) return reply.code(400).send({ error: 'bad_request', message: 'POST {"seconds": 1..120} (default 10)' });
      const { seconds } = body.data;
      const result = await commands.run(
        { id: actorOf(request), origin: origin(request) },
        { action: 'wall.identify', request: { seconds }, execute: async () => runtime.identify(seconds) },
      );
      if (result.kind === 'done') return reply.send(result.value);
      if (result.kind === 'refused') return reply.code(401).send(UNAUTHORISED);
      return reply.code(500).send({ error: 'failed', message: 'identify failed', auditId: result.auditId });
    });

    app.get('/api/audit', (request, reply) => {
      if (actorOf(request) === undefined) return reply.code(401).send(UNAUTHORISED);
      const query = AuditQuery.safeParse(request.query);
      if (!query.success) return reply.code(400).send({ error: 'bad_request', message: 'limit and before are whole numbers' });
      return store.audit({ ...(query.data.limit ? { limit: query.data.limit } : {}), ...(query.data.before ? { beforeId: query.data.before } : {}) });
    });

    /** The console page trades the one-time code of its URL fragment for a session cookie. */
    app.post('/api/session', (request, reply) => {
      const body = SessionBody.safeParse(request.body);
      const requestOrigin = request.headers.origin;
      if (!body.success || requestOrigin === undefined || !isLoopbackOrigin(requestOrigin, server.port())) {
        return reply.code(400).send({ error: 'bad_request', message: 'POST {"code": ...} from the console page' });
      }
      const session = authenticator.openSession(body.data.code);
      if (!session) return reply.code(401).send({ error: 'unauthorised', message: 'this login code is wrong, used or expired: restart the server for a new console link, or use the admin token' });
      return reply.header('Set-Cookie', `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`).send({ actor: 'console:admin' });
    });

    app.get('/api/session', (request, reply) => {
      const actor = actorOf(request);
      return actor === undefined ? reply.code(401).send(UNAUTHORISED) : reply.send({ actor } satisfies SessionInfo);
    });

    app.delete('/api/session', (request, reply) => {
      const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
      if (session) authenticator.closeSession(session);
      return reply.header('Set-Cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`).send({ signedOut: true });
    });
  };
}
