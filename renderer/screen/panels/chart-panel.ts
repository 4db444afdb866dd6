// The chart tile: one line per series over the panel's time window, min/max/mid labels, threshold lines, time span, legend.
import { Container, Graphics, type Text } from 'pixi.js';
import type { HistoryPoint, SeriesView } from '../../../common/contract/messages.ts';
import { durationMilliseconds } from '../../../common/wall/duration.ts';
import type { Panel } from '../../../common/wall/schema.ts';
import { bilingual, decimalsFor, formatAxisTime, formatNumber, formatSpan, type Localised } from '../format.ts';
import type { SeriesValues } from '../series-store.ts';
import { STRINGS } from '../strings.ts';
import { createText } from '../text.ts';
import { colourOf, COLOURS, mix, SERIES_COLOURS } from '../theme.ts';
import { accentOf, cardMetrics, drawCard, simulatedTag, type CardMetrics } from './card.ts';
import { primaryOf, secondaryOf, type PanelContext, type PanelView } from './panel-view.ts';
import { destroySubtree } from '../destroy.ts';

type ChartPanel = Extract<Panel, { type: 'chart' }>;

interface PlotRect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export class ChartPanelView implements PanelView {
  readonly root = new Container({ label: 'chart' });
  readonly series: readonly string[];
  readonly ticking = false;
  private readonly views: readonly SeriesView[];
  private readonly colours: readonly number[];
  private readonly metrics: CardMetrics;
  private readonly windowMilliseconds: number;
  private readonly headerBottom: number;
  private readonly dynamic = new Container({ label: 'data' });
  private values: SeriesValues | undefined;

  constructor(
    private readonly context: PanelContext,
    panel: ChartPanel,
  ) {
    this.series = panel.series;
    this.views = panel.series.map((id) => context.seriesView(id));
    const accent = accentOf(context);
    this.colours = this.views.map((_, index) => (index === 0 ? accent : SERIES_COLOURS[(index - 1) % SERIES_COLOURS.length]!));
    this.metrics = cardMetrics(context.width, context.height);
    this.windowMilliseconds = durationMilliseconds(panel.window);
    const { unit, text, padding, contentLeft } = this.metrics;
    const room = context.width - contentLeft - padding;
    const title: Localised = panel.title ?? this.views[0]!.name;
    const primary = createText(primaryOf(title, context), {
      size: 15 * text,
      weight: 600,
      maxWidth: room - this.tagRoom(),
      resolution: context.textResolution,
      label: 'title',
    });
    primary.position.set(contentLeft, padding * 0.8);
    this.root.addChild(drawCard(new Graphics({ label: 'card' }), context.width, context.height, accent, this.metrics), primary);
    let bottom = primary.y + primary.height;
    const secondaryText = secondaryOf(title, context);
    if (secondaryText !== undefined) {
      const secondary = createText(secondaryText, {
        size: 10 * text,
        colour: COLOURS.textSecondary,
        maxWidth: room - this.tagRoom(),
        resolution: context.textResolution,
        label: 'title-secondary',
      });
      secondary.position.set(contentLeft, bottom + unit);
      this.root.addChild(secondary);
      bottom = secondary.y + secondary.height;
    }
    this.headerBottom = bottom;
    this.root.addChild(this.dynamic);
  }

  update(values: SeriesValues): void {
    this.values = values;
    this.redraw();
  }

  dispose(): void {
    destroySubtree(this.root);
  }

