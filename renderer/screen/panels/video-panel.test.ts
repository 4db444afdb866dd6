// The video panel: a tile per camera on its grid, each saying what its feed does (connecting, live, lost with a counting age, recovering, unavailable); the preview keeps a static slate.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Pixi from 'pixi.js';
import { Emitter } from '../../../common/contract/events.ts';
import type { Panel } from '../../../common/wall/schema.ts';
import { languagesOf } from '../format.ts';
import { COLOURS } from '../theme.ts';
import { INITIAL_CAMERA_STATUS, type CameraStatus } from '../video/camera-state.ts';
import type { CameraFeedView } from '../video/camera-feed.ts';
import type { FeedLease, FeedSource } from '../video/camera-feeds.ts';
import type * as CreatePanelModule from './create-panel.ts';
import type { PanelContext, PanelView } from './panel-view.ts';

// Canvas text cannot be measured in Node: texts become bare containers that keep their content (see single-value-panels.test.ts).
vi.mock('../text.ts', async () => {
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'node' };
  const { Container } = await import('pixi.js');
  class TextStandIn extends Container {
    text: string;
    readonly style: Record<string, unknown>;
    constructor(content: string, options: { size: number; colour?: number; label?: string }) {
      super({ label: options.label ?? 'text' });
      this.text = content;
      this.style = { fontSize: options.size, fill: options.colour ?? COLOURS.textPrimary };
    }
  }
  return {
    createText: (content: string, options: { size: number; colour?: number; label?: string }) => new TextStandIn(content, options),
    fitText: () => undefined,
    setText: (text: TextStandIn, content: string) => {
      if (text.text === content) return false;
      text.text = content;
      return true;
    },
    placeOnBaseline: (text: TextStandIn, x: number, y: number) => text.position.set(x, y),
    baselineOf: () => 0,
  };
});

let pixi: typeof Pixi;
let createPanelView: typeof CreatePanelModule.createPanelView;

beforeAll(async () => {
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'node' };
  pixi = await import('pixi.js');
  ({ createPanelView } = await import('./create-panel.ts'));
});

const START = Date.UTC(2025, 10, 27, 1, 0, 0);

const NAMES: Record<string, { vi: string; en: string }> = {
  cam_cau_truong_tien: { vi: 'Cầu Trường Tiền', en: 'Truong Tien bridge' },
  cam_dap_da: { vi: 'Đập Đá', en: 'Da dam' },
};

/** A feed the test drives: its status, its texture (a 640 × 360 picture), frames on demand. */
class FakeFeed implements CameraFeedView {
  status: CameraStatus = INITIAL_CAMERA_STATUS;
  readonly texture: Pixi.Texture;
  private readonly changed = new Emitter<CameraStatus>();
  private readonly presented = new Emitter<void>();
  readonly onDidChangeStatus = this.changed.event;
  readonly onDidPresentFrame = this.presented.event;
  constructor(readonly cameraId: string) {
    this.texture = new pixi.Texture({ source: new pixi.TextureSource({ width: 640, height: 360 }) });
  }
  set(status: Partial<CameraStatus>): void {
    this.status = { ...this.status, ...status };
    this.changed.fire(this.status);
  }
  frame(): void {
    this.presented.fire();
  }
  get listeners(): number {
    return this.changed.listenerCount + this.presented.listenerCount;
  }
}

