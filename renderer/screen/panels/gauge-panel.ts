// The gauge tile: one series on a 270° dial between the panel's min and max, the series' threshold levels as coloured bands.
import { Container, Graphics, type Text } from 'pixi.js';
import type { SeriesView } from '../../../common/contract/messages.ts';
import type { Panel } from '../../../common/wall/schema.ts';
import { destroySubtree } from '../destroy.ts';
import { decimalsFor, formatNumber, type Localised } from '../format.ts';
import { levelBands, levelReached } from '../levels.ts';
import type { SeriesValues } from '../series-store.ts';
import { createText, placeOnBaseline, setText } from '../text.ts';
import { colourOf, COLOURS, mix } from '../theme.ts';
import { accentOf, cardMetrics, drawCard, levelPill, simulatedTag, type CardMetrics } from './card.ts';
import { SingleValueFreshness } from './freshness.ts';
import { primaryOf, secondaryOf, type PanelContext, type PanelView } from './panel-view.ts';

type GaugePanel = Extract<Panel, { type: 'gauge' }>;

/** The dial runs clockwise from bottom-left (135°) over the top to bottom-right (405°); y points down, so angles turn clockwise. */
const START = 0.75 * Math.PI;
const SWEEP = 1.5 * Math.PI;

export class GaugePanelView implements PanelView {
  readonly root = new Container({ label: 'gauge' });
  readonly series: readonly string[];
  private readonly view: SeriesView;
  private readonly metrics: CardMetrics;
  private readonly accent: number;
  private readonly dial = new Graphics({ label: 'dial' });
  private readonly valueText: Text;
  private readonly unitText: Text;
  private readonly footer = new Container({ label: 'footer' });
  private readonly centre: { x: number; y: number };
  private readonly radius: number;
  private readonly thickness: number;
  private readonly freshness: SingleValueFreshness;

