// The media gateway: one CameraFeed per distinct source, fanned out to renderers over the media channel (WebSocket, wss:// with TLS), behind short-lived tickets and an Origin check.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Emitter, type Disposable, type Event } from '../../common/contract/events.ts';
import type { GatewayTls } from '../../common/contract/gateway.ts';
import { MEDIA_CLOSE, type MediaInit, type MediaState } from '../../common/contract/media.ts';
import { CameraFeed, type CameraFeedHealth, type CameraFeedOptions, type FeedStatus, type FeedViewer } from './feed.ts';
import type { FeedSource } from './ffmpeg.ts';
import type { InitSegment, MediaFragment } from './fmp4.ts';
import { verifyTicket } from './tickets.ts';

export interface GatewayCamera {
  readonly id: string;
  readonly source: FeedSource;
}

/** Feed settings the gateway passes on (thresholds, backoff, the ffmpeg executable); tests shorten them. */
export type GatewayFeedOptions = Omit<CameraFeedOptions, 'source' | 'now' | 'random'>;

export interface GatewayOptions {
  /**
   * The address to listen on: '127.0.0.1' (default), '::1', '0.0.0.0', a LAN address ... The wall's server may serve other
   * PCs, and so must its gateway; what guards the pictures is the ticket (per camera, short-lived) and the Origin check.
   */
  readonly host?: string;
  /** 0 (default) lets the OS choose. */
  readonly port?: number;
  /** Serve wss:// (HTTPS) with this PEM certificate and key: required when the pages come over HTTPS (no mixed content). */
  readonly tls?: GatewayTls;
  readonly ticketKey: Buffer;
  /** Exact Origin values of the pages allowed to watch, e.g. http://127.0.0.1:8080. */
  readonly allowedOrigins: readonly string[];
  readonly now?: () => number;
  readonly random?: () => number;
  readonly feed?: GatewayFeedOptions;
  /** A viewer with more than this waiting in its socket skips fragments until the next keyframe. Default 2 MiB. */
  readonly maximumBufferedBytes?: number;
}

export interface Gateway {
  /** `ws://<host>:<port>` (`wss://` with TLS), with the bound host, e.g. ws://0.0.0.0:PORT; viewers connect to `${url}/cameras/<id>?ticket=...`. */
  readonly url: string;
  /** The address bound, as given (default 127.0.0.1). */
  readonly host: string;
  readonly port: number;
  /** Whether it serves wss:// (TLS). */
  readonly secure: boolean;
  /** Adds, removes and keeps feeds by camera id; cameras with the same source share one feed (one ffmpeg). */
  configure(cameras: readonly GatewayCamera[]): void;
  /** Replaces the ticket key and allowed origins for connections made from now on. */
  setAccess(ticketKey: Buffer, allowedOrigins: readonly string[]): void;
  health(): Record<string, CameraFeedHealth>;
  readonly onDidChangeHealth: Event<Record<string, CameraFeedHealth>>;
  /** The pids of the ffmpeg processes running now. */
  processIds(): number[];
  /** Closes every viewer, kills every ffmpeg, and resolves once all have exited. */
  close(): Promise<void>;
}

export const DEFAULT_MAXIMUM_BUFFERED_BYTES = 2 * 1024 * 1024;
const CAMERA_PATH = /^\/cameras\/([^/]+)$/;
/** A viewer that has not finished its close handshake by then is cut off. */
const CLOSE_GRACE_MILLISECONDS = 1_000;

interface FeedEntry {
  readonly key: string;
  readonly feed: CameraFeed;
  readonly cameras: Set<string>;
  readonly statusSubscription: Disposable;
}

/** What one feed source is, for sharing: two cameras with the same key get the same ffmpeg. */
function sourceKey(source: FeedSource): string {
  return source.kind === 'rtsp' ? `rtsp\n${source.url}` : `test-pattern\n${source.pattern}\n${source.size}\n${source.fps}`;
}

/** One renderer watching one camera: feed events become media-channel frames, with backpressure (exported for its test). */
export class ViewerSession implements FeedViewer {
  private subscription: Disposable | undefined;
  /** Until a keyframe is sent after an init segment (or after fragments were skipped), fragments are useless to the decoder. */
  private needsKeyframe = true;
  private initSent = false;
  skippedFragments = 0;

  constructor(
    readonly cameraId: string,
    readonly socket: WebSocket,
    private readonly maximumBufferedBytes: number,
  ) {}

