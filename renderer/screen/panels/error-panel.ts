// What a panel that failed to draw shows instead: a red-bordered tile with its id and the error, so the wall is never blank.
import { Container, Graphics } from 'pixi.js';
import { bilingual } from '../format.ts';
import type { SeriesValues } from '../series-store.ts';
import { STRINGS } from '../strings.ts';
import { createText } from '../text.ts';
import { COLOURS } from '../theme.ts';
import { cardMetrics } from './card.ts';
import type { PanelContext, PanelView } from './panel-view.ts';
import { destroySubtree } from '../destroy.ts';

export class ErrorPanelView implements PanelView {
  readonly root = new Container({ label: 'error' });
  readonly series: readonly string[] = [];
  readonly ticking = false;

  constructor(context: Pick<PanelContext, 'width' | 'height' | 'languages' | 'textResolution'>, panelId: string, message: string) {
    const { width, height } = context;
    const { unit, text } = cardMetrics(width, height);
    const padding = 12 * unit;
    const room = width - 2 * padding;
    const frame = new Graphics({ label: 'frame' })
      .rect(0, 0, width, height)
      .fill(COLOURS.errorFill)
      .stroke({ width: 3 * unit, color: COLOURS.error, alignment: 1 });
    const heading = createText(bilingual(STRINGS.panelFailed, context.languages), {
      size: 13 * text,
      weight: 700,
      colour: COLOURS.error,
      maxWidth: room,
      resolution: context.textResolution,
    });
    const id = createText(panelId, { size: 15 * text, weight: 600, maxWidth: room, resolution: context.textResolution });
    const detail = createText(message, {
      size: 10 * text,
      colour: COLOURS.textSecondary,
      wrap: true,
      maxWidth: room,
      maxHeight: Math.max(1, height - 2 * padding - 40 * text),
      resolution: context.textResolution,
    });
    heading.position.set(padding, padding);
    id.position.set(padding, heading.y + heading.height + 2 * unit);
    detail.position.set(padding, id.y + id.height + 4 * unit);
    this.root.addChild(frame, heading, id, detail);
  }

  update(_values: SeriesValues): void {
    // Nothing changes on an error tile until the next assignment rebuilds the panel.
  }

  dispose(): void {
    destroySubtree(this.root);
  }
}
