// One camera tile of a video panel: the live picture cropped to cover it, the camera's name on a bar, and a slate for every state but live (never black, never a frozen frame).
import { Container, Graphics, Rectangle, Sprite, Texture, type Text } from 'pixi.js';
import { DisposableStore, type Disposable } from '../../../common/contract/events.ts';
import type { Rect } from '../../../common/wall/geometry.ts';
import { destroySubtree } from '../destroy.ts';
import { bilingual, formatSpan, type Languages, type Localised } from '../format.ts';
import { STRINGS } from '../strings.ts';
import { createText, setText } from '../text.ts';
import { COLOURS } from '../theme.ts';
import { detailText, lastFrameOf, type CameraState, type CameraStatus } from '../video/camera-state.ts';
import type { CameraFeedView } from '../video/camera-feed.ts';
import type { FeedLease } from '../video/camera-feeds.ts';
import { coverCrop } from '../video/tile-grid.ts';
import { primaryOf, secondaryOf, type PanelContext } from './panel-view.ts';

const STATE_TEXTS: Record<Exclude<CameraState, 'live'>, Localised> = {
  connecting: STRINGS.cameraConnecting,
  lost: STRINGS.cameraLost,
  recovering: STRINGS.cameraRecovering,
  unavailable: STRINGS.cameraUnavailable,
};

const STATE_COLOURS: Record<Exclude<CameraState, 'live'>, number> = {
  connecting: COLOURS.textSecondary,
  lost: COLOURS.error,
  recovering: COLOURS.textPrimary,
  unavailable: COLOURS.warning,
};

/** How long ago the last frame was: "12 giây / 12 s" (the largest whole unit: "3 phút / 3 min"). */
export function frameAgeText(milliseconds: number, languages: Languages): string {
  const primary = formatSpan(milliseconds, languages.primary);
  return languages.secondary ? `${primary} / ${formatSpan(milliseconds, languages.secondary)}` : primary;
}

export class CameraTile implements Disposable {
  readonly root: Container;
  private readonly subscriptions = new DisposableStore();
  private readonly picture = new Sprite({ label: 'picture', texture: Texture.EMPTY });
  private readonly dim: Graphics;
  private readonly bar: Container;
  private message: Container | undefined;
  private age: Text | undefined;
  /** The crop of the shared texture this tile shows, and the picture size it was cut for. */
  private crop: { readonly texture: Texture; readonly width: number; readonly height: number } | undefined;
  private shown: { readonly state: CameraState; readonly detail: CameraStatus['detail'] } | undefined;
  private disposed = false;

  constructor(
    private readonly context: PanelContext,
    private readonly rect: Rect,
    private readonly name: Localised,
    private readonly lease: FeedLease<CameraFeedView>,
  ) {
    const { width, height } = rect;
    this.root = new Container({ label: `camera:${lease.feed.cameraId}` });
    this.root.position.set(rect.x, rect.y);
    const ground = new Graphics({ label: 'ground' })
      .rect(0, 0, width, height)
      .fill(COLOURS.card)
      .stroke({ width: Math.max(0.4, this.unit * 0.04), color: COLOURS.cardBorder, alignment: 1 });
    this.picture.visible = false;
    this.dim = new Graphics({ label: 'dim' }).rect(0, 0, width, height).fill({ color: COLOURS.background, alpha: 0.6 });
    this.dim.visible = false;
    this.bar = this.nameBar();
    this.root.addChild(ground, this.picture, this.dim, this.bar);
    const feed = lease.feed;
    this.subscriptions.add(feed.onDidChangeStatus(() => this.statusChanged()));
    this.subscriptions.add(feed.onDidPresentFrame(() => this.framePresented()));
    this.redraw();
  }

  /** The age of the last frame counts up while the signal is lost. */
  get ticking(): boolean {
    return this.age !== undefined;
  }

  /** Once a second while ticking: true when the age text changed. */
  tick(now: number): boolean {
    const last = lastFrameOf(this.lease.feed.status);
    const age = this.age;
    if (!age || last === undefined) return false;
    if (!setText(age, frameAgeText(now - last, this.context.languages), { size: this.ageSize, maxWidth: this.rect.width * 0.9 })) return false;
    age.x = (this.rect.width - age.width) / 2;
    return true;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscriptions.dispose();
    this.picture.texture = Texture.EMPTY;
    // The crop is this tile's view of the shared texture; the texture itself belongs to the feed.
    this.crop?.texture.destroy(false);
    this.crop = undefined;
    destroySubtree(this.root);
    this.lease.release();
  }

  /** Lengths in the tile scale with it: a sixteenth of a 16:9 tile. */
  private get unit(): number {
    return Math.min(this.rect.width / 16, this.rect.height / 9);
  }

  private get ageSize(): number {
    return this.unit * 0.62;
  }

  private get barHeight(): number {
    return this.unit * 0.95;
  }

  private statusChanged(): void {
    if (this.disposed) return;
    this.redraw();
    this.context.invalidate();
  }

  private framePresented(): void {
    if (this.disposed || !this.picture.visible) return;
    this.cropToCover();
    this.context.invalidateVideo();
  }

