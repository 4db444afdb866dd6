// Plays a live fMP4 stream (an init segment, then moof+mdat fragments) in a <video> through Media Source Extensions, held at the live edge.
import type { Disposable } from '../../../common/contract/events.ts';
import { liveEdgeActions, rangesOf } from './live-edge.ts';

export type PlayerFailure =
  /** This browser cannot decode the stream: retrying will not help. */
  | { readonly kind: 'unsupported'; readonly mimeType: string }
  /** The pipeline broke (decode error, a SourceBuffer gone, a quota nothing could be trimmed for): start again from a keyframe. */
  | { readonly kind: 'broken'; readonly message: string };

export interface MediaSourcePlayerOptions {
  /** Milliseconds, for the live-edge controller's trim pacing. */
  readonly now: () => number;
  readonly onFailure: (failure: PlayerFailure) => void;
}

/** What a camera feed needs of its player (the MSE one in the browser, a stand-in in tests). */
export interface FeedPlayer extends Disposable {
  /** A new init segment: a new stream starts (its timestamps start again). */
  start(mimeType: string, init: ArrayBuffer): void;
  append(fragment: ArrayBuffer): void;
}

type Operation = { readonly kind: 'append'; readonly data: ArrayBuffer } | { readonly kind: 'remove'; readonly start: number; readonly end: number };

/** One MediaSource and its SourceBuffer: made again for every init segment (a restarted source starts its timestamps again). */
interface Session {
  readonly mediaSource: MediaSource;
  readonly mimeType: string;
  sourceBuffer: SourceBuffer | undefined;
  /** Operations not yet handed to the SourceBuffer, oldest first: it takes one at a time. */
  readonly queue: Operation[];
  lastTrimAt: number | undefined;
  /** The last append hit the quota and what could be trimmed was: another refusal means nothing more can go. */
  trimmedForQuota: boolean;
  readonly listeners: AbortController;
}

/** Fragments waiting beyond this (about 8 s at 25 frames a second) mean the decoder fell behind for good: start again. */
const MAXIMUM_QUEUED = 200;
/** Media kept behind the play head when the quota forces a trim, seconds. */
const QUOTA_KEEP_SECONDS = 1;