  private redraw(): void {
    const context = this.context;
    const values = this.values;
    const { unit, text, padding, contentLeft } = this.metrics;
    const language = context.languages.primary;
    for (const child of this.dynamic.removeChildren()) destroySubtree(child);

    const end = context.now();
    const start = end - this.windowMilliseconds;
    const lines = this.views.map((view) => (values?.history(view.id) ?? []).filter((point) => point.time >= start && point.time <= end + 60_000));
    const hasData = lines.some((points) => points.length > 0);

    if (context.demo || this.views.some((view) => values?.latest(view.id)?.simulated)) {
      this.dynamic.addChild(simulatedTag(context, 9 * text, context.width - padding, padding * 0.8));
    }

    // Legend: colour, name, latest value and unit of each series, flowing onto a second row when needed.
    const legendSize = 10.5 * text;
    const legendTop = this.headerBottom + 4 * unit;
    const room = context.width - contentLeft - padding;
    const legendGap = legendSize * 1.6;
    let legendX = 0;
    let legendRow = 0;
    this.views.forEach((view, index) => {
      const latest = values?.latest(view.id);
      const reading = latest ? ` ${formatNumber(latest.value, decimalsFor(latest.value, view.decimals), language)} ${view.unit}`.trimEnd() : '';
      const entry = new Container({ label: 'legend' });
      const swatch = new Graphics().roundRect(0, legendSize * 0.45, legendSize * 1.4, legendSize * 0.32, legendSize * 0.16).fill(this.colours[index]!);
      const name = createText(`${primaryOf(view.name, context)}${reading ? ' ·' : ''}${reading}`, {
        size: legendSize,
        weight: 600,
        colour: COLOURS.textSecondary,
        maxWidth: Math.max(1, room - legendSize * 1.8),
        resolution: context.textResolution,
      });
      name.position.set(legendSize * 1.8, 0);
      entry.addChild(swatch, name);
      const width = legendSize * 1.8 + name.width;
      if (legendX > 0 && legendX + width > room) {
        legendRow++;
        legendX = 0;
      }
      entry.position.set(contentLeft + legendX, legendTop + legendRow * legendSize * 1.45);
      legendX += width + legendGap;
      this.dynamic.addChild(entry);
    });
    const legendBottom = legendTop + (legendRow + 1) * legendSize * 1.45;

    const axisSize = 9.5 * text;
    const plotTop = legendBottom + 6 * unit;
    const plotBottom = context.height - padding * 0.8 - axisSize * 1.5;
    if (!hasData || plotBottom - plotTop < 10 * unit) {
      const empty = createText(bilingual(STRINGS.noData, context.languages), {
        size: 13 * text,
        weight: 600,
        colour: COLOURS.textMuted,
        maxWidth: room,
        resolution: context.textResolution,
      });
      empty.position.set(contentLeft + (room - empty.width) / 2, (Math.max(plotTop, this.headerBottom) + context.height - empty.height) / 2);
      this.dynamic.addChild(empty);
      return;
    }

    // One value axis per unit: two units (water level in m, rain in mm) get a left and a right axis,
    // so neither flattens the other; more than two share one axis.
    const units = [...new Set(this.views.map((view) => view.unit))];
    const dual = units.length === 2;
    const axisOf = (index: number) => (dual ? units.indexOf(this.views[index]!.unit) : 0);
    const axes = (dual ? [0, 1] : [0]).map((axis) => {
      const range = valueRange(lines.filter((_, index) => axisOf(index) === axis).flat());
      const decimals = this.axisDecimals(range.maximum - range.minimum);
      const colour = dual ? this.colours[axisOf(0) === axis ? 0 : this.views.findIndex((_, index) => axisOf(index) === axis)]! : COLOURS.textMuted;
      const labels = [range.maximum, (range.minimum + range.maximum) / 2, range.minimum].map((value, index) =>
        createText(`${formatNumber(value, decimals, language)}${dual && index === 0 && units[axis] ? ` ${units[axis]}` : ''}`, {
          size: axisSize,
          colour: dual ? mix(colour, COLOURS.textMuted, 0.35) : COLOURS.textMuted,
          resolution: context.textResolution,
        }),
      );
      return { ...range, labels, width: Math.max(...labels.map((label) => label.width)) };
    });
    const left = axes[0]!;
    const right = axes[1];
    const plot: PlotRect = {
      left: contentLeft + left.width + 5 * unit,
      top: plotTop,
      right: context.width - padding - (right ? right.width + 5 * unit : 0),
      bottom: plotBottom,
    };
    const x = (time: number) => plot.left + ((time - start) / (end - start)) * (plot.right - plot.left);
    const yOn = (axis: { minimum: number; maximum: number }) => (value: number) =>
      plot.bottom - ((value - axis.minimum) / (axis.maximum - axis.minimum)) * (plot.bottom - plot.top);

    const grid = new Graphics({ label: 'grid' });
    for (let index = 0; index < 3; index++) {
      const lineY = plot.top + (index / 2) * (plot.bottom - plot.top);
      grid.moveTo(plot.left, lineY).lineTo(plot.right, lineY);
      const leftLabel = left.labels[index]!;
      leftLabel.position.set(plot.left - 4 * unit - leftLabel.width, lineY - leftLabel.height / 2);
      right?.labels[index]!.position.set(plot.right + 4 * unit, lineY - right.labels[index]!.height / 2);
    }
    grid.stroke({ width: Math.max(0.4, 0.8 * unit), color: COLOURS.gridLine });
    this.dynamic.addChild(grid, ...left.labels, ...(right?.labels ?? []));

    // Threshold lines of the first series that fall inside its range (river alarm levels on a hydrograph).
    const firstAxis = axes[axisOf(0)]!;
    const firstY = yOn(firstAxis);
    for (const level of this.views[0]!.levels ?? []) {
      const threshold = level.above ?? level.below;
      if (threshold === undefined || threshold < firstAxis.minimum || threshold > firstAxis.maximum) continue;
      const colour = colourOf(level.colour);
      const lineY = firstY(threshold);
      this.dynamic.addChild(
        new Graphics({ label: `level-${level.id}` })
          .moveTo(plot.left, lineY)
          .lineTo(plot.right, lineY)
          .stroke({ width: Math.max(0.5, 1.1 * unit), color: colour, alpha: 0.7 }),
      );
      const name = createText(primaryOf(level.name, context), { size: axisSize * 0.95, weight: 700, colour, resolution: context.textResolution });
      name.position.set(plot.right - name.width - 2 * unit, lineY - name.height - 0.5 * unit);
      this.dynamic.addChild(name);
    }

    lines.forEach((points, index) => this.dynamic.addChild(this.line(points, this.colours[index]!, x, yOn(axes[axisOf(index)]!))));

    // Time axis: where the window starts, how long it is, where it ends.
    const zone = context.wall.timezone;
    const axisY = plot.bottom + 3 * unit;
    const axisTexts: Text[] = [
      createText(formatAxisTime(start, this.windowMilliseconds, zone), { size: axisSize, colour: COLOURS.textMuted, resolution: context.textResolution }),
      createText(
        context.languages.secondary
          ? `${formatSpan(this.windowMilliseconds, language)} / ${formatSpan(this.windowMilliseconds, context.languages.secondary)}`
          : formatSpan(this.windowMilliseconds, language),
        { size: axisSize, weight: 600, colour: COLOURS.textSecondary, resolution: context.textResolution },
      ),
      createText(formatAxisTime(end, this.windowMilliseconds, zone), { size: axisSize, colour: COLOURS.textMuted, resolution: context.textResolution }),
    ];
    axisTexts[0]!.position.set(plot.left, axisY);
    axisTexts[1]!.position.set((plot.left + plot.right - axisTexts[1]!.width) / 2, axisY);
    axisTexts[2]!.position.set(plot.right - axisTexts[2]!.width, axisY);
    this.dynamic.addChild(...axisTexts);
  }

