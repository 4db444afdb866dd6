// The KPI and gauge tiles dim a value once it is older than its staleAfter, note its age, and draw it fresh again when a new one arrives.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SeriesValue, SeriesView } from '../../../common/contract/messages.ts';
import type { Panel } from '../../../common/wall/schema.ts';
import { languagesOf } from '../format.ts';
import type { SeriesValues } from '../series-store.ts';
import { COLOURS, mix } from '../theme.ts';
import type * as GaugePanelModule from './gauge-panel.ts';
import type * as KpiPanelModule from './kpi-panel.ts';
import type { PanelContext, PanelView } from './panel-view.ts';

// Canvas text cannot be measured in Node (pixi needs a 2D canvas for it): texts become bare containers that keep their
// content and style, which is all these tests read.
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

let views: { KpiPanelView: typeof KpiPanelModule.KpiPanelView; GaugePanelView: typeof GaugePanelModule.GaugePanelView };

beforeAll(async () => {
  // pixi.js sniffs navigator.userAgent when it loads; Node 20 has no navigator.
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'node' };
  const [kpi, gauge] = await Promise.all([import('./kpi-panel.ts'), import('./gauge-panel.ts')]);
  views = { KpiPanelView: kpi.KpiPanelView, GaugePanelView: gauge.GaugePanelView };
});

const MINUTE = 60_000;
const START = Date.UTC(2025, 10, 27, 1, 0, 0);
const DIMMED = mix(COLOURS.textPrimary, COLOURS.background, 0.45);

const view: SeriesView = {
  id: 'flood.water-level',
  field: 'flood',
  name: { vi: 'Mực nước sông Hương', en: 'Huong river water level' },
  unit: 'm',
  expectedInterval: '10m',
  staleAfter: 30 * MINUTE,
};

interface TextLike {
  readonly text: string;
  readonly style: { readonly fill: unknown };
}

/** A tile on a clock the test moves by hand, with the latest value the test sets. */
function setup(panel: Panel) {
  const clock = { time: START };
  let latest: SeriesValue | undefined;
  const context = {
    panel,
    width: 282,
    height: 230,
    wallRect: { x: 0, y: 0, width: 282, height: 230 },
    demo: false,
    languages: languagesOf(['vi', 'en']),
    field: undefined,
    textResolution: 4,
    seriesView: (id: string) => {
      if (id !== view.id) throw new Error(`no series ${id}`);
      return view;
    },
    now: () => clock.time,
    invalidate: () => undefined,
    fail: (error: unknown) => {
      throw error;
    },
  } as unknown as PanelContext;
  const tile: PanelView =
    panel.type === 'kpi' ? new views.KpiPanelView(context, panel) : new views.GaugePanelView(context, panel as Extract<Panel, { type: 'gauge' }>);
  const values = { latest: (id: string) => (id === view.id ? latest : undefined) } as unknown as SeriesValues;
  const receive = (value: SeriesValue) => {
    latest = value;
    tile.update(values);
  };
  const valueText = () => tile.root.getChildByLabel('value', true) as unknown as TextLike;
  const notes = () => (tile.root.getChildByLabel('footer')?.children ?? []).map((child) => (child as unknown as Partial<TextLike>).text).filter((text) => text !== undefined);
  return { clock, tile, receive, valueText, notes };
}

function valueAt(value: number, time: number): SeriesValue {
  return { value, time, trend: 'flat', simulated: false };
}

const panels: Panel[] = [
  { type: 'kpi', id: 'water-level', series: view.id },
  { type: 'gauge', id: 'water-gauge', series: view.id, min: 0, max: 10 },
];

describe.each(panels)('$type tile', (panel) => {
  it('dims a value older than staleAfter and notes its age, then draws the next value fresh again', () => {
    const { clock, tile, receive, valueText, notes } = setup(panel);
    receive(valueAt(2.4, START));
    expect(valueText().text).toBe('2,4');
    expect(valueText().style.fill).toBe(COLOURS.textPrimary);
    expect(notes()).toEqual([]);
    expect(tile.wakeAt?.()).toBe(START + 30 * MINUTE);

    clock.time = START + 34 * MINUTE;
    expect(tile.tick?.(clock.time)).toBe(true);
    expect(tile.ticking).toBe(true);
    expect(valueText().style.fill).toBe(DIMMED);
    expect(notes()).toEqual(['dữ liệu cũ · 34 phút trước / stale · 34 min ago']);

    receive(valueAt(2.6, clock.time - 1_000));
    expect(valueText().text).toBe('2,6');
    expect(valueText().style.fill).toBe(COLOURS.textPrimary);
    expect(notes()).toEqual([]);
    expect(tile.ticking).toBe(false);
    expect(tile.wakeAt?.()).toBe(clock.time - 1_000 + 30 * MINUTE);
    tile.dispose();
  });

  it('dims a value that arrives already stale (a late retained message) and keeps counting its age', () => {
    const { clock, tile, receive, valueText, notes } = setup(panel);
    clock.time = START + 45 * MINUTE;
    receive(valueAt(2.4, START));
    expect(valueText().style.fill).toBe(DIMMED);
    expect(tile.wakeAt?.()).toBeUndefined();
    expect(notes()).toEqual(['dữ liệu cũ · 45 phút trước / stale · 45 min ago']);
    clock.time += MINUTE;
    expect(tile.tick?.(clock.time)).toBe(true);
    expect(notes()).toEqual(['dữ liệu cũ · 46 phút trước / stale · 46 min ago']);
    tile.dispose();
  });
});
