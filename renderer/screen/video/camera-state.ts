// What a camera tile says, as a pure reducer: connecting, live, lost, recovering, unavailable, from frames, the gateway's messages and the socket.
import type { FeedState } from '../../../common/contract/media.ts';
import { bilingual, type Languages, type Localised } from '../format.ts';

export type CameraState = 'connecting' | 'live' | 'lost' | 'recovering' | 'unavailable';

/** Why a camera is unavailable: the gateway's own words (already free of credentials), or one of ours in both languages. */
export type CameraDetail = string | Localised;

export interface CameraStatus {
  readonly state: CameraState;
  /** Wall time (epoch ms) of the last frame this page presented; undefined before the first. */
  readonly lastFrameAt: number | undefined;
  /** The gateway's clock of the last frame it received (it may have frames this page never saw); undefined when unknown. */
  readonly gatewayLastFrameAt: number | undefined;
  /** A frame was presented since the feed was created: there is a last frame to dim while recovering. */
  readonly hadFrame: boolean;
  /** For `unavailable` (and a `lost` the gateway explained). */
  readonly detail: CameraDetail | undefined;
  /** Lost because the gateway said so: frames still buffered in the video are the old picture, not a return. */
  readonly lostAtGateway: boolean;
}

export type CameraEvent =
  /** The video presented a new frame (requestVideoFrameCallback), at wall time `at`. */
  | { readonly type: 'frame'; readonly at: number }
  /** A `state` message from the gateway. */
  | { readonly type: 'gateway'; readonly state: FeedState; readonly lastFrameAt: number | null; readonly detail?: string }
  /** An init segment arrived: a new socket's first, or the source restarted (a second one on the same socket). */
  | { readonly type: 'init' }
  /** The socket closed (it will be opened again): no new frame can come until then. */
  | { readonly type: 'closed' }
  /** The watchdog's look at the clock, wall time. */
  | { readonly type: 'check'; readonly now: number }
  /** The feed cannot run at all: no gateway (the media message's problem), the camera refused, the codec unsupported. */
  | { readonly type: 'unavailable'; readonly detail: CameraDetail }
  /** What made it unavailable on this side went away (the media message names a gateway again): try again. */
  | { readonly type: 'available' };

/** While live, this long without a new frame is a lost signal, whatever the gateway says (its message may come late). */
export const SILENCE_MILLISECONDS = 2_000;

export const INITIAL_CAMERA_STATUS: CameraStatus = {
  state: 'connecting',
  lastFrameAt: undefined,
  gatewayLastFrameAt: undefined,
  hadFrame: false,
  detail: undefined,
  lostAtGateway: false,
};

/** The picture is coming back: over the dimmed last frame when there is one, else the connecting slate (never black). */
function resuming(status: CameraStatus): CameraStatus {
  return { ...status, state: status.hadFrame ? 'recovering' : 'connecting', detail: undefined, lostAtGateway: false };
}

function withGatewayTime(status: CameraStatus, lastFrameAt: number | null): CameraStatus {
  return lastFrameAt === null ? status : { ...status, gatewayLastFrameAt: lastFrameAt };
}

export function nextCameraStatus(status: CameraStatus, event: CameraEvent): CameraStatus {
  switch (event.type) {
    case 'frame':
      // After the gateway said lost, what still plays is the buffer's tail: the slate stays until it says the source is back.
      if (status.state === 'lost' && status.lostAtGateway) return status;
      // Otherwise a presented frame is the truth, whatever was said before.
      return { ...status, state: 'live', lastFrameAt: event.at, hadFrame: true, detail: undefined, lostAtGateway: false };
    case 'gateway': {
      const noted = withGatewayTime(status, event.lastFrameAt);
      switch (event.state) {
        case 'lost':
          return { ...noted, state: 'lost', detail: event.detail, lostAtGateway: true };
        case 'unavailable':
          return { ...noted, state: 'unavailable', detail: event.detail };
        case 'connecting':
          // The gateway is (re)opening the source: the picture we hold is no longer moving.
          return status.state === 'connecting' || status.state === 'recovering' ? noted : resuming(noted);
        case 'live':
          // Frames flow at the gateway; ours are on their way. Only a stopped tile moves on.
          return status.state === 'lost' || status.state === 'unavailable' ? resuming(noted) : noted;
      }
      return noted;
    }
    case 'init':
      return status.state === 'connecting' || status.state === 'recovering' ? status : resuming(status);
    case 'closed':
      // A live picture still plays what it buffered, and a quick reconnect recovers it: silence decides, as for any loss.
      // Waiting to recover on a socket that is gone would hold a dimmed frame for as long as the gateway stays away.
      return status.state === 'recovering' ? { ...status, state: 'lost', detail: undefined } : status;
    case 'check':
      return status.state === 'live' && status.lastFrameAt !== undefined && event.now - status.lastFrameAt >= SILENCE_MILLISECONDS
        ? { ...status, state: 'lost', detail: undefined }
        : status;
    case 'unavailable':
      return { ...status, state: 'unavailable', detail: event.detail };
    case 'available':
      return status.state === 'unavailable' ? resuming(status) : status;
  }
}

/** When the last frame was, as far as anyone knows (ours, or the gateway's when later), for the lost slate's age. */
export function lastFrameOf(status: CameraStatus): number | undefined {
  const { lastFrameAt, gatewayLastFrameAt } = status;
  if (lastFrameAt === undefined) return gatewayLastFrameAt;
  if (gatewayLastFrameAt === undefined) return lastFrameAt;
  return Math.max(lastFrameAt, gatewayLastFrameAt);
}

/** A detail in the wall's languages when it is one of ours, as the gateway wrote it otherwise. */
export function detailText(detail: CameraDetail | undefined, languages: Languages): string | undefined {
  if (detail === undefined) return undefined;
  return typeof detail === 'string' ? detail : bilingual(detail, languages);
}
