// The KPI tile: one series as a big number with its unit, trend, threshold level, staleness and the field's accent.
import { Container, Graphics, type Text } from 'pixi.js';
import type { SeriesView } from '../../../common/contract/messages.ts';
import type { Panel } from '../../../common/wall/schema.ts';
import { decimalsFor, formatNumber, type Localised } from '../format.ts';
import { levelReached } from '../levels.ts';
import type { SeriesValues } from '../series-store.ts';
import { createText, fitText, placeOnBaseline, setText } from '../text.ts';
import { colourOf, COLOURS, mix } from '../theme.ts';
import { accentOf, cardMetrics, drawCard, levelPill, simulatedTag, type CardMetrics } from './card.ts';
import { SingleValueFreshness } from './freshness.ts';
import { primaryOf, secondaryOf, type PanelContext, type PanelView } from './panel-view.ts';
import { drawTrendArrow } from './trend-arrow.ts';
import { destroySubtree } from '../destroy.ts';

type KpiPanel = Extract<Panel, { type: 'kpi' }>;

/** Wide banners (a risk level across a screen) put the title left and the value right. */
const WIDE_ASPECT = 3;

export class KpiPanelView implements PanelView {
  readonly root = new Container({ label: 'kpi' });
  readonly series: readonly string[];
  private readonly view: SeriesView;
  private readonly metrics: CardMetrics;
  private readonly accent: number;
  private readonly wide: boolean;
  private readonly titlePrimary: Text;
  private readonly titleSecondary: Text | undefined;
  private readonly valueText: Text;
  private readonly unitText: Text;
  private readonly arrow = new Graphics({ label: 'trend' });
  private readonly footer = new Container({ label: 'footer' });
  private readonly freshness: SingleValueFreshness;

  constructor(
    private readonly context: PanelContext,
    panel: KpiPanel,
  ) {
    this.series = [panel.series];
    this.view = context.seriesView(panel.series);
    this.freshness = new SingleValueFreshness(this.view, context);
    this.metrics = cardMetrics(context.width, context.height);
    this.accent = accentOf(context);
    this.wide = context.width / context.height >= WIDE_ASPECT;
    const { text } = this.metrics;
    const title: Localised = panel.title ?? this.view.name;
    const titleWidth = this.wide ? this.innerWidth * 0.5 : this.innerWidth;
    const titleSize = this.wide ? Math.min(context.height * 0.22, 30 * text) : 17 * text;
    this.titlePrimary = createText(primaryOf(title, context), {
      size: titleSize,
      weight: 600,
      wrap: true,
      maxWidth: titleWidth,
      maxHeight: titleSize * 1.18 * 2.05,
      resolution: context.textResolution,
      label: 'title',
    });
    const secondary = secondaryOf(title, context);
    this.titleSecondary =
      secondary === undefined
        ? undefined
        : createText(secondary, {
            size: titleSize * 0.66,
            colour: COLOURS.textSecondary,
            maxWidth: titleWidth,
            resolution: context.textResolution,
            label: 'title-secondary',
          });
    this.valueText = createText('—', { size: this.valueSize, weight: 700, resolution: context.textResolution, label: 'value' });
    this.unitText = createText(this.view.unit, {
      size: this.valueSize * 0.34,
      weight: 600,
      colour: COLOURS.textSecondary,
      resolution: context.textResolution,
      label: 'unit',
    });
    const background = drawCard(new Graphics({ label: 'card' }), context.width, context.height, this.accent, this.metrics);
    this.root.addChild(background, this.titlePrimary);
    if (this.titleSecondary) this.root.addChild(this.titleSecondary);
    this.root.addChild(this.valueText, this.unitText, this.arrow, this.footer);
    this.layoutTitles();
  }

  get ticking(): boolean {
    return this.freshness.stale;
  }

  update(values: SeriesValues): void {
    this.freshness.take(values);
    this.redraw();
  }

  tick(): boolean {
    if (!this.freshness.tick()) return false;
    this.redraw();
    return true;
  }

  wakeAt(): number | undefined {
    return this.freshness.wakeAt();
  }

  dispose(): void {
    destroySubtree(this.root);
  }

  private get innerWidth(): number {
    return this.context.width - this.metrics.contentLeft - this.metrics.padding;
  }

  private get valueSize(): number {
    const { unit } = this.metrics;
    return this.wide ? this.context.height * 0.6 : 64 * unit;
  }

  private layoutTitles(): void {
    const { padding, contentLeft } = this.metrics;
    if (this.wide) {
      const secondaryHeight = this.titleSecondary ? this.titleSecondary.height + 2 * this.metrics.unit : 0;
      const top = (this.context.height - this.titlePrimary.height - secondaryHeight) / 2;
      this.titlePrimary.position.set(contentLeft, Math.max(padding * 0.6, top));
    } else {
      this.titlePrimary.position.set(contentLeft, padding * 0.85);
    }
    this.titleSecondary?.position.set(contentLeft, this.titlePrimary.y + this.titlePrimary.height + 2 * this.metrics.unit);
  }