  private line(points: readonly HistoryPoint[], colour: number, x: (time: number) => number, y: (value: number) => number): Graphics {
    const { unit } = this.metrics;
    const graphics = new Graphics({ label: 'series' });
    if (points.length === 0) return graphics;
    const first = points[0]!;
    graphics.moveTo(x(first.time), y(first.value));
    for (const point of points.slice(1)) graphics.lineTo(x(point.time), y(point.value));
    graphics.stroke({ width: Math.max(0.8, 2.6 * unit), color: colour, join: 'round', cap: 'round' });
    const last = points[points.length - 1]!;
    graphics.circle(x(last.time), y(last.value), Math.max(1, 3.6 * unit)).fill(colour);
    return graphics;
  }

  /** Width the "simulated" tag takes at the top right, kept free of the title (measured once, the same text every time). */
  private tagRoom(): number {
    if (!this.context.demo) return 0;
    const tag = simulatedTag(this.context, 9 * this.metrics.text, 0, 0);
    const width = tag.width;
    destroySubtree(tag);
    return width + 8 * this.metrics.unit;
  }

  /** Enough decimals for the three axis labels (min, middle, max) to differ. */
  private axisDecimals(span: number): number {
    if (span >= 10) return 0;
    if (span >= 1) return 1;
    return Math.min(4, Math.ceil(-Math.log10(span)) + 1);
  }
}

/** The span of the values shown, with a little air above and below; a flat line gets a band around it. */
function valueRange(points: readonly HistoryPoint[]): { minimum: number; maximum: number } {
  if (points.length === 0) return { minimum: 0, maximum: 1 };
  const lowest = Math.min(...points.map((point) => point.value));
  let minimum = lowest;
  let maximum = Math.max(...points.map((point) => point.value));
  if (maximum - minimum < 1e-9) {
    const spread = Math.abs(maximum) * 0.1 || 1;
    minimum -= spread;
    maximum += spread;
  }
  const air = (maximum - minimum) * 0.08;
  // Counts and rainfall never go below zero: the air (or the band around a flat line) must not invent a negative axis.
  return { minimum: lowest >= 0 ? Math.max(0, minimum - air) : minimum - air, maximum: maximum + air };
}
