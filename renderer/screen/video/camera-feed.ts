// One camera on this page: its socket to the media gateway, one <video> fed through MSE, the texture every tile draws, and the state the tiles say.
import { Texture, VideoSource } from 'pixi.js';
import { backoffDelay, type BackoffOptions } from '../../../common/contract/backoff.ts';
import { Emitter, type Disposable, type Event, type Scheduler } from '../../../common/contract/events.ts';
import { MEDIA_CLOSE, MediaControlSchema, type MediaInit } from '../../../common/contract/media.ts';
import type { Media } from '../../../common/contract/messages.ts';
import { STRINGS, unsupportedCodec } from '../strings.ts';
import { INITIAL_CAMERA_STATUS, nextCameraStatus, lastFrameOf, type CameraDetail, type CameraEvent, type CameraStatus } from './camera-state.ts';
import { MediaSourcePlayer, type FeedPlayer, type MediaSourcePlayerOptions, type PlayerFailure } from './media-source-player.ts';

/** What a tile sees of a feed. */
export interface CameraFeedView {
  readonly cameraId: string;
  readonly status: CameraStatus;
  /** Shared by every tile of the camera; its source follows the video's picture size. */
  readonly texture: Texture;
  /** The state, its detail or (while lost) the time of the last frame changed. */
  readonly onDidChangeStatus: Event<CameraStatus>;
  /** A new video frame is in the texture: a tile on screen asks for a frame. */
  readonly onDidPresentFrame: Event<void>;
}

export interface CameraFeedOptions {
  readonly cameraId: string;
  /** The newest media message (the bridge keeps it): every (re)connection takes its ticket from there. */
  readonly media: () => Media | undefined;
  /** Wall time (server clock), epoch milliseconds: frame times compare with the gateway's. */
  readonly now: () => number;
  readonly scheduler: Scheduler;
  readonly backoff?: BackoffOptions;
  readonly openSocket?: (url: string) => WebSocket;
  /** Stand-ins for tests: Node has no <video> and no Media Source Extensions. */
  readonly createVideo?: () => HTMLVideoElement;
  readonly createPlayer?: (video: HTMLVideoElement, options: MediaSourcePlayerOptions) => FeedPlayer;
}

/** How often the watchdog looks for a live feed gone quiet: a loss shows within SILENCE_MILLISECONDS plus this. */
const WATCHDOG_MILLISECONDS = 500;

/** The media gateway's URL of a camera's channel. */
export function cameraChannelUrl(gateway: string, cameraId: string, ticket: string): string {
  return `${gateway.replace(/\/+$/, '')}/cameras/${encodeURIComponent(cameraId)}?ticket=${encodeURIComponent(ticket)}`;
}

export class CameraFeed implements CameraFeedView, Disposable {
  readonly texture: Texture;
  private readonly video: HTMLVideoElement;
  private readonly player: FeedPlayer;
  private readonly statusChanged = new Emitter<CameraStatus>();
  private readonly framePresented = new Emitter<void>();
  readonly onDidChangeStatus = this.statusChanged.event;
  readonly onDidPresentFrame = this.framePresented.event;
  private current: CameraStatus = INITIAL_CAMERA_STATUS;
  private presented = 0;
  private socket: WebSocket | undefined;
  private socketGateway: string | undefined;
  private socketTicket: string | undefined;
  /** The `init` message whose segment is the next binary frame. */
  private pendingInit: MediaInit | undefined;
  private attempt = 0;
  private retry: Disposable | undefined;
  private watchdog: Disposable | undefined;
  private frameRequest: number | undefined;
  /** The gateway refused this ticket: wait for a newer one. */
  private refusedTicket: string | undefined;
  /** The gateway refused the camera or this page: try again only when a new media message comes. */
  private refused = false;
  /** The stream's codec cannot play here; it will not start playing later, so the feed stays unavailable. */
  private unsupported = false;
  /** Unavailable for a reason of this side (no gateway, refused): a media message naming a gateway lifts it. */
  private unavailableHere = false;
  private disposed = false;

