// What the console makes of the server's cameras state: checks its shape, and turns it into the gateway line, the count, the cameras without a picture (worst first, with ages) and the live ones with their rates.
import { formatAge } from '../screen/format.ts';
import type { CameraHealth, CamerasState } from './api.ts';
import { STRINGS, type Localised } from './strings.ts';

export type CameraState = CameraHealth['state'];

/** What `__IOC_WALL_CONSOLE__.cameraGateway` says: `unavailable` while no cameras state is known (loading, older server, error). */
export type GatewayStatus = 'running' | 'stopped' | 'unavailable';

export interface GatewayLine {
  readonly status: Exclude<GatewayStatus, 'unavailable'>;
  readonly text: Localised;
  /** Why it does not run, as the server words it (an install hint, a port taken). */
  readonly problem: string | undefined;
}

/** A camera that shows no picture: one full row each. */
export interface TroubledCameraRow {
  readonly id: string;
  readonly name: Localised;
  readonly state: Exclude<CameraState, 'live'>;
  readonly stateText: Localised;
  /** "2 phút trước / 2 min ago", or "Chưa có khung hình / No frame yet". */
  readonly lastFrame: Localised;
  readonly restarts: number;
  readonly detail: string | undefined;
  /** "mô phỏng / simulated (testsrc2)" in a mixed demo; undefined when the section's one line already says it of every camera. */
  readonly simulated: Localised | undefined;
}

/** A live camera: one small line each, so that 45 of them stay readable. */
export interface LiveCameraRow {
  readonly id: string;
  readonly name: Localised;
  /** "24,8 khung/giây / 24.8 fps". */
  readonly frameRate: Localised;
  /** "1.234 kbit/s" (Vietnamese separators, as on the wall; the English text keeps its own). */
  readonly bitrate: Localised;
  readonly restarts: number;
  readonly simulated: Localised | undefined;
}

export interface CamerasSummary {
  readonly gateway: GatewayLine;
  /** Lost first, then unavailable, then connecting; within each, the longest without a frame first, those never seen last. */
  readonly troubled: readonly TroubledCameraRow[];
  /** In the server's (layout's) order: a stable place for each camera. */
  readonly live: readonly LiveCameraRow[];
  /** The count beside the heading. */
  readonly countText: Localised;
  readonly total: number;
  /** Lost or unavailable: no picture, and not merely still starting. */
  readonly withoutPicture: number;
  readonly connecting: number;
  /** "mô phỏng / simulated (testsrc2)": set when some camera is stood in for by a test pattern. */
  readonly simulated: Localised | undefined;
  /** Every camera in the server's order, for the test status. */
  readonly cameras: readonly { readonly id: string; readonly state: CameraState }[];
}

const CAMERA_STATES: Readonly<Record<CameraState, Localised>> = {
  lost: STRINGS.cameraLost,
  unavailable: STRINGS.cameraUnavailable,
  connecting: STRINGS.cameraConnecting,
  live: STRINGS.cameraLive,
};

/** Which trouble the officer reads first: a feed that dropped is news; one that cannot start is usually a set-up mistake; one connecting may yet come. */
const TROUBLE_RANK: Readonly<Record<Exclude<CameraState, 'live'>, number>> = { lost: 0, unavailable: 1, connecting: 2 };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isLocalised = (value: unknown): value is Localised => isRecord(value) && typeof value.vi === 'string' && typeof value.en === 'string';
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';

function isCamera(value: unknown): value is CameraHealth {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    isLocalised(value.name) &&
    typeof value.state === 'string' &&
    Object.hasOwn(CAMERA_STATES, value.state) &&
    isFiniteNumber(value.fps) &&
    isFiniteNumber(value.bitrate) &&
    isFiniteNumber(value.restarts) &&
    (value.lastFrameAt === null || isFiniteNumber(value.lastFrameAt)) &&
    isFiniteNumber(value.viewers) &&
    isOptionalString(value.detail) &&
    isOptionalString(value.simulatedBy)
  );
}

/**
 * The cameras state in an /api/events message or a GET /api/cameras answer, or undefined when it is not one:
 * it comes from our own server, but a malformed one must not reach the view (the section keeps its last good state).
 */
export function camerasStateOf(message: unknown): CamerasState | undefined {
  if (!isRecord(message) || message.type !== 'cameras' || !isFiniteNumber(message.at)) return undefined;
  const { gateway, cameras } = message;
  if (!isRecord(gateway) || typeof gateway.running !== 'boolean' || !isOptionalString(gateway.problem)) return undefined;
  if (!Array.isArray(cameras) || !cameras.every(isCamera)) return undefined;
  return message as unknown as CamerasState;
}

const frameRateFormats = { vi: new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }), en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }) };
const bitrateFormats = { vi: new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 }), en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }) };

/** "24,8 khung/giây / 24.8 fps". */
export function frameRateText(fps: number): Localised {
  return { vi: `${frameRateFormats.vi.format(fps)} ${STRINGS.framesPerSecond.vi}`, en: `${frameRateFormats.en.format(fps)} ${STRINGS.framesPerSecond.en}` };
}

/** Bits per second as kbit/s: "1.234 kbit/s / 1,234 kbit/s". */
export function bitrateText(bitsPerSecond: number): Localised {
  const kilobits = bitsPerSecond / 1000;
  return { vi: `${bitrateFormats.vi.format(kilobits)} kbit/s`, en: `${bitrateFormats.en.format(kilobits)} kbit/s` };
}