  private redraw(): void {
    const status = this.lease.feed.status;
    const withPicture = (status.state === 'live' || status.state === 'recovering') && status.hadFrame;
    this.picture.visible = withPicture;
    if (withPicture) this.cropToCover();
    this.dim.visible = status.state === 'recovering';
    this.bar.visible = withPicture;
    if (this.shown?.state !== status.state || this.shown.detail !== status.detail) {
      this.shown = { state: status.state, detail: status.detail };
      this.drawMessage(status, withPicture);
    }
    this.tick(this.context.now());
  }

  /** Cuts the part of the picture that covers the tile (aspect kept), again whenever the picture's size changes. */
  private cropToCover(): void {
    const source = this.lease.feed.texture.source;
    const { pixelWidth: width, pixelHeight: height } = source;
    if (width <= 1 || height <= 1 || (this.crop && this.crop.width === width && this.crop.height === height)) return;
    const cut = coverCrop(source.width, source.height, this.rect.width, this.rect.height);
    const texture = new Texture({ source, frame: new Rectangle(cut.x, cut.y, cut.width, cut.height), label: `camera-crop:${this.lease.feed.cameraId}` });
    const previous = this.crop;
    this.crop = { texture, width, height };
    this.picture.texture = texture;
    this.picture.setSize(this.rect.width, this.rect.height);
    previous?.texture.destroy(false);
  }

  /** The camera's name on a dark bar along the bottom, over the picture: primary language first, the other smaller after it. */
  private nameBar(): Container {
    const { width, height } = this.rect;
    const context = this.context;
    const barHeight = this.barHeight;
    const size = barHeight * 0.55;
    const margin = this.unit * 0.35;
    const bar = new Container({ label: 'name-bar' });
    const ground = new Graphics().rect(0, height - barHeight, width, barHeight).fill({ color: COLOURS.background, alpha: 0.72 });
    const secondaryName = secondaryOf(this.name, context);
    const room = width - 2 * margin;
    const primary = createText(primaryOf(this.name, context), {
      size,
      weight: 600,
      maxWidth: secondaryName === undefined ? room : room * 0.62,
      resolution: context.textResolution,
      label: 'camera-name',
    });
    primary.position.set(margin, height - barHeight + (barHeight - primary.height) / 2);
    bar.addChild(ground, primary);
    if (secondaryName !== undefined) {
      const left = margin + primary.width + margin;
      const secondary = createText(secondaryName, {
        size: size * 0.8,
        colour: COLOURS.textSecondary,
        maxWidth: Math.max(0, width - margin - left),
        resolution: context.textResolution,
        label: 'camera-name-secondary',
      });
      secondary.position.set(left, height - barHeight + (barHeight - secondary.height) / 2);
      bar.addChild(secondary);
    }
    bar.visible = false;
    return bar;
  }

  /**
   * The slate's lines, centred: the camera's name and what is wrong (connecting, lost with the age of the last
   * frame, unavailable with why). Recovering says so over the dimmed last frame, whose bar names the camera.
   */
  private drawMessage(status: CameraStatus, withPicture: boolean): void {
    if (this.message) destroySubtree(this.message);
    this.message = undefined;
    this.age = undefined;
    if (status.state === 'live') return;
    const context = this.context;
    const { width, height } = this.rect;
    const unit = this.unit;
    const room = width * 0.9;
    const resolution = context.textResolution;
    const lines: Text[] = [];
    if (!withPicture) {
      lines.push(createText(primaryOf(this.name, context), { size: unit * 0.8, weight: 600, maxWidth: room, resolution, label: 'camera-name' }));
      const secondary = secondaryOf(this.name, context);
      if (secondary !== undefined) {
        lines.push(createText(secondary, { size: unit * 0.55, colour: COLOURS.textSecondary, maxWidth: room, resolution, label: 'camera-name-secondary' }));
      }
    }
    lines.push(
      createText(bilingual(STATE_TEXTS[status.state], context.languages), {
        size: unit * 0.62,
        weight: 600,
        colour: STATE_COLOURS[status.state],
        maxWidth: room,
        resolution,
        label: 'camera-state',
      }),
    );
    const last = lastFrameOf(status);
    if (status.state === 'lost' && last !== undefined) {
      // Counted up by the once-a-second tick from here on.
      this.age = createText(frameAgeText(context.now() - last, context.languages), { size: this.ageSize, colour: COLOURS.textPrimary, maxWidth: room, resolution, label: 'camera-age' });
      lines.push(this.age);
    }
    const detail = detailText(status.detail, context.languages);
    if (detail !== undefined && (status.state === 'unavailable' || status.state === 'lost')) {
      lines.push(
        createText(detail, { size: unit * 0.42, colour: COLOURS.textMuted, wrap: true, maxWidth: room, maxHeight: unit * 0.42 * 1.18 * 3.05, resolution, label: 'camera-detail' }),
      );
    }
    const message = new Container({ label: 'camera-slate' });
    const gap = unit * 0.18;
    const space = withPicture ? height - this.barHeight : height;
    const total = lines.reduce((sum, line) => sum + line.height, 0) + gap * (lines.length - 1);
    let y = Math.max(0, (space - total) / 2);
    for (const line of lines) {
      line.position.set((width - line.width) / 2, y);
      y += line.height + gap;
      message.addChild(line);
    }
    this.message = message;
    this.root.addChild(message);
  }
}