function setup(panel: Extract<Panel, { type: 'video' }>, options: { feeds?: boolean; visible?: { x: number; y: number; width: number; height: number }; languages?: string[] } = {}) {
  const clock = { time: START };
  const feeds = new Map<string, FakeFeed>();
  const leases: string[] = [];
  const released: string[] = [];
  let invalidations = 0;
  const source: FeedSource<CameraFeedView> = {
    acquire: (cameraId): FeedLease<CameraFeedView> => {
      leases.push(cameraId);
      let feed = feeds.get(cameraId);
      if (!feed) feeds.set(cameraId, (feed = new FakeFeed(cameraId)));
      return { feed, release: () => released.push(cameraId) };
    },
  };
  const size = { width: 640, height: 400 };
  const context = {
    panel,
    ...size,
    wallRect: { x: 0, y: 0, ...size },
    visible: options.visible ?? { x: 0, y: 0, ...size },
    demo: false,
    languages: languagesOf(options.languages ?? ['vi', 'en']),
    field: undefined,
    textResolution: 2,
    seriesView: () => {
      throw new Error('no series');
    },
    now: () => clock.time,
    invalidate: () => undefined,
    // Camera frames ask through their own, rate-capped, way.
    invalidateVideo: () => invalidations++,
    fail: (error: unknown) => {
      throw error;
    },
    cameraFeeds: options.feeds === false ? undefined : source,
    cameraName: (id: string) => NAMES[id] ?? { vi: id, en: id },
  } as unknown as PanelContext;
  const view: PanelView = createPanelView(context);
  const tile = (cameraId: string) => view.root.getChildByLabel(`camera:${cameraId}`, true)!;
  return { view, clock, feeds, leases, released, tile, invalidations: () => invalidations };
}

/** The visible texts under a node, in drawing order. */
function textsOf(node: Pixi.Container): string[] {
  if (!node.visible) return [];
  const own = (node as unknown as { text?: unknown }).text;
  if (typeof own === 'string') return [own];
  return node.children.flatMap((child) => textsOf(child));
}

const bridges: Extract<Panel, { type: 'video' }> = {
  type: 'video',
  id: 'camera_bridges',
  title: { vi: 'Camera điểm ngập', en: 'Flood-point cameras' },
  cameras: ['cam_cau_truong_tien', 'cam_dap_da', 'cam_ga_hue'],
};