  constructor(
    private readonly context: PanelContext,
    private readonly panel: GaugePanel,
  ) {
    this.series = [panel.series];
    this.view = context.seriesView(panel.series);
    this.freshness = new SingleValueFreshness(this.view, context);
    this.metrics = cardMetrics(context.width, context.height);
    this.accent = accentOf(context);
    const { unit, text, padding, contentLeft } = this.metrics;
    const innerWidth = context.width - contentLeft - padding;
    const title: Localised = panel.title ?? this.view.name;
    const primary = createText(primaryOf(title, context), {
      size: 16 * text,
      weight: 600,
      wrap: true,
      maxWidth: innerWidth,
      maxHeight: 16 * text * 1.18 * 2.05,
      resolution: context.textResolution,
      label: 'title',
    });
    primary.position.set(contentLeft, padding * 0.85);
    this.root.addChild(drawCard(new Graphics({ label: 'card' }), context.width, context.height, this.accent, this.metrics), primary);
    let titlesBottom = primary.y + primary.height;
    const secondaryText = secondaryOf(title, context);
    if (secondaryText !== undefined) {
      const secondary = createText(secondaryText, { size: 10.5 * text, colour: COLOURS.textSecondary, maxWidth: innerWidth, resolution: context.textResolution });
      secondary.position.set(contentLeft, titlesBottom + 1.5 * unit);
      this.root.addChild(secondary);
      titlesBottom = secondary.y + secondary.height;
    }

    // The dial fills what is left between the titles and the footer. Its outer ring reaches 1.16 r from the
    // centre; its ends (and their labels) sit about 0.95 r below it.
    const footerHeight = 10 * text * 1.6 + padding * 0.8;
    const top = titlesBottom + 5 * unit;
    const bottom = context.height - footerHeight - 3 * unit;
    this.radius = Math.max(1, Math.min(innerWidth / 2 / 1.16, (bottom - top) / 2.12));
    this.thickness = this.radius * 0.15;
    this.centre = { x: contentLeft + innerWidth / 2, y: top + this.radius * 1.16 };
    this.valueText = createText('—', { size: this.radius * 0.46, weight: 700, maxWidth: this.radius * 1.5, resolution: context.textResolution, label: 'value' });
    this.unitText = createText(this.view.unit, { size: this.radius * 0.17, weight: 600, colour: COLOURS.textSecondary, maxWidth: this.radius * 1.3, resolution: context.textResolution, label: 'unit' });

    // Scale ends: min at the bottom-left, max at the bottom-right.
    const language = context.languages.primary;
    const decimals = Number.isInteger(panel.min) && Number.isInteger(panel.max) ? 0 : 1;
    const endSize = Math.max(this.radius * 0.12, 8 * text);
    for (const [value, angle] of [[panel.min, START], [panel.max, START + SWEEP]] as const) {
      const label = createText(formatNumber(value, decimals, language), { size: endSize, colour: COLOURS.textMuted, resolution: context.textResolution });
      const x = this.centre.x + Math.cos(angle) * this.radius;
      const y = this.centre.y + Math.sin(angle) * this.radius + this.thickness * 0.7;
      label.position.set(x - label.width / 2, y);
      this.root.addChild(label);
    }
    this.root.addChild(this.dial, this.valueText, this.unitText, this.footer);
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

  /** Where `value` sits on the dial, as an angle. */
  private angleOf(value: number): number {
    const { min, max } = this.panel;
    const fraction = max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 0;
    return START + fraction * SWEEP;
  }

  private redraw(): void {
    const context = this.context;
    const { unit, text, padding, contentLeft } = this.metrics;
    const { latest, stale, note } = this.freshness.show();
    const level = latest ? levelReached(latest.value, this.view.levels) : undefined;
    const { x, y } = this.centre;
    const radius = this.radius;

    // Track, then the level bands as a thin outer ring, then the value's arc.
    this.dial.clear();
    this.dial.arc(x, y, radius, START, START + SWEEP).stroke({ width: this.thickness, color: 0x17212d, cap: 'butt' });
    const bandWidth = this.thickness * 0.3;
    for (const band of levelBands(this.view.levels, this.panel.min, this.panel.max)) {
      this.dial
        .arc(x, y, radius + this.thickness / 2 + bandWidth * 0.9, this.angleOf(band.from), this.angleOf(band.to))
        .stroke({ width: bandWidth, color: colourOf(band.colour), alpha: 0.9, cap: 'butt' });
    }
    let colour = level ? colourOf(level.colour) : this.accent;
    if (latest && stale) colour = mix(colour, COLOURS.background, 0.45);
    if (latest) {
      const end = this.angleOf(latest.value);
      if (end > START) this.dial.arc(x, y, radius, START, end).stroke({ width: this.thickness, color: colour, cap: 'butt' });
      // A tick across the arc where the value is, readable even at the very start of the scale.
      const inner = radius - this.thickness * 0.75;
      const outer = radius + this.thickness * 0.75;
      this.dial
        .moveTo(x + Math.cos(end) * inner, y + Math.sin(end) * inner)
        .lineTo(x + Math.cos(end) * outer, y + Math.sin(end) * outer)
        .stroke({ width: Math.max(0.6, this.thickness * 0.22), color: COLOURS.textPrimary });
    }

    // The reading in the middle of the dial.
    const reading = latest ? formatNumber(latest.value, decimalsFor(latest.value, this.view.decimals), context.languages.primary) : '—';
    setText(this.valueText, reading);
    this.valueText.style.fill = latest ? (stale ? mix(COLOURS.textPrimary, COLOURS.background, 0.45) : COLOURS.textPrimary) : COLOURS.textMuted;
    placeOnBaseline(this.valueText, x - this.valueText.width / 2, y + radius * 0.12);
    this.unitText.visible = latest !== undefined && this.view.unit !== '';
    placeOnBaseline(this.unitText, x - this.unitText.width / 2, y + radius * 0.12 + radius * 0.26);

    // Footer: level reached, notes, and the simulated tag.
    for (const child of this.footer.removeChildren()) destroySubtree(child);
    const footerSize = 10 * text;
    const footerTop = context.height - padding * 0.8 - footerSize * 1.6;
    let footerX = contentLeft;
    if (level) {
      const pill = levelPill(context, level.name, colourOf(level.colour), footerSize);
      pill.position.set(footerX, footerTop);
      this.footer.addChild(pill);
      footerX += pill.width + 6 * unit;
    }
    let right = context.width - padding;
    if (context.demo || latest?.simulated) {
      const tag = simulatedTag(context, footerSize * 0.9, right, footerTop + footerSize * 0.1);
      this.footer.addChild(tag);
      right -= tag.width + 6 * unit;
    }
    if (note !== undefined) {
      const noteText = createText(note, {
        size: footerSize,
        weight: 600,
        colour: latest ? COLOURS.stale : COLOURS.textSecondary,
        maxWidth: Math.max(1, right - footerX),
        resolution: context.textResolution,
      });
      noteText.position.set(footerX, footerTop + (footerSize * 1.5 - noteText.height) / 2);
      this.footer.addChild(noteText);
    }
  }
}
