// The officer reads which feeds show no picture (lost first, the longest gone first, with the time since their last frame), the live ones with their rates, the gateway's state, and nothing from a malformed message.
import { describe, expect, it } from 'vitest';
import type { CameraHealth, CamerasState } from './api.ts';
import { bitrateText, cameraCountText, camerasShowAges, camerasStateOf, frameRateText, summariseCameras } from './camera-state.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const NOW = Date.UTC(2026, 10, 26, 7, 0, 0);

function camera(id: string, overrides: Partial<CameraHealth> = {}): CameraHealth {
  return {
    id,
    name: { vi: `Nút giao ${id}`, en: `Junction ${id}` },
    state: 'live',
    fps: 25,
    bitrate: 1_234_000,
    restarts: 0,
    lastFrameAt: NOW - 40,
    viewers: 1,
    ...overrides,
  };
}

function cameras(overrides: Partial<CamerasState> = {}): CamerasState {
  return {
    type: 'cameras',
    at: NOW,
    gateway: { running: true },
    cameras: [
      camera('cam-01'),
      camera('cam-02', { state: 'connecting', lastFrameAt: null, fps: 0, bitrate: 0 }),
      camera('cam-03', { state: 'lost', lastFrameAt: NOW - 30 * SECOND, restarts: 2, detail: 'no frame for 10 s' }),
      camera('cam-04', { state: 'unavailable', lastFrameAt: null, detail: 'rtsp: 401 Unauthorized' }),
      camera('cam-05', { state: 'lost', lastFrameAt: NOW - 5 * MINUTE, restarts: 7, fps: 0, bitrate: 0 }),
      camera('cam-06', { fps: 24.84, bitrate: 512_400 }),
      camera('cam-07', { state: 'lost', lastFrameAt: null, detail: 'connection refused' }),
    ],
    ...overrides,
  };
}

describe('summariseCameras', () => {
  it('lists the cameras without a picture first: lost (longest gone first, never seen last), then unavailable, then connecting', () => {
    const summary = summariseCameras(cameras(), NOW);
    expect(summary.troubled.map((row) => row.id)).toEqual(['cam-05', 'cam-03', 'cam-07', 'cam-04', 'cam-02']);
    expect(summary.live.map((row) => row.id)).toEqual(['cam-01', 'cam-06']);
  });

  it('gives each troubled camera its bilingual name and state, the time since its last frame, restarts and detail', () => {
    const [longestLost, lost, neverSeen, unavailable, connecting] = summariseCameras(cameras(), NOW).troubled;
    expect(lost).toEqual({
      id: 'cam-03',
      name: { vi: 'Nút giao cam-03', en: 'Junction cam-03' },
      state: 'lost',
      stateText: { vi: 'Mất tín hiệu', en: 'Lost' },
      lastFrame: { vi: '30 giây trước', en: '30 s ago' },
      restarts: 2,
      detail: 'no frame for 10 s',
      simulated: undefined,
    });
    expect(longestLost).toMatchObject({ lastFrame: { vi: '5 phút trước', en: '5 min ago' }, restarts: 7 });
    expect(neverSeen).toMatchObject({ lastFrame: { vi: 'Chưa có khung hình', en: 'No frame yet' } });
    expect(unavailable).toMatchObject({ stateText: { vi: 'Không khả dụng', en: 'Unavailable' }, detail: 'rtsp: 401 Unauthorized' });
    expect(connecting).toMatchObject({ stateText: { vi: 'Đang kết nối', en: 'Connecting' } });
  });

  it('counts the time since the last frame on with the server clock passed in', () => {
    const later = summariseCameras(cameras(), NOW + 45 * SECOND).troubled.find((row) => row.id === 'cam-03');
    expect(later?.lastFrame).toEqual({ vi: '1 phút trước', en: '1 min ago' });
  });

  it('gives each live camera its frame rate and bitrate in kbit/s, Vietnamese separators first', () => {
    const live = summariseCameras(cameras(), NOW).live.find((row) => row.id === 'cam-06');
    expect(live).toMatchObject({
      name: { vi: 'Nút giao cam-06', en: 'Junction cam-06' },
      frameRate: { vi: '24,8 khung/giây', en: '24.8 fps' },
      bitrate: { vi: '512 kbit/s', en: '512 kbit/s' },
    });
    expect(bitrateText(4_567_800)).toEqual({ vi: '4.568 kbit/s', en: '4,568 kbit/s' });
    expect(frameRateText(25)).toEqual({ vi: '25 khung/giây', en: '25 fps' });
  });

  it('counts lost and unavailable cameras as without a picture, and those connecting apart', () => {
    const summary = summariseCameras(cameras(), NOW);
    expect(summary).toMatchObject({ total: 7, withoutPicture: 4, connecting: 1 });
    expect(summary.countText).toEqual({ vi: '4/7 mất tín hiệu · 1 đang kết nối', en: '4/7 lost · 1 connecting' });
  });

  it('trusts the server on the state: a live camera is listed live, however old its last frame', () => {
    const summary = summariseCameras(cameras({ cameras: [camera('cam-01', { lastFrameAt: NOW - 10 * MINUTE })] }), NOW);
    expect(summary.troubled).toEqual([]);
    expect(summary.live.map((row) => row.id)).toEqual(['cam-01']);
  });

  it('keeps the server order among cameras equally troubled', () => {
    const state = cameras({ cameras: [camera('b', { state: 'connecting', lastFrameAt: null }), camera('a', { state: 'connecting', lastFrameAt: null })] });
    expect(summariseCameras(state, NOW).troubled.map((row) => row.id)).toEqual(['b', 'a']);
  });

  it('says the gateway runs, or that it does not and why', () => {
    expect(summariseCameras(cameras(), NOW).gateway).toEqual({ status: 'running', text: { vi: 'Cổng video đang chạy', en: 'Media gateway running' }, problem: undefined });
    const problem = 'ffmpeg is not installed: apt-get install -y --no-install-recommends ffmpeg';
    expect(summariseCameras(cameras({ gateway: { running: false, problem } }), NOW).gateway).toEqual({
      status: 'stopped',
      text: { vi: 'Cổng video không chạy', en: 'Media gateway not running' },
      problem,
    });
  });

  it('marks the test patterns standing in for cameras in demo mode, each source once', () => {
    const state = cameras({
      cameras: [
        camera('cam-01', { simulatedBy: 'testsrc2' }),
        camera('cam-02', { simulatedBy: 'testsrc2', state: 'lost', lastFrameAt: NOW - MINUTE }),
        camera('cam-03', { simulatedBy: 'smptebars' }),
      ],
    });
    const summary = summariseCameras(state, NOW);
    expect(summary.simulated).toEqual({ vi: 'mô phỏng (testsrc2, smptebars)', en: 'simulated (testsrc2, smptebars)' });
    expect(summary.troubled[0]?.simulated).toEqual({ vi: 'mô phỏng (testsrc2)', en: 'simulated (testsrc2)' });
    expect(summary.live[0]?.simulated).toEqual({ vi: 'mô phỏng (testsrc2)', en: 'simulated (testsrc2)' });
    expect(summariseCameras(cameras(), NOW).simulated).toBeUndefined();
  });

  it('says it once for the section when every camera is the same test pattern, not on each row', () => {
    const state = cameras({ cameras: [camera('cam-01', { simulatedBy: 'testsrc2' }), camera('cam-02', { simulatedBy: 'testsrc2', state: 'lost', lastFrameAt: null })] });
    const summary = summariseCameras(state, NOW);
    expect(summary.simulated).toEqual({ vi: 'mô phỏng (testsrc2)', en: 'simulated (testsrc2)' });
    expect(summary.troubled[0]?.simulated).toBeUndefined();
    expect(summary.live[0]?.simulated).toBeUndefined();
  });

  it('lists every camera with its state for the test status, in the server order', () => {
    expect(summariseCameras(cameras(), NOW).cameras.slice(0, 3)).toEqual([
      { id: 'cam-01', state: 'live' },
      { id: 'cam-02', state: 'connecting' },
      { id: 'cam-03', state: 'lost' },
    ]);
  });
});