/** "mô phỏng / simulated (testsrc2)". */
export function simulatedText(sources: readonly string[]): Localised {
  const list = sources.join(', ');
  return { vi: `${STRINGS.simulated.vi} (${list})`, en: `${STRINGS.simulated.en} (${list})` };
}

/** The time since a camera's last frame at `now` (server clock), or "no frame yet". */
export function lastFrameText(lastFrameAt: number | null, now: number): Localised {
  if (lastFrameAt === null) return STRINGS.noFrameYet;
  return { vi: formatAge(now - lastFrameAt, 'vi'), en: formatAge(now - lastFrameAt, 'en') };
}

/**
 * "3/45 mất tín hiệu / 3/45 lost", with those still connecting after it; "45/45 trực tiếp / 45/45 live" when all show a picture.
 * Connecting cameras are not counted as lost: right after start-up every feed is connecting, and "45/45 lost" would be a false alarm.
 */
export function cameraCountText(total: number, withoutPicture: number, connecting: number): Localised {
  if (total === 0) return STRINGS.noCameras;
  if (withoutPicture === 0 && connecting === 0) return { vi: `${total}/${total} ${STRINGS.cameraLive.vi.toLowerCase()}`, en: `${total}/${total} ${STRINGS.cameraLive.en.toLowerCase()}` };
  const lost = { vi: `${withoutPicture}/${total} ${STRINGS.cameraLost.vi.toLowerCase()}`, en: `${withoutPicture}/${total} ${STRINGS.cameraLost.en.toLowerCase()}` };
  if (connecting === 0) return lost;
  return {
    vi: `${lost.vi} · ${connecting} ${STRINGS.cameraConnecting.vi.toLowerCase()}`,
    en: `${lost.en} · ${connecting} ${STRINGS.cameraConnecting.en.toLowerCase()}`,
  };
}

/** The gateway line: running, or not and why (the server's own words, which carry the fix, e.g. the apt-get line). */
export function gatewayLineOf(gateway: CamerasState['gateway']): GatewayLine {
  return gateway.running
    ? { status: 'running', text: STRINGS.gatewayRunning, problem: undefined }
    : { status: 'stopped', text: STRINGS.gatewayStopped, problem: gateway.problem };
}

type TroubledCamera = CameraHealth & { readonly state: Exclude<CameraState, 'live'> };

const isTroubled = (camera: CameraHealth): camera is TroubledCamera => camera.state !== 'live';

/** Oldest last frame first; a camera never seen comes after those that were (it is a set-up matter, not news); ties keep the server's order. */
function byTrouble(a: { camera: TroubledCamera; order: number }, b: { camera: TroubledCamera; order: number }): number {
  const rank = TROUBLE_RANK[a.camera.state] - TROUBLE_RANK[b.camera.state];
  if (rank !== 0) return rank;
  const first = a.camera.lastFrameAt;
  const second = b.camera.lastFrameAt;
  if (first !== null && second !== null && first !== second) return first - second;
  if (first === null && second !== null) return 1;
  if (first !== null && second === null) return -1;
  return a.order - b.order;
}

/** The rows the Camera section shows at `now` (server clock, epoch ms). The state is the server's word: a live camera is live here, however old its last frame. */
export function summariseCameras(state: CamerasState, now: number): CamerasSummary {
  const sources = [...new Set(state.cameras.flatMap((camera) => (camera.simulatedBy === undefined ? [] : [camera.simulatedBy])))];
  // In the usual demo every camera is the same test pattern: said once for the section, not 45 times.
  const saidOnce = sources.length === 1 && state.cameras.every((camera) => camera.simulatedBy !== undefined);
  const simulatedOf = (camera: CameraHealth) => (camera.simulatedBy === undefined || saidOnce ? undefined : simulatedText([camera.simulatedBy]));
  const troubled = state.cameras
    .flatMap((camera, order) => (isTroubled(camera) ? [{ camera, order }] : []))
    .sort(byTrouble)
    .map(({ camera }): TroubledCameraRow => ({
      id: camera.id,
      name: camera.name,
      state: camera.state,
      stateText: CAMERA_STATES[camera.state],
      lastFrame: lastFrameText(camera.lastFrameAt, now),
      restarts: camera.restarts,
      detail: camera.detail,
      simulated: simulatedOf(camera),
    }));
  const live = state.cameras
    .filter((camera) => camera.state === 'live')
    .map((camera): LiveCameraRow => ({
      id: camera.id,
      name: camera.name,
      frameRate: frameRateText(camera.fps),
      bitrate: bitrateText(camera.bitrate),
      restarts: camera.restarts,
      simulated: simulatedOf(camera),
    }));
  const withoutPicture = troubled.filter((camera) => camera.state !== 'connecting').length;
  const connecting = troubled.length - withoutPicture;
  return {
    gateway: gatewayLineOf(state.gateway),
    troubled,
    live,
    countText: cameraCountText(state.cameras.length, withoutPicture, connecting),
    total: state.cameras.length,
    withoutPicture,
    connecting,
    simulated: sources.length === 0 ? undefined : simulatedText(sources),
    cameras: state.cameras.map(({ id, state: cameraState }) => ({ id, state: cameraState })),
  };
}

/** Whether an age is on show, so that the section must be redrawn each second: a troubled camera that had a frame once. */
export function camerasShowAges(state: CamerasState): boolean {
  return state.cameras.some((camera) => camera.state !== 'live' && camera.lastFrameAt !== null);
}
