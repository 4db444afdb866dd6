// The wall clock: HH:MM(:SS) and the date in the wall's time zone, on the server's time (offset measured at assignment).
import { Container, Graphics, type Text } from 'pixi.js';
import type { Panel } from '../../../common/wall/schema.ts';
import { formatClockDate, formatClockTime } from '../format.ts';
import type { SeriesValues } from '../series-store.ts';
import { createText, setText } from '../text.ts';
import { COLOURS } from '../theme.ts';
import { accentOf } from './card.ts';
import type { PanelContext, PanelView } from './panel-view.ts';
import { destroySubtree } from '../destroy.ts';

type ClockPanel = Extract<Panel, { type: 'clock' }>;

export class ClockPanelView implements PanelView {
  readonly root = new Container({ label: 'clock' });
  readonly series: readonly string[] = [];
  readonly ticking = true;
  private readonly time: Text;
  private readonly date: Text;
  private readonly seconds: boolean;

  constructor(
    private readonly context: PanelContext,
    panel: ClockPanel,
  ) {
    const { width, height } = context;
    this.seconds = panel.seconds;
    const padding = Math.min(width, height) * 0.1;
    const room = width - 2 * padding;
    // Digits of Be Vietnam Pro are about 0.62 em wide; the separators narrower.
    const timeSize = Math.min(height * 0.52, room / (this.seconds ? 4.6 : 3.1));
    const dateSize = Math.max(timeSize * 0.27, Math.min(height * 0.16, timeSize * 0.34));
    // A translucent backing: the clock sits on the map's sea and must read over whatever is under it.
    const backing = new Graphics({ label: 'backing' })
      .roundRect(0, 0, width, height, Math.min(width, height) * 0.06)
      .fill({ color: COLOURS.background, alpha: 0.78 })
      .stroke({ width: Math.max(0.6, height * 0.01), color: accentOf(context), alpha: 0.6, alignment: 1 });
    this.time = createText('00:00:00', { size: timeSize, weight: 700, maxWidth: room, resolution: context.textResolution, label: 'time' });
    this.date = createText(' ', { size: dateSize, weight: 600, colour: COLOURS.textSecondary, maxWidth: room, resolution: context.textResolution, label: 'date' });
    const blockHeight = this.time.height + this.date.height;
    const top = (height - blockHeight) / 2;
    this.time.position.set(padding, top);
    this.date.position.set(padding, top + this.time.height);
    this.root.addChild(backing, this.time, this.date);
    this.tick(context.now());
  }

  update(_values: SeriesValues): void {
    this.tick(this.context.now());
  }

  tick(now: number): boolean {
    const zone = this.context.wall.timezone;
    const time = setText(this.time, formatClockTime(now, zone, this.seconds));
    const date = setText(this.date, formatClockDate(now, zone, this.context.languages.primary));
    return time || date;
  }

  dispose(): void {
    destroySubtree(this.root);
  }
}
