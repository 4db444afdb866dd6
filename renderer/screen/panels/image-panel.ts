// An image panel (the province map): the server's /panel-image/<id>, fitted (contain or cover), SVG rasterised sharp for this screen.
import { Container, Graphics, Sprite, type Texture } from 'pixi.js';
import type { Panel } from '../../../common/wall/schema.ts';
import { bilingual } from '../format.ts';
import type { ImageLease } from '../image-cache.ts';
import type { SeriesValues } from '../series-store.ts';
import { STRINGS } from '../strings.ts';
import { createText } from '../text.ts';
import { COLOURS } from '../theme.ts';
import { accentOf } from './card.ts';
import { primaryOf, secondaryOf, type PanelContext, type PanelView } from './panel-view.ts';
import { destroySubtree } from '../destroy.ts';

type ImagePanel = Extract<Panel, { type: 'image' }>;

/** Largest texture side we ask for: every WebGL implementation we meet supports it. */
const MAX_TEXTURE_SIDE = 4096;

export function panelImageUrl(panelId: string, layoutVersion: number): string {
  return `/panel-image/${encodeURIComponent(panelId)}?v=${layoutVersion}`;
}

export class ImagePanelView implements PanelView {
  readonly root = new Container({ label: 'image' });
  readonly series: readonly string[] = [];
  readonly ticking = false;
  private readonly leases: ImageLease[] = [];
  private readonly url: string;
  private readonly vector: boolean;
  /** Under the caption: the loading note, then the picture. */
  private readonly picture = new Container({ label: 'picture-layer' });
  private sprite: Sprite | undefined;
  private disposed = false;
  readonly loaded: Promise<void>;

  constructor(
    private readonly context: PanelContext,
    private readonly panel: ImagePanel,
  ) {
    this.url = panelImageUrl(panel.id, context.layoutVersion);
    this.vector = /\.svgz?$/i.test(panel.src.split(/[?#]/)[0] ?? '');
    const loading = createText(bilingual(STRINGS.loadingImage, context.languages), {
      size: Math.min(context.height * 0.05, 24),
      colour: COLOURS.textMuted,
      maxWidth: context.width * 0.9,
      resolution: context.textResolution,
      label: 'loading',
    });
    loading.position.set((context.width - loading.width) / 2, (context.height - loading.height) / 2);
    this.picture.addChild(loading);
    this.root.addChild(this.picture);
    const caption = this.caption();
    if (caption) this.root.addChild(caption);
    // The loading note stays until the picture is there: a prepared scene flips with the note rather than wait long for a slow image.
    this.loaded = this.load(loading);
  }

  /** The panel's title as a caption in its top-right corner, over the picture (a map says what it is). */
  private caption(): Container | undefined {
    const title = this.panel.title;
    if (!title) return undefined;
    const context = this.context;
    const size = Math.min(24, Math.max(8, context.height * 0.03));
    const margin = size * 0.7;
    const caption = new Container({ label: 'caption' });
    const primary = createText(primaryOf(title, context), { size, weight: 700, resolution: context.textResolution, maxWidth: context.width * 0.4 });
    const secondaryText = secondaryOf(title, context);
    const secondary =
      secondaryText === undefined
        ? undefined
        : createText(secondaryText, { size: size * 0.7, colour: COLOURS.textSecondary, resolution: context.textResolution, maxWidth: context.width * 0.4 });
    const width = Math.max(primary.width, secondary?.width ?? 0) + 2 * margin;
    const height = primary.height + (secondary?.height ?? 0) + margin * 1.2;
    const backing = new Graphics()
      .roundRect(0, 0, width, height, margin * 0.6)
      .fill({ color: COLOURS.background, alpha: 0.72 })
      .stroke({ width: Math.max(0.6, size * 0.06), color: accentOf(context), alpha: 0.6, alignment: 1 });
    primary.position.set(width - margin - primary.width, margin * 0.6);
    secondary?.position.set(width - margin - secondary.width, primary.y + primary.height);
    caption.addChild(backing, primary, ...(secondary ? [secondary] : []));
    caption.position.set(context.width - margin * 1.5 - width, margin * 1.5);
    return caption;
  }

  update(_values: SeriesValues): void {
    // A picture does not follow telemetry.
  }

  dispose(): void {
    this.disposed = true;
    for (const lease of this.leases.splice(0)) lease.release();
    // The textures belong to the image cache: destroy the sprites, not what they show.
    destroySubtree(this.root);
  }

  private async load(loading: Container): Promise<void> {
    try {
      const base = this.take({ url: this.url, vector: this.vector, resolution: 1 });
      const texture = await base.texture;
      if (this.disposed) return;
      destroySubtree(loading);
      this.show(texture);
      // An SVG is rasterised at its own size first; if this screen shows it larger, ask for a sharper copy.
      if (this.vector) {
        const scale = this.fitScale(texture);
        const wanted = Math.min(scale * this.context.textResolution, MAX_TEXTURE_SIDE / Math.max(texture.width, texture.height));
        if (wanted > 1.1) {
          const sharp = this.take({ url: this.url, vector: true, resolution: wanted });
          const sharpTexture = await sharp.texture;
          if (this.disposed) return;
          this.show(sharpTexture);
          this.leases.splice(this.leases.indexOf(base), 1);
          base.release();
        }
      }
    } catch (error) {
      if (!this.disposed) this.context.fail(new Error(`image ${this.panel.src} (${this.url}) did not load: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  private take(request: Parameters<PanelContext['images']['acquire']>[0]): ImageLease {
    const lease = this.context.images.acquire(request);
    this.leases.push(lease);
    return lease;
  }

  /** Millimetres per texture unit so the picture fits the panel as its `fit` says. */
  private fitScale(texture: Texture): number {
    const widthRatio = this.context.width / texture.width;
    const heightRatio = this.context.height / texture.height;
    return this.panel.fit === 'cover' ? Math.max(widthRatio, heightRatio) : Math.min(widthRatio, heightRatio);
  }

  private show(texture: Texture): void {
    const scale = this.fitScale(texture);
    const sprite = this.sprite ?? new Sprite({ label: 'picture' });
    sprite.texture = texture;
    sprite.width = texture.width * scale;
    sprite.height = texture.height * scale;
    // Centred; with cover, the overflow is cut by the slice's mask, which never reaches beyond the panel.
    sprite.position.set((this.context.width - sprite.width) / 2, (this.context.height - sprite.height) / 2);
    if (!this.sprite) {
      this.sprite = sprite;
      this.picture.addChild(sprite);
    }
    this.context.invalidate();
  }
}