  constructor(private readonly options: CameraFeedOptions) {
    const video = options.createVideo?.() ?? document.createElement('video');
    // Never attached to the DOM: removal from it would pause the video (FIELD-NOTES, pixi.js v8).
    video.muted = true;
    video.defaultMuted = true;
    video.playsInline = true;
    video.autoplay = true;
    video.preload = 'auto';
    this.video = video;
    // Not Texture.from(video): that calls video.load() and tears the MediaSource down (FIELD-NOTES, pixi.js v8).
    this.texture = new Texture({ source: new VideoSource({ resource: video, autoLoad: false, autoPlay: false }), label: `camera:${options.cameraId}` });
    const playerOptions: MediaSourcePlayerOptions = { now: () => options.scheduler.now(), onFailure: (failure) => this.playerFailed(failure) };
    this.player = options.createPlayer?.(video, playerOptions) ?? new MediaSourcePlayer(video, playerOptions);
    this.requestFrame();
    this.connect();
  }

  get cameraId(): string {
    return this.options.cameraId;
  }

  get status(): CameraStatus {
    return this.current;
  }

  /** New frames presented since the feed was made (each one requestVideoFrameCallback reported). */
  get framesPresented(): number {
    return this.presented;
  }

  /** A media message came (new tickets, a gateway started or gone): connect if the feed was waiting for it. */
  mediaChanged(): void {
    if (this.disposed || this.unsupported) return;
    const media = this.options.media();
    if (!media) return;
    if (media.gateway === null) {
      this.setUnavailable(media.problem ?? STRINGS.noMediaGateway);
      return;
    }
    this.refused = false;
    if (this.unavailableHere) {
      this.unavailableHere = false;
      this.dispatch({ type: 'available' });
    }
    const moved = this.socketGateway !== undefined && this.socketGateway !== media.gateway;
    if (this.socket) {
      // The gateway moved (restarted on another port): the old socket leads nowhere.
      if (!moved) return;
      this.closeSocket();
    }
    if (this.retry) {
      // A retry waiting out its backoff goes now only if this message changes what it would try: a new gateway, or a ticket after a refused one.
      const ticket = media.tickets[this.cameraId];
      const newTicket = this.refusedTicket !== undefined && ticket !== undefined && ticket !== this.refusedTicket;
      if (!moved && !newTicket) return;
      this.retry.dispose();
      this.retry = undefined;
    }
    this.connect();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.retry?.dispose();
    this.watchdog?.dispose();
    // In this order: nothing arrives any more, the MediaSource ends, then the texture empties the video.
    this.closeSocket();
    this.player.dispose();
    if (this.frameRequest !== undefined) this.video.cancelVideoFrameCallback(this.frameRequest);
    this.frameRequest = undefined;
    this.texture.destroy(true);
    this.statusChanged.dispose();
    this.framePresented.dispose();
  }

  private connect(): void {
    this.retry = undefined;
    if (this.disposed || this.socket || this.refused || this.unsupported) return;
    const media = this.options.media();
    // Without a media message, or a ticket for this camera in it, the next one will bring it.
    if (!media) return;
    if (media.gateway === null) {
      this.setUnavailable(media.problem ?? STRINGS.noMediaGateway);
      return;
    }
    const ticket = media.tickets[this.cameraId];
    if (ticket === undefined || ticket === this.refusedTicket) return;
    let socket: WebSocket;
    try {
      socket = (this.options.openSocket ?? ((url) => new WebSocket(url)))(cameraChannelUrl(media.gateway, this.cameraId, ticket));
    } catch (error) {
      // A gateway address the browser cannot open (malformed): nothing to retry until the next media message.
      this.refused = true;
      this.setUnavailable(error instanceof Error ? error.message : String(error));
      return;
    }
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (event: MessageEvent<unknown>) => this.receive(socket, event.data);
    socket.onclose = (event: CloseEvent) => this.closed(socket, event.code);
    this.socket = socket;
    this.socketGateway = media.gateway;
    this.socketTicket = ticket;
  }

