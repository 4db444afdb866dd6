// What a camera tile says as frames, gateway messages and socket closes come: connecting, live, lost, recovering, unavailable.
import { describe, expect, it } from 'vitest';
import { detailText, INITIAL_CAMERA_STATUS, lastFrameOf, nextCameraStatus, SILENCE_MILLISECONDS, type CameraEvent, type CameraStatus } from './camera-state.ts';

const T = 1_700_000_000_000;

function run(events: readonly CameraEvent[], from: CameraStatus = INITIAL_CAMERA_STATUS): CameraStatus {
  return events.reduce(nextCameraStatus, from);
}

const live = run([{ type: 'init' }, { type: 'frame', at: T }]);

describe('nextCameraStatus', () => {
  it('starts connecting and goes live on the first frame, not on the gateway saying live', () => {
    expect(INITIAL_CAMERA_STATUS.state).toBe('connecting');
    const told = run([{ type: 'gateway', state: 'live', lastFrameAt: T }, { type: 'init' }]);
    expect(told.state).toBe('connecting');
    expect(live).toMatchObject({ state: 'live', lastFrameAt: T, hadFrame: true });
  });

  it('goes lost at once when the gateway says lost, with its detail and its last frame time', () => {
    const lost = nextCameraStatus(live, { type: 'gateway', state: 'lost', lastFrameAt: T + 500, detail: 'no frame for 3 s' });
    expect(lost).toMatchObject({ state: 'lost', detail: 'no frame for 3 s' });
    expect(lastFrameOf(lost)).toBe(T + 500);
  });

  it('keeps the lost slate while the buffer tail still plays after the gateway said lost, until the source is back', () => {
    const lost = nextCameraStatus(live, { type: 'gateway', state: 'lost', lastFrameAt: T + 500 });
    expect(run([{ type: 'frame', at: T + 600 }, { type: 'frame', at: T + 660 }], lost).state).toBe('lost');
    const back = run([{ type: 'gateway', state: 'live', lastFrameAt: T + 9_000 }, { type: 'frame', at: T + 9_100 }], lost);
    expect(back).toMatchObject({ state: 'live', lastFrameAt: T + 9_100 });
    // A loss the page found by silence ends with the next frame: nobody else will say the picture is back.
    const silent = nextCameraStatus(live, { type: 'check', now: T + SILENCE_MILLISECONDS });
    expect(nextCameraStatus(silent, { type: 'frame', at: T + SILENCE_MILLISECONDS + 10 }).state).toBe('live');
  });

  it('goes lost after 2 s without a frame while live, whatever the gateway says', () => {
    expect(nextCameraStatus(live, { type: 'check', now: T + SILENCE_MILLISECONDS - 1 })).toBe(live);
    expect(nextCameraStatus(live, { type: 'check', now: T + SILENCE_MILLISECONDS }).state).toBe('lost');
    // Only a live tile is judged by silence: a connecting one has no frame to miss.
    expect(nextCameraStatus(INITIAL_CAMERA_STATUS, { type: 'check', now: T + 60_000 })).toBe(INITIAL_CAMERA_STATUS);
  });

  it('leaves a socket that closes under a live picture to the silence rule (what is buffered still plays), but not one that closes while recovering', () => {
    expect(nextCameraStatus(live, { type: 'closed' })).toBe(live);
    expect(nextCameraStatus(INITIAL_CAMERA_STATUS, { type: 'closed' }).state).toBe('connecting');
    expect(run([{ type: 'init' }, { type: 'closed' }], live).state).toBe('lost');
  });

  it('recovers over the last frame when the feed comes back (a new init, or the gateway connecting or live), then goes live on the first frame', () => {
    const lost = nextCameraStatus(live, { type: 'check', now: T + SILENCE_MILLISECONDS });
    for (const event of [{ type: 'init' }, { type: 'gateway', state: 'connecting', lastFrameAt: null }, { type: 'gateway', state: 'live', lastFrameAt: T + 9_000 }] as const) {
      const recovering = nextCameraStatus(lost, event);
      expect(recovering.state).toBe('recovering');
      expect(nextCameraStatus(recovering, { type: 'init' }).state).toBe('recovering');
      expect(nextCameraStatus(recovering, { type: 'frame', at: T + 10_000 })).toMatchObject({ state: 'live', lastFrameAt: T + 10_000 });
    }
  });

  it('recovers when the source restarts under a live picture (a second init on the same socket)', () => {
    expect(nextCameraStatus(live, { type: 'init' }).state).toBe('recovering');
    expect(nextCameraStatus(live, { type: 'gateway', state: 'connecting', lastFrameAt: T }).state).toBe('recovering');
    expect(nextCameraStatus(live, { type: 'gateway', state: 'live', lastFrameAt: T })).toMatchObject({ state: 'live' });
  });

  it('says connecting, not recovering, when there never was a frame to dim', () => {
    const lost = run([{ type: 'gateway', state: 'lost', lastFrameAt: null }]);
    expect(lost.state).toBe('lost');
    expect(lastFrameOf(lost)).toBeUndefined();
    expect(nextCameraStatus(lost, { type: 'init' }).state).toBe('connecting');
  });

  it('is unavailable with the gateway’s detail or ours, and comes back when the gateway starts or the reason goes', () => {
    const byGateway = nextCameraStatus(live, { type: 'gateway', state: 'unavailable', lastFrameAt: null, detail: 'ffmpeg not found' });
    expect(byGateway).toMatchObject({ state: 'unavailable', detail: 'ffmpeg not found' });
    expect(nextCameraStatus(byGateway, { type: 'gateway', state: 'connecting', lastFrameAt: null })).toMatchObject({ state: 'recovering', detail: undefined });
    const noGateway = nextCameraStatus(INITIAL_CAMERA_STATUS, { type: 'unavailable', detail: { vi: 'Cổng video chưa chạy', en: 'The media gateway is not running' } });
    expect(noGateway.state).toBe('unavailable');
    expect(nextCameraStatus(noGateway, { type: 'closed' })).toBe(noGateway);
    expect(nextCameraStatus(noGateway, { type: 'available' }).state).toBe('connecting');
    expect(nextCameraStatus(live, { type: 'available' })).toBe(live);
    // Frames are the truth: a picture that moves is live.
    expect(nextCameraStatus(noGateway, { type: 'frame', at: T }).state).toBe('live');
  });

  it('takes the later of its own and the gateway’s last frame for the age of a lost signal', () => {
    const lost = nextCameraStatus(live, { type: 'gateway', state: 'lost', lastFrameAt: T - 5_000 });
    expect(lastFrameOf(lost)).toBe(T);
  });
});

describe('detailText', () => {
  it('gives our details in the wall’s languages and the gateway’s as written', () => {
    const languages = { primary: 'vi', secondary: 'en' } as const;
    expect(detailText({ vi: 'Cổng video chưa chạy', en: 'The media gateway is not running' }, languages)).toBe('Cổng video chưa chạy / The media gateway is not running');
    expect(detailText('ffmpeg not found', languages)).toBe('ffmpeg not found');
    expect(detailText(undefined, languages)).toBeUndefined();
  });
});
