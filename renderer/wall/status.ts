// window.__IOC_WALL_PREVIEW__: what the wall preview is showing, for end-to-end tests and for an operator with the devtools open.
import type { BridgeState } from '../../common/contract/bridge.ts';
import type { PanelError } from '../screen/compositor.ts';

/** A committed switch the preview showed. */
export interface PreviewFlip {
  switchId: number;
  version: number;
  /** The commit time, server clock (epoch ms). */
  at: number;
  /** Server clock (as this page estimates it) after the frame that showed it was drawn. */
  flippedAt: number;
  /** The commit reached the preview after its time. */
  commitArrivedLate: boolean;
}

export interface WallPreviewStatus {
  /** The screen ids the preview asked the bridge for (from /api/wall), in the layout's order. */
  screens: string[];
  state: 'waiting' | 'showing';
  connection: BridgeState;
  layoutVersion?: number;
  sceneId?: string;
  /** The scene version shown. */
  sceneVersion?: number;
  framesDrawn: number;
  /** Date.now() of the last drawn frame, 0 before the first. */
  lastDrawAt: number;
  /** The screens drawn, with the panels each draws (bottom first). */
  drawn: { screen: string; panels: string[] }[];
  /** Panels that failed to draw, per screen. */
  panelErrors: (PanelError & { screen: string })[];
  fontsReady: boolean;
  contextLosses: number;
  /** JavaScript time of the last build of the picture (slate, or every screen's compositor), milliseconds. */
  buildMilliseconds: number;
  /** The last 20 switches shown, oldest first. */
  flips: PreviewFlip[];
}

declare global {
  interface Window {
    __IOC_WALL_PREVIEW__?: WallPreviewStatus;
  }
}

export function publishPreviewStatus(status: WallPreviewStatus): void {
  window.__IOC_WALL_PREVIEW__ = status;
}