  private receive(socket: WebSocket, data: unknown): void {
    if (socket !== this.socket || this.disposed) return;
    if (typeof data === 'string') {
      let parsed;
      try {
        parsed = MediaControlSchema.safeParse(JSON.parse(data));
      } catch {
        return;
      }
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'init') this.pendingInit = message;
      else this.dispatch({ type: 'gateway', state: message.state, lastFrameAt: message.lastFrameAt, ...(message.detail === undefined ? {} : { detail: message.detail }) });
      return;
    }
    if (!(data instanceof ArrayBuffer)) return;
    const init = this.pendingInit;
    if (init) {
      this.pendingInit = undefined;
      // The channel works: the next failure starts the backoff from its shortest delay.
      this.attempt = 0;
      this.dispatch({ type: 'init' });
      this.player.start(init.mimeType, data);
      this.requestFrame();
      return;
    }
    this.player.append(data);
  }

  private closed(socket: WebSocket, code: number): void {
    if (socket !== this.socket) return;
    this.detachSocket(socket);
    this.socket = undefined;
    this.pendingInit = undefined;
    if (this.disposed) return;
    this.dispatch({ type: 'closed' });
    switch (code) {
      case MEDIA_CLOSE.badTicket:
        // Expired or unknown: only a newer ticket can do better (the bridge renews them before they expire).
        this.refusedTicket = this.socketTicket;
        this.scheduleRetry();
        return;
      case MEDIA_CLOSE.unknownCamera:
        this.refused = true;
        this.setUnavailable(STRINGS.unknownCamera);
        return;
      case MEDIA_CLOSE.badOrigin:
        this.refused = true;
        this.setUnavailable(STRINGS.refusedByGateway);
        return;
      default:
        this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    this.retry?.dispose();
    const { scheduler } = this.options;
    this.retry = scheduler.setTimeout(() => this.connect(), backoffDelay(this.attempt++, () => scheduler.random(), this.options.backoff));
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.pendingInit = undefined;
    if (!socket) return;
    this.detachSocket(socket);
    try {
      socket.close(1000, 'camera no longer shown');
    } catch {
      // Already closed.
    }
  }

  private detachSocket(socket: WebSocket): void {
    socket.onmessage = null;
    socket.onclose = null;
  }

  private playerFailed(failure: PlayerFailure): void {
    if (this.disposed) return;
    if (failure.kind === 'unsupported') {
      this.unsupported = true;
      this.closeSocket();
      this.dispatch({ type: 'unavailable', detail: unsupportedCodec(failure.mimeType) });
      return;
    }
    // Start again from the gateway's cached keyframe: a new socket brings a new init segment.
    console.warn(`camera ${this.cameraId}: ${failure.message}; reconnecting`);
    this.closeSocket();
    this.dispatch({ type: 'closed' });
    this.scheduleRetry();
  }

  private setUnavailable(detail: CameraDetail): void {
    this.unavailableHere = true;
    this.dispatch({ type: 'unavailable', detail });
  }

  /** Frames are counted and shown as the video presents them, not on the screen's (on-demand) render loop. */
  private requestFrame(): void {
    if (this.disposed || this.frameRequest !== undefined) return;
    this.frameRequest = this.video.requestVideoFrameCallback(this.presentFrame);
  }

  private readonly presentFrame = (): void => {
    this.frameRequest = undefined;
    if (this.disposed) return;
    this.requestFrame();
    // Uploads the new picture (and resizes the texture when the picture's size changed).
    this.texture.source.update();
    this.presented++;
    this.dispatch({ type: 'frame', at: this.options.now() });
    this.framePresented.fire();
  };

  private dispatch(event: CameraEvent): void {
    const previous = this.current;
    const next = nextCameraStatus(previous, event);
    if (next === previous) return;
    this.current = next;
    this.followWatchdog();
    const visible =
      next.state !== previous.state || next.detail !== previous.detail || (next.state === 'lost' && lastFrameOf(next) !== lastFrameOf(previous));
    if (visible) this.statusChanged.fire(next);
  }

  /** While live, looks at the clock every half second: frames that stop for SILENCE_MILLISECONDS mean lost, even before the gateway says so. */
  private followWatchdog(): void {
    if (this.current.state !== 'live') {
      this.watchdog?.dispose();
      this.watchdog = undefined;
      return;
    }
    if (this.watchdog || this.disposed) return;
    const look = () => {
      this.watchdog = undefined;
      this.dispatch({ type: 'check', now: this.options.now() });
      if (this.current.state === 'live' && !this.disposed) this.watchdog = this.options.scheduler.setTimeout(look, WATCHDOG_MILLISECONDS);
    };
    this.watchdog = this.options.scheduler.setTimeout(look, WATCHDOG_MILLISECONDS);
  }
}
