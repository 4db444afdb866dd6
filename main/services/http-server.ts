// HTTP(S) and WebSocket server of the wall (fastify): screen pages, the renderer bundle, the bridge, /api/wall and /healthz, behind the access checks.
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { createReadStream, existsSync } from 'node:fs';
import { access as fileReadable } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Logger } from 'pino';
import { BRIDGE_PATH, CloseCode, DISPLAY_ROLE, webSocketConnection, type BridgeHost } from '../../common/contract/index.ts';
import { hostName, UNAUTHORISED, type Access } from './access.ts';
import type { WallDescription } from '../../common/wall/index.ts';

/**
 * The pages' policy: nothing inline, nothing from elsewhere, except the media gateway's WebSocket (camera video,
 * played from blob: MediaSource URLs). Only the wall preview may be framed, and only by this server's console.
 */
export function contentSecurityPolicy({ mediaOrigin, framedBySelf = false }: { mediaOrigin?: string | undefined; framedBySelf?: boolean } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${mediaOrigin ? ` ${mediaOrigin}` : ''}`,
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    `frame-ancestors ${framedBySelf ? "'self'" : "'none'"}`,
    "form-action 'none'",
  ].join('; ');
}

/** Images can carry scripts (SVG): served in a sandbox where nothing runs. */
const IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
};

/** What the server reads of the running wall. */
export interface WallView {
  describe(): WallDescription | undefined;
  health(): unknown;
  /** The image file of an image panel of the current layout, by panel id. */
  panelImage(panelId: string): string | undefined;
  screenIds(): readonly string[];
}

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  /** The built renderer (dist/renderer): screen.html and bundle/. */
  readonly rendererDirectory: string;
  readonly bridge: BridgeHost;
  readonly wall: WallView;
  readonly logger: Logger;
  readonly routes?: readonly RouteRegistration[];
  /** Who may reach what; off loopback everything but the page shells needs a principal. */
  readonly access: Access;
  /** Serve HTTPS (and WSS) with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** The media gateway's origin as a page reached by `requestHost` sees it (ws://host:port), which the pages may connect to. */
  readonly mediaOrigin?: (requestHost: string | undefined) => string | undefined;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export class RendererMissingError extends Error {}

/** Adds routes to the server before it listens (the control API, later the console). `port` is known once listening. */
export type WallServerInstance = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>;
export type RouteRegistration = (app: WallServerInstance, server: { readonly port: () => number }) => void | Promise<void>;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const screenPage = path.join(options.rendererDirectory, 'screen.html');
  try {
    await fileReadable(screenPage);
  } catch {
    throw new RendererMissingError(`the renderer bundle is missing (${screenPage}); build it with: npm run build`);
  }

  // Eighteen screens fetch their bundle at every start: request lines would drown what matters.
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    // HTTPS when given a certificate: the bridge and the API's WebSocket become WSS with it.
    serverFactory: (handler) => (options.tls ? (https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) as unknown as http.Server) : http.createServer(handler)),
  });
  let port = options.port;

  const { access } = options;

  app.addHook('onRequest', async (request, reply) => {
    reply.header('Content-Security-Policy', contentSecurityPolicy({ mediaOrigin: options.mediaOrigin?.(hostName(request.headers.host)) }));
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (!access.allowedHost(request)) {
      return reply.code(421).type('text/plain').send(`ioc-wall does not answer to the host name '${request.headers.host ?? ''}' (it answers to this machine's own names and addresses)\n`);
    }
    return undefined;
  });

  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifyStatic, { root: path.join(options.rendererDirectory, 'bundle'), prefix: '/bundle/', index: false });

  app.get(
    BRIDGE_PATH,
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const origin = request.headers.origin;
        if (origin !== undefined && !access.ownOrigin(request, origin)) return reply.code(403).type('text/plain').send('origin not allowed\n');
        return undefined;
      },
    },
    (socket, request) => {
      // Off loopback a screen needs a display session (or a person's); the close code tells the page to ask for one.
      const caller = access.caller(request);
      if (access.lan && !caller) return socket.close(CloseCode.unauthorised, 'sign in, or open the display URL with its token');
      const principal = caller?.principal;
      const tracked = access.track(principal, () => socket.close(CloseCode.unauthorised, 'credentials ended'));
      socket.on('close', () => tracked.dispose());
      const host = hostName(request.headers.host);
      options.bridge.accept(webSocketConnection(socket), request.socket.remoteAddress ?? 'unknown', {
        ...(host === undefined ? {} : { host }),
        // A display token shows its own screen and nothing else (not the wall preview).
        authorize: (hello) => principal?.role !== DISPLAY_ROLE || (hello.client === 'screen' && hello.screens.length === 1 && hello.screens[0] === principal.screen),
      });
      return undefined;
    },
  );

  app.get('/screen/:screen', (_request, reply) => reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(createReadStream(screenPage)));
  // The operator console and the wall preview: pages of the same bundle.
  for (const [route, page] of [
    ['/console', 'console.html'],
    ['/wall', 'wall.html'],
  ] as const) {
    const file = path.join(options.rendererDirectory, page);
    app.get(route, (request, reply) => {
      if (!existsSync(file)) return reply.code(404).type('text/plain').send(`${page} is not built: npm run build\n`);
      // The console shows the wall preview in a frame of its own page: only this server's pages may frame it.
      if (route === '/wall') reply.header('Content-Security-Policy', contentSecurityPolicy({ mediaOrigin: options.mediaOrigin?.(hostName(request.headers.host)), framedBySelf: true }));
      return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(createReadStream(file));
    });
  }

  app.get('/panel-image/:panel', (request: FastifyRequest<{ Params: { panel: string } }>, reply) => {
    // Screens draw these: a display's session may fetch them.
    if (access.lan && !access.caller(request)) return reply.code(401).send(UNAUTHORISED);
    const file = options.wall.panelImage(request.params.panel);
    const type = file && IMAGE_TYPES[path.extname(file).toLowerCase()];
    if (!file || !type) return reply.code(404).type('text/plain').send('no such image panel\n');
    return reply.type(type).header('Content-Security-Policy', IMAGE_POLICY).header('Cache-Control', 'no-cache').send(createReadStream(file));
  });

  app.get('/api/wall', (request, reply) => {
    if (!access.readable(request, reply)) return reply;
    const description = options.wall.describe();
    return description ? reply.send(description) : reply.code(503).send({ error: 'no layout loaded' });
  });

  app.get('/healthz', (request, reply) => (access.readable(request, reply) ? reply.send(options.wall.health()) : reply));

  for (const register of options.routes ?? []) await register(app, { port: () => port });

  app.get('/', (request, reply) => {
    if (!access.readable(request, reply)) return reply;
    const links = options.wall.screenIds().map((id) => `<li><a href="/screen/${encodeURIComponent(id)}">${escapeHtml(id)}</a></li>`);
    const description = options.wall.describe();
    const title = description ? `${description.wall.name.vi} / ${description.wall.name.en}` : 'ioc-wall';
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
          `<body><h1>${escapeHtml(title)}</h1><p>Open one page per physical screen (kiosk mode):</p><ul>${links.join('')}</ul>` +
          `<p><a href="/wall">/wall</a> (the whole wall) · <a href="/console">/console</a> (operator console) · <a href="/api/wall">/api/wall</a> · <a href="/healthz">/healthz</a></p></body></html>`,
      );
  });

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  const printableHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${printableHost}:${port}`,
    port,
    close: () => app.close(),
  };
}