export class MediaSourcePlayer implements FeedPlayer {
  private session: Session | undefined;
  private readonly videoListeners = new AbortController();
  private disposed = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly options: MediaSourcePlayerOptions,
  ) {
    video.addEventListener(
      'error',
      () => {
        if (this.session) this.fail(`the video failed: ${video.error?.message || `media error ${video.error?.code ?? '?'}`}`);
      },
      { signal: this.videoListeners.signal },
    );
  }

  /** A new init segment: ends the current MediaSource and starts a new one that begins with it. */
  start(mimeType: string, init: ArrayBuffer): void {
    if (this.disposed) return;
    this.endSession();
    if (!MediaSource.isTypeSupported(mimeType)) {
      this.options.onFailure({ kind: 'unsupported', mimeType });
      return;
    }
    const mediaSource = new MediaSource();
    const listeners = new AbortController();
    const session: Session = { mediaSource, mimeType, sourceBuffer: undefined, queue: [{ kind: 'append', data: init }], lastTrimAt: undefined, trimmedForQuota: false, listeners };
    this.session = session;
    const url = URL.createObjectURL(mediaSource);
    mediaSource.addEventListener('sourceopen', () => this.opened(session, url), { once: true, signal: listeners.signal });
    this.video.src = url;
  }

  /** A fragment (moof+mdat) of the current init segment's stream; dropped when none started. */
  append(fragment: ArrayBuffer): void {
    const session = this.session;
    if (this.disposed || !session) return;
    session.queue.push({ kind: 'append', data: fragment });
    if (session.queue.length > MAXIMUM_QUEUED) {
      this.fail(`${session.queue.length} fragments waiting: the decoder fell behind`);
      return;
    }
    this.pump(session);
  }

  /** Ends the MediaSource (the video keeps its element and source; whoever owns them empties them after). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.videoListeners.abort();
    this.endSession();
  }

  private opened(session: Session, url: string): void {
    // The element holds the MediaSource now; the URL is not needed any more.
    URL.revokeObjectURL(url);
    if (session !== this.session) return;
    try {
      const sourceBuffer = session.mediaSource.addSourceBuffer(session.mimeType);
      sourceBuffer.addEventListener('updateend', () => this.pump(session), { signal: session.listeners.signal });
      sourceBuffer.addEventListener('error', () => this.fail('the SourceBuffer reported an error'), { signal: session.listeners.signal });
      session.sourceBuffer = sourceBuffer;
    } catch (error) {
      this.fail(`no SourceBuffer for ${session.mimeType}: ${messageOf(error)}`);
      return;
    }
    this.pump(session);
  }

  /** Hands the next operation to the SourceBuffer when it is idle; with nothing left, steers the play head. */
  private pump(session: Session): void {
    const sourceBuffer = session.sourceBuffer;
    if (session !== this.session || !sourceBuffer || sourceBuffer.updating || session.mediaSource.readyState !== 'open') return;
    const operation = session.queue[0];
    if (!operation) {
      this.steer(session, sourceBuffer);
      return;
    }
    if (operation.kind === 'remove' && operation.end <= operation.start) {
      session.queue.shift();
      this.pump(session);
      return;
    }
    try {
      if (operation.kind === 'append') sourceBuffer.appendBuffer(operation.data);
      else sourceBuffer.remove(operation.start, operation.end);
      session.queue.shift();
      if (operation.kind === 'append') session.trimmedForQuota = false;
    } catch (error) {
      if (operation.kind === 'append' && error instanceof DOMException && error.name === 'QuotaExceededError') this.makeRoom(session, sourceBuffer);
      else this.fail(`${operation.kind} failed: ${messageOf(error)}`);
    }
  }

  /** The buffer is full: remove what lies behind the play head, then the same append again. */
  private makeRoom(session: Session, sourceBuffer: SourceBuffer): void {
    const buffered = sourceBuffer.buffered;
    const start = buffered.length > 0 ? buffered.start(0) : 0;
    const end = this.video.currentTime - QUOTA_KEEP_SECONDS;
    if (session.trimmedForQuota || end <= start) {
      this.fail('the media buffer is full and nothing behind the play head can go');
      return;
    }
    session.trimmedForQuota = true;
    session.queue.unshift({ kind: 'remove', start, end });
    this.pump(session);
  }

  /** The live-edge controller, after every batch of appends: seek, speed, play, forget old media. */
  private steer(session: Session, sourceBuffer: SourceBuffer): void {
    const video = this.video;
    const now = this.options.now();
    const actions = liveEdgeActions({
      buffered: rangesOf(sourceBuffer.buffered),
      currentTime: video.currentTime,
      paused: video.paused,
      playbackRate: video.playbackRate,
      now,
      lastTrimAt: session.lastTrimAt,
    });
    if (actions.seekTo !== undefined) video.currentTime = actions.seekTo;
    if (actions.playbackRate !== undefined) video.playbackRate = actions.playbackRate;
    // Muted and playsInline: autoplay policy allows it; a refusal is tried again after the next fragment.
    if (actions.play) video.play().catch(() => undefined);
    if (actions.removeBefore !== undefined) {
      session.lastTrimAt = now;
      session.queue.push({ kind: 'remove', start: 0, end: actions.removeBefore });
      this.pump(session);
    }
  }

  private fail(message: string): void {
    if (this.disposed) return;
    this.endSession();
    this.options.onFailure({ kind: 'broken', message });
  }

  private endSession(): void {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    session.listeners.abort();
    session.queue.length = 0;
    const { mediaSource, sourceBuffer } = session;
    if (mediaSource.readyState !== 'open') return;
    try {
      // An append in flight is dropped; a removal in flight cannot be (abort throws), and then endOfStream waits for nobody.
      if (sourceBuffer?.updating) sourceBuffer.abort();
    } catch {
      // The removal finishes on its own; the element lets the source go when its src is emptied.
    }
    try {
      mediaSource.endOfStream();
    } catch (error) {
      console.debug('ending a camera MediaSource:', messageOf(error));
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