  attach(feed: CameraFeed): void {
    this.subscription?.dispose();
    this.initSent = false;
    this.needsKeyframe = true;
    this.subscription = feed.subscribe(this);
  }

  detach(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
  }

  state(status: FeedStatus): void {
    const message: MediaState = {
      type: 'state',
      state: status.state,
      lastFrameAt: status.lastFrameAt,
      ...(status.detail === undefined ? {} : { detail: status.detail }),
    };
    this.sendText(message);
  }

  init(segment: InitSegment): void {
    const message: MediaInit = { type: 'init', mimeType: segment.mimeType, width: segment.width, height: segment.height };
    this.sendText(message);
    this.sendBinary(segment.data);
    this.initSent = true;
    this.needsKeyframe = true;
  }

  fragment(fragment: MediaFragment): void {
    if (!this.initSent) return;
    if (this.needsKeyframe && !fragment.keyframe) {
      this.skippedFragments += 1;
      return;
    }
    // A slow viewer (a starved renderer) must not make the gateway hold an ever-growing queue: it skips to the next GOP.
    if (this.socket.bufferedAmount > this.maximumBufferedBytes) {
      this.needsKeyframe = true;
      this.skippedFragments += 1;
      return;
    }
    this.sendBinary(fragment.data);
    this.needsKeyframe = false;
  }

