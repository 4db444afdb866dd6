// What every panel type implements, and what the compositor hands it: panel geometry in millimetres, series, languages, time.
import type { Container } from 'pixi.js';
import type { Disposable } from '../../../common/contract/events.ts';
import type { Assignment, SeriesView } from '../../../common/contract/messages.ts';
import type { Rect, ScreenGeometry } from '../../../common/wall/geometry.ts';
import type { Field, Panel } from '../../../common/wall/schema.ts';
import type { Languages, Localised } from '../format.ts';
import type { ImageCache } from '../image-cache.ts';
import type { SeriesValues } from '../series-store.ts';
import type { CameraFeedView } from '../video/camera-feed.ts';
import type { FeedSource } from '../video/camera-feeds.ts';

/**
 * One panel drawn on this screen. Its `root` is in panel millimetres (0, 0 at the panel's top-left);
 * the compositor maps it through the slice transform and clips it to the slice, so a panel that spans
 * screens draws the same geometry on each of them.
 */
export interface PanelView extends Disposable {
  readonly root: Container;
  /** The series whose new values this panel must hear about. */
  readonly series: readonly string[];
  /** Needs the once-a-second tick right now (a clock, an age that counts up). */
  readonly ticking: boolean;
  /** Redraws from the latest values and history. */
  update(values: SeriesValues): void;
  /** Once a second while `ticking`, and at `wakeAt`: redraws what depends on time only; true when something changed. */
  tick?(now: number): boolean;
  /** The wall time at which this panel changes by itself (a value turning stale), if any. */
  wakeAt?(): number | undefined;
  /** Settles (never rejects) when what the panel fetches has arrived or failed (an image); none when it fetches nothing. A prepared scene waits for it, briefly. */
  readonly loaded?: Promise<void>;
}

export interface PanelContext {
  readonly panel: Panel;
  /** The panel's size in millimetres: the extent of its own coordinates. */
  readonly width: number;
  readonly height: number;
  /** Where the panel sits on the wall, millimetres (a pattern draws in wall coordinates). */
  readonly wallRect: Rect;
  /** The screen drawing it. */
  readonly screen: ScreenGeometry;
  readonly wall: Assignment['wall'];
  readonly layoutVersion: number;
  /** Values are simulated: data panels say so. */
  readonly demo: boolean;
  readonly languages: Languages;
  /** The panel's field (its own, or its first series'), for the accent colour. */
  readonly field: Field | undefined;
  /** Device pixels per millimetre on this screen at the current window scale: text rasterises at this density. */
  readonly textResolution: number;
  /** A series of the assignment; throws when the layout names one the assignment does not carry. */
  seriesView(id: string): SeriesView;
  /** Wall time (server clock), epoch milliseconds. */
  now(): number;
  /** Asks for a redraw after work that finished later (an image that loaded). */
  invalidate(): void;
  /** Asks for a redraw for a new camera frame (drawn at most 25 times a second). */
  invalidateVideo(): void;
  /** Reports a failure that happened later (an image that did not load): the panel becomes an error tile. */
  fail(error: unknown): void;
  readonly images: ImageCache;
  /** The part of the panel this screen draws, panel millimetres: what lies outside is cut off anyway (a camera tile there is not fed). */
  readonly visible: Rect;
  /**
   * This page's camera feeds, one per camera however many tiles show it. Undefined where video must not play:
   * the wall preview draws every screen in one page, so its video panels keep a static slate.
   */
  readonly cameraFeeds: FeedSource<CameraFeedView> | undefined;
  /** A camera's name as the layout gives it (the assignment's cameras); its id when the assignment does not name it. */
  cameraName(id: string): Localised;
}

/** The primary-language text of a pair, and the secondary one when the wall has two languages. */
export function primaryOf(text: Localised, context: Pick<PanelContext, 'languages'>): string {
  return text[context.languages.primary];
}

export function secondaryOf(text: Localised, context: Pick<PanelContext, 'languages'>): string | undefined {
  const secondary = context.languages.secondary;
  return secondary ? text[secondary] : undefined;
}