describe('camera texts', () => {
  it('says how many of how many show no picture, all live, or that there are no cameras', () => {
    expect(cameraCountText(45, 3, 0)).toEqual({ vi: '3/45 mất tín hiệu', en: '3/45 lost' });
    expect(cameraCountText(45, 0, 45)).toEqual({ vi: '0/45 mất tín hiệu · 45 đang kết nối', en: '0/45 lost · 45 connecting' });
    expect(cameraCountText(45, 0, 0)).toEqual({ vi: '45/45 trực tiếp', en: '45/45 live' });
    expect(cameraCountText(0, 0, 0)).toEqual({ vi: 'Bố cục không có camera nào', en: 'The layout has no cameras' });
  });
});

describe('camerasShowAges', () => {
  it('asks for a redraw each second only while a troubled camera that had a frame is listed', () => {
    expect(camerasShowAges(cameras())).toBe(true);
    expect(camerasShowAges(cameras({ cameras: [camera('cam-01'), camera('cam-02', { state: 'connecting', lastFrameAt: null })] }))).toBe(false);
  });
});

describe('camerasStateOf', () => {
  it('accepts a cameras state as the server sends it', () => {
    const state = cameras({ gateway: { running: false, problem: 'ffmpeg is not installed' }, cameras: [camera('cam-01', { simulatedBy: 'testsrc2', detail: 'x' })] });
    expect(camerasStateOf(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('refuses other messages and malformed states', () => {
    expect(camerasStateOf({ type: 'state', scene: { id: 'normal', version: 1, committedAt: 0 }, pending: null })).toBeUndefined();
    expect(camerasStateOf({ ...cameras(), type: 'telemetry' })).toBeUndefined();
    expect(camerasStateOf({ ...cameras(), at: 'now' })).toBeUndefined();
    expect(camerasStateOf({ ...cameras(), gateway: { running: 'yes' } })).toBeUndefined();
    expect(camerasStateOf({ ...cameras(), gateway: { running: false, problem: 3 } })).toBeUndefined();
    expect(camerasStateOf({ ...cameras(), cameras: [{ ...camera('a'), state: 'asleep' }] })).toBeUndefined();
    expect(camerasStateOf({ ...cameras(), cameras: [{ ...camera('a'), name: 'a' }] })).toBeUndefined();
    expect(camerasStateOf({ ...cameras(), cameras: [{ ...camera('a'), lastFrameAt: '2026-11-26' }] })).toBeUndefined();
    expect(camerasStateOf({ ...cameras(), cameras: [{ ...camera('a'), fps: null }] })).toBeUndefined();
    expect(camerasStateOf({ ...cameras(), cameras: 'none' })).toBeUndefined();
    expect(camerasStateOf(null)).toBeUndefined();
  });
});