  private redraw(): void {
    const context = this.context;
    const { unit, text, padding, contentLeft } = this.metrics;
    const { latest, stale, note } = this.freshness.show();
    const level = latest ? levelReached(latest.value, this.view.levels) : undefined;
    let valueColour: number = level ? colourOf(level.colour) : COLOURS.textPrimary;
    if (!latest) valueColour = COLOURS.textMuted;
    else if (stale) valueColour = mix(valueColour, COLOURS.background, 0.45);
    const content = latest ? formatNumber(latest.value, decimalsFor(latest.value, this.view.decimals), context.languages.primary) : '—';
    this.valueText.style.fill = valueColour;
    setText(this.valueText, content);
    this.unitText.visible = latest !== undefined && this.view.unit !== '';

    // Footer first: its height bounds the value above it.
    for (const child of this.footer.removeChildren()) destroySubtree(child);
    const footerSize = (this.wide ? 11 : 10) * text;
    const footerTop = context.height - padding * 0.8 - footerSize * 1.6;
    // The footer row: the level reached on the left, the "simulated" tag on the right.
    if (context.demo || latest?.simulated) {
      this.footer.addChild(simulatedTag(context, footerSize * 0.9, context.width - padding, footerTop + footerSize * 0.1));
    }
    let levelWidth = 0;
    if (level) {
      const pill = levelPill(context, level.name, colourOf(level.colour), footerSize);
      pill.position.set(contentLeft, footerTop);
      this.footer.addChild(pill);
      levelWidth = pill.width + 6 * unit;
    }
    // Notes (no data, stale since …) take their own line above the footer, the full width of the card.
    let contentBottom = footerTop;
    if (note !== undefined) {
      const noteText = this.footerText(note, footerSize, latest ? COLOURS.stale : COLOURS.textSecondary, this.wide ? this.innerWidth * 0.5 : this.innerWidth);
      if (this.wide) {
        // A banner has room in its footer row, right of the level.
        noteText.position.set(contentLeft + levelWidth, footerTop);
      } else {
        contentBottom = footerTop - noteText.height - 1.5 * unit;
        noteText.position.set(contentLeft, contentBottom);
      }
      this.footer.addChild(noteText);
    }

    // Value, unit and trend on one baseline, centred between the titles and the footer. A long unit
    // ("bn VND/month") would shrink the number it qualifies, so it moves to its own line under the value.
    const gap = 5 * unit;
    const fullSize = this.valueSize;
    const unitSize = Math.min(22 * text, fullSize * 0.36);
    this.unitText.style.fontSize = unitSize;
    this.valueText.style.fontSize = fullSize;
    const arrowRoom = latest ? fullSize * 0.3 * 1.1 + 1.5 * gap : 0;
    const columnWidth = this.wide ? this.innerWidth * 0.46 : this.innerWidth;
    const unitInline = this.unitText.visible ? this.unitText.width + gap : 0;
    const stackUnit = !this.wide && this.unitText.visible && this.valueText.width + unitInline + arrowRoom > columnWidth && this.unitText.width > columnWidth * 0.22;
    const unitLine = stackUnit ? unitSize * 1.3 : 0;
    const titlesBottom = this.titleSecondary ? this.titleSecondary.y + this.titleSecondary.height : this.titlePrimary.y + this.titlePrimary.height;
    const regionTop = this.wide ? padding * 0.5 : titlesBottom + 2 * unit;
    const regionBottom = this.wide ? context.height - padding * 0.5 : contentBottom - 3 * unit;
    fitText(this.valueText, {
      size: fullSize,
      maxWidth: Math.max(1, columnWidth - arrowRoom - (stackUnit ? 0 : unitInline)),
      maxHeight: Math.max(1, regionBottom - regionTop - unitLine),
    });
    const fontSize = Number(this.valueText.style.fontSize);
    // Digits stand about 0.72 em above the baseline; centre that block (and the unit line under it) in the region.
    const blockHeight = fontSize * 0.74 + unitLine;
    const baseline = (regionTop + regionBottom - blockHeight) / 2 + fontSize * 0.74;
    const arrowSize = fontSize * 0.3;
    const arrowWidth = latest ? arrowSize * 1.1 + 1.5 * gap : 0;
    let x = this.wide ? context.width - padding - arrowWidth - unitInline - this.valueText.width : contentLeft;
    placeOnBaseline(this.valueText, x, baseline);
    x += this.valueText.width + gap;
    if (this.unitText.visible && !stackUnit) {
      placeOnBaseline(this.unitText, x, baseline);
      x += this.unitText.width + gap;
    }
    if (stackUnit) placeOnBaseline(this.unitText, contentLeft + fontSize * 0.04, baseline + unitLine);
    this.arrow.visible = latest !== undefined;
    if (latest) {
      drawTrendArrow(this.arrow, latest.trend, arrowSize, mix(this.accent, 0xffffff, 0.25));
      this.arrow.position.set(x + gap * 0.5, baseline - fontSize * 0.36);
    }
  }

  private footerText(content: string, size: number, colour: number, maxWidth: number): Text {
    return createText(content, {
      size,
      weight: 600,
      colour,
      maxWidth,
      resolution: this.context.textResolution,
    });
  }
}