describe('video panel', () => {
  it('lays its cameras on the smallest near-square grid and takes one lease per tile', () => {
    const { view, leases, tile } = setup(bridges);
    expect(leases).toEqual(['cam_cau_truong_tien', 'cam_dap_da', 'cam_ga_hue']);
    const [first, second, third] = bridges.cameras.map((id) => tile(id).position);
    expect(first!.y).toBe(second!.y);
    expect(second!.x).toBeGreaterThan(first!.x);
    expect(third!.x).toBe(first!.x);
    expect(third!.y).toBeGreaterThan(first!.y);
    expect(textsOf(view.root).slice(0, 2)).toEqual(['Camera điểm ngập', 'Flood-point cameras']);
    view.dispose();
  });

  it('neither draws nor feeds a tile outside the part of the panel this screen shows', () => {
    const { view, leases } = setup(bridges, { visible: { x: 0, y: 0, width: 640, height: 150 } });
    expect(leases).toEqual(['cam_cau_truong_tien', 'cam_dap_da']);
    view.dispose();
  });

  it('shows a connecting slate with the camera’s name until the first frame', () => {
    const { view, tile } = setup(bridges);
    expect(textsOf(tile('cam_cau_truong_tien'))).toEqual(['Cầu Trường Tiền', 'Truong Tien bridge', 'Đang kết nối / Connecting']);
    expect(tile('cam_cau_truong_tien').getChildByLabel('picture')!.visible).toBe(false);
    expect(view.ticking).toBe(false);
    view.dispose();
  });

  it('names only the primary language on a one-language wall', () => {
    const { view, tile } = setup(bridges, { languages: ['vi'] });
    expect(textsOf(tile('cam_dap_da'))).toEqual(['Đập Đá', 'Đang kết nối']);
    view.dispose();
  });

  it('shows the live picture cropped to cover the tile, the name on a bar, and asks for a frame per video frame', () => {
    const { view, feeds, tile, invalidations } = setup(bridges);
    const feed = feeds.get('cam_cau_truong_tien')!;
    feed.set({ state: 'live', hadFrame: true, lastFrameAt: START });
    const node = tile('cam_cau_truong_tien');
    const picture = node.getChildByLabel('picture') as Pixi.Sprite;
    expect(picture.visible).toBe(true);
    expect(picture.texture.source).toBe(feed.texture.source);
    expect(picture.width).toBeCloseTo(picture.texture.frame.width * picture.scale.x, 6);
    // Cover: the crop has the tile's aspect, cut from the middle of the picture.
    const frame = picture.texture.frame;
    const tileWidth = picture.width;
    const tileHeight = picture.height;
    expect(frame.width / frame.height).toBeCloseTo(tileWidth / tileHeight, 6);
    expect(frame.x + frame.width / 2).toBeCloseTo(320, 6);
    expect(frame.y + frame.height / 2).toBeCloseTo(180, 6);
    expect(textsOf(node)).toEqual(['Cầu Trường Tiền', 'Truong Tien bridge']);
    const before = invalidations();
    feed.frame();
    feed.frame();
    expect(invalidations()).toBe(before + 2);
    view.dispose();
  });

  it('says signal lost (never a frozen frame) with the age of the last frame counting up each second', () => {
    const { view, feeds, tile, clock } = setup(bridges);
    const feed = feeds.get('cam_dap_da')!;
    feed.set({ state: 'live', hadFrame: true, lastFrameAt: START });
    clock.time = START + 12_400;
    feed.set({ state: 'lost' });
    const node = tile('cam_dap_da');
    expect(node.getChildByLabel('picture')!.visible).toBe(false);
    expect(textsOf(node)).toEqual(['Đập Đá', 'Da dam', 'Mất tín hiệu / Signal lost', '12 giây / 12 s']);
    expect(view.ticking).toBe(true);
    clock.time += 1_000;
    expect(view.tick?.(clock.time)).toBe(true);
    expect(textsOf(node).at(-1)).toBe('13 giây / 13 s');
    expect(view.tick?.(clock.time)).toBe(false);
    clock.time = START + 95_000;
    view.tick?.(clock.time);
    expect(textsOf(node).at(-1)).toBe('1 phút / 1 min');
    view.dispose();
  });

  it('says recovering over the dimmed last frame until the first new frame', () => {
    const { view, feeds, tile } = setup(bridges);
    const feed = feeds.get('cam_dap_da')!;
    feed.set({ state: 'recovering', hadFrame: true, lastFrameAt: START });
    const node = tile('cam_dap_da');
    expect(node.getChildByLabel('picture')!.visible).toBe(true);
    expect(node.getChildByLabel('dim')!.visible).toBe(true);
    expect(textsOf(node)).toEqual(['Đập Đá', 'Da dam', 'Đang khôi phục / Recovering']);
    expect(view.ticking).toBe(false);
    feed.set({ state: 'live' });
    expect(node.getChildByLabel('dim')!.visible).toBe(false);
    expect(textsOf(node)).toEqual(['Đập Đá', 'Da dam']);
    view.dispose();
  });

  it('says unavailable with why', () => {
    const { view, feeds, tile } = setup(bridges);
    feeds.get('cam_ga_hue')!.set({ state: 'unavailable', detail: 'ffmpeg was not found' });
    expect(textsOf(tile('cam_ga_hue'))).toEqual(['cam_ga_hue', 'cam_ga_hue', 'Không khả dụng / Unavailable', 'ffmpeg was not found']);
    feeds.get('cam_dap_da')!.set({ state: 'unavailable', detail: { vi: 'Cổng video chưa chạy', en: 'The media gateway is not running' } });
    expect(textsOf(tile('cam_dap_da')).slice(2)).toEqual(['Không khả dụng / Unavailable', 'Cổng video chưa chạy / The media gateway is not running']);
    view.dispose();
  });

  it('gives every lease back once and stops listening when disposed', () => {
    const { view, feeds, released } = setup(bridges);
    feeds.get('cam_cau_truong_tien')!.set({ state: 'live', hadFrame: true, lastFrameAt: START });
    view.dispose();
    expect(released.sort()).toEqual([...bridges.cameras].sort());
    for (const feed of feeds.values()) expect(feed.listeners).toBe(0);
    // The shared texture is the feed's: the tile destroyed only its crop.
    expect(feeds.get('cam_cau_truong_tien')!.texture.destroyed).toBe(false);
  });

  it('stays a static slate with the cameras’ names where no feed may play (the wall preview)', () => {
    const { view, leases } = setup(bridges, { feeds: false });
    expect(leases).toEqual([]);
    const texts = textsOf(view.root);
    expect(texts).toContain('Cầu Trường Tiền');
    expect(texts).toContain('Đập Đá');
    expect(texts.some((text) => text.includes('Hình trực tiếp chỉ có trên màn hình / Live picture on the screens only'))).toBe(true);
    view.dispose();
  });
});
