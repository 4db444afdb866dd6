// Picks the view for a panel's type; types without a drawing yet (ticker, alert list, map), and video where no feed may play (the wall preview), get a labelled placeholder.
import { ChartPanelView } from './chart-panel.ts';
import { ClockPanelView } from './clock-panel.ts';
import { GaugePanelView } from './gauge-panel.ts';
import { ImagePanelView } from './image-panel.ts';
import { KpiPanelView } from './kpi-panel.ts';
import type { PanelContext, PanelView } from './panel-view.ts';
import { PatternPanelView } from './pattern-panel.ts';
import { PlaceholderPanelView } from './placeholder-panel.ts';
import { TextPanelView } from './text-panel.ts';
import { VideoPanelView } from './video-panel.ts';

export function createPanelView(context: PanelContext): PanelView {
  const panel = context.panel;
  switch (panel.type) {
    case 'kpi':
      return new KpiPanelView(context, panel);
    case 'chart':
      return new ChartPanelView(context, panel);
    case 'text':
      return new TextPanelView(context, panel);
    case 'image':
      return new ImagePanelView(context, panel);
    case 'clock':
      return new ClockPanelView(context, panel);
    case 'pattern':
      return new PatternPanelView(context, panel);
    case 'gauge':
      return new GaugePanelView(context, panel);
    case 'video':
      // Without the page's feeds (the wall preview draws every screen at once) the tiles stay a static slate.
      return context.cameraFeeds ? new VideoPanelView(context, panel, context.cameraFeeds) : new PlaceholderPanelView(context, panel);
    case 'ticker':
    case 'alert-list':
    case 'map':
    default:
      // A type a newer layout format adds is still shown, labelled, rather than leaving a hole.
      return new PlaceholderPanelView(context, panel as PanelContext['panel']);
  }
}
