// A text panel (a board's title band, a banner): the primary language large, the secondary below it, the field's accent bar.
import { Container, Graphics, type Text } from 'pixi.js';
import type { Panel } from '../../../common/wall/schema.ts';
import type { SeriesValues } from '../series-store.ts';
import { createText } from '../text.ts';
import { COLOURS } from '../theme.ts';
import { accentOf } from './card.ts';
import { primaryOf, secondaryOf, type PanelContext, type PanelView } from './panel-view.ts';
import { destroySubtree } from '../destroy.ts';

type TextPanel = Extract<Panel, { type: 'text' }>;

export class TextPanelView implements PanelView {
  readonly root = new Container({ label: 'text' });
  readonly series: readonly string[] = [];
  readonly ticking = false;

  constructor(context: PanelContext, panel: TextPanel) {
    const { width, height } = context;
    const accent = accentOf(context);
    const barWidth = Math.min(height * 0.1, 9);
    const left = barWidth + Math.min(height * 0.28, 18);
    const room = width - left - Math.min(height * 0.2, 16);
    const secondaryText = secondaryOf(panel.text, context);
    const primarySize = Math.min(height * (secondaryText ? 0.45 : 0.62), 120);
    const secondarySize = primarySize * 0.5;
    const decoration = new Graphics({ label: 'accent' })
      .roundRect(0, height * 0.08, barWidth, height * 0.84, barWidth / 2)
      .fill(accent)
      .rect(left, height - Math.max(0.8, height * 0.012), room, Math.max(0.8, height * 0.012))
      .fill({ color: accent, alpha: 0.35 });
    const primary = createText(primaryOf(panel.text, context), {
      size: primarySize,
      weight: 700,
      maxWidth: room,
      maxHeight: height * (secondaryText ? 0.58 : 0.9),
      resolution: context.textResolution,
      label: 'primary',
    });
    const lines: Text[] = [primary];
    if (secondaryText !== undefined) {
      lines.push(
        createText(secondaryText, {
          size: secondarySize,
          weight: 400,
          colour: COLOURS.textSecondary,
          maxWidth: room,
          maxHeight: height * 0.34,
          resolution: context.textResolution,
          label: 'secondary',
        }),
      );
    }
    // The lines as one block, centred in the band's height.
    const gap = primarySize * 0.04;
    const blockHeight = lines.reduce((sum, line) => sum + line.height, 0) + gap * (lines.length - 1);
    let y = (height - blockHeight) / 2;
    for (const line of lines) {
      line.position.set(left, y);
      y += line.height + gap;
    }
    this.root.addChild(decoration, ...lines);
  }

  update(_values: SeriesValues): void {
    // Static text: nothing to redraw.
  }

  dispose(): void {
    destroySubtree(this.root);
  }
}