  private sendText(message: MediaState | MediaInit): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private sendBinary(data: Uint8Array): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(data, { binary: true });
  }
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  if (host.trim() === '') throw new RangeError('the media gateway needs an address to listen on');
  const now = options.now ?? Date.now;
  const maximumBufferedBytes = options.maximumBufferedBytes ?? DEFAULT_MAXIMUM_BUFFERED_BYTES;
  let ticketKey = options.ticketKey;
  let allowedOrigins = new Set(options.allowedOrigins);

  const healthEmitter = new Emitter<Record<string, CameraFeedHealth>>();
  const feeds = new Map<string, FeedEntry>();
  const cameras = new Map<string, { readonly camera: GatewayCamera; entry: FeedEntry }>();
  const sessions = new Map<string, Set<ViewerSession>>();
  const disposals = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;

  const health = (): Record<string, CameraFeedHealth> => {
    const result: Record<string, CameraFeedHealth> = {};
    for (const [id, { entry }] of cameras) result[id] = { ...entry.feed.health(), viewers: sessions.get(id)?.size ?? 0 };
    return result;
  };

  const announceHealth = (): void => {
    if (closing !== undefined) return;
    try {
      healthEmitter.fire(health());
    } catch {
      // A listener's failure must not reach a feed's stream handlers.
    }
  };

  const feedFor = (source: FeedSource): FeedEntry => {
    const key = sourceKey(source);
    const existing = feeds.get(key);
    if (existing) return existing;
    const feed = new CameraFeed({ ...options.feed, source, now, ...(options.random === undefined ? {} : { random: options.random }) });
    const entry: FeedEntry = { key, feed, cameras: new Set(), statusSubscription: feed.onDidChangeStatus(announceHealth) };
    feeds.set(key, entry);
    return entry;
  };

  const retire = (entry: FeedEntry): void => {
    feeds.delete(entry.key);
    entry.statusSubscription.dispose();
    const disposal = entry.feed.dispose();
    disposals.add(disposal);
    void disposal.finally(() => disposals.delete(disposal));
  };

  const configure = (wanted: readonly GatewayCamera[]): void => {
    if (closing !== undefined) throw new Error('the media gateway is closed');
    const ids = new Set<string>();
    for (const camera of wanted) {
      if (ids.has(camera.id)) throw new RangeError(`camera '${camera.id}' is listed twice`);
      ids.add(camera.id);
    }
    for (const [id, registration] of cameras) {
      if (ids.has(id)) continue;
      cameras.delete(id);
      registration.entry.cameras.delete(id);
      for (const session of sessions.get(id) ?? []) {
        session.detach();
        session.socket.close(MEDIA_CLOSE.unknownCamera, 'camera removed');
      }
      sessions.delete(id);
    }
    for (const camera of wanted) {
      const registration = cameras.get(camera.id);
      const key = sourceKey(camera.source);
      if (registration?.entry.key === key) continue;
      const entry = feedFor(camera.source);
      entry.cameras.add(camera.id);
      if (registration) {
        registration.entry.cameras.delete(camera.id);
        registration.entry = entry;
        // Viewers of a camera whose source changed follow it: the new feed's init segment resets their player.
        for (const session of sessions.get(camera.id) ?? []) session.attach(entry.feed);
      } else {
        cameras.set(camera.id, { camera, entry });
      }
    }
    for (const entry of [...feeds.values()]) if (entry.cameras.size === 0) retire(entry);
    announceHealth();
  };

  const answerPlainRequest = (_request: http.IncomingMessage, response: http.ServerResponse): void => {
    response.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    response.end('the media gateway speaks WebSocket only: /cameras/<id>?ticket=...\n');
  };
  const server = options.tls === undefined ? http.createServer(answerPlainRequest) : createTlsServer(options.tls, answerPlainRequest);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024, perMessageDeflate: false });
  sockets.on('error', () => {
    // Errors of single sockets are handled per socket; the server itself has nothing to recover.
  });

  server.on('upgrade', (request: http.IncomingMessage, socket, head) => {
    socket.on('error', () => socket.destroy());
    const address = new URL(request.url ?? '/', 'ws://gateway');
    const match = CAMERA_PATH.exec(address.pathname);
    if (closing !== undefined || !match) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    let cameraId: string;
    try {
      cameraId = decodeURIComponent(match[1]!);
    } catch {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (webSocket) => {
      webSocket.on('error', () => webSocket.terminate());
      // Refusals are close codes after the upgrade, not HTTP statuses: a browser shows a page no status of a failed
      // upgrade, but it does show a close code. Checked in this order, so a page of another origin learns nothing.
      const origin = request.headers.origin;
      if (origin === undefined || !allowedOrigins.has(origin)) {
        webSocket.close(MEDIA_CLOSE.badOrigin, 'origin not allowed');
        return;
      }
      if (!verifyTicket(ticketKey, cameraId, address.searchParams.get('ticket') ?? '', now())) {
        webSocket.close(MEDIA_CLOSE.badTicket, 'bad or expired ticket');
        return;
      }
      const registration = cameras.get(cameraId);
      if (!registration || closing !== undefined) {
        webSocket.close(MEDIA_CLOSE.unknownCamera, 'unknown camera');
        return;
      }
      const session = new ViewerSession(cameraId, webSocket, maximumBufferedBytes);
      let viewers = sessions.get(cameraId);
      if (!viewers) sessions.set(cameraId, (viewers = new Set()));
      viewers.add(session);
      webSocket.on('close', () => {
        session.detach();
        sessions.get(session.cameraId)?.delete(session);
        announceHealth();
      });
      session.attach(registration.entry.feed);
      announceHealth();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const viewersClosed = [...sockets.clients].map(
        (webSocket) =>
          new Promise<void>((resolve) => {
            if (webSocket.readyState === webSocket.CLOSED) {
              resolve();
              return;
            }
            const cutOff = setTimeout(() => webSocket.terminate(), CLOSE_GRACE_MILLISECONDS);
            webSocket.once('close', () => {
              clearTimeout(cutOff);
              resolve();
            });
            webSocket.close(1001, 'media gateway closing');
          }),
      );
      for (const entry of [...feeds.values()]) retire(entry);
      cameras.clear();
      sessions.clear();
      await Promise.all([...disposals, ...viewersClosed]);
      await serverClosed;
      healthEmitter.dispose();
    })();
    return closing;
  };

  const secure = options.tls !== undefined;
  return {
    url: `${secure ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    secure,
    configure,
    setAccess(key, origins) {
      ticketKey = key;
      allowedOrigins = new Set(origins);
    },
    health,
    onDidChangeHealth: healthEmitter.event,
    processIds: () => [...feeds.values()].flatMap((entry) => (entry.feed.processId === undefined ? [] : [entry.feed.processId])),
    close,
  };
}

/** An HTTPS server for wss://; a certificate or key Node cannot use is a clear error that shows neither. */
function createTlsServer(tls: GatewayTls, listener: http.RequestListener): https.Server {
  let server: https.Server;
  try {
    server = https.createServer({ cert: tls.cert, key: tls.key }, listener);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable PEM';
    throw new Error(`the media gateway cannot serve wss:// with this certificate and key (${reason})`, { cause: error });
  }
  // A client that is not speaking TLS (a ws:// URL) or does not trust the certificate: Node destroys its socket; nothing to recover.
  server.on('tlsClientError', () => undefined);
  return server;
}
