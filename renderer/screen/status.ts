// window.__IOC_WALL__: what this page is showing, for end-to-end tests and for an operator with the devtools open.
import { Text, type Container } from 'pixi.js';
import type { BridgeState } from '../../common/contract/bridge.ts';
import type { PanelError } from './compositor.ts';
import type { CameraState } from './video/camera-state.ts';

/** One scene switch this screen showed. */
export interface FlipRecord {
  switchId: number;
  version: number;
  /** The commit time, server clock (epoch ms). */
  at: number;
  /** Server clock (as this page estimates it) read in the animation frame that showed the new scene. */
  flippedAt: number;
  /** The build was not ready when the commit arrived. */
  late: boolean;
  /** The requestAnimationFrame timestamp of that frame (performance.now() time base). */
  frameTime: number;
  /** JavaScript time of the flip frame: swap and render, milliseconds. */
  drawMilliseconds: number;
}

/** How long one off-screen build took, milliseconds, by stage. */
export interface BuildRecord {
  /** The switch it was for; 0 for the warm-up after load. */
  switchId: number;
  /** Panels made (text measured, shapes built). */
  construct: number;
  /** Waiting for images (up to the limit). */
  images: number;
  /** Rendering it once off-screen (textures uploaded, text rasterised). */
  warm: number;
  total: number;
  /** Every image arrived within the limit. */
  loaded: boolean;
}

/** One camera this page holds a feed for. */
export interface CameraReport {
  /** What its tiles say: connecting, live, lost, recovering (the dimmed last frame) or unavailable. */
  state: CameraState;
  /** New video frames presented since this page opened the feed (requestVideoFrameCallback calls; never reset by a reconnect). */
  framesPresented: number;
  /** Server clock (as this page estimates it, like `flippedAt`) of the last frame presented; null before the first. */
  lastFrameAt: number | null;
  /** Tiles holding the feed: those of the scene on screen plus those of a scene built off-screen waiting for its commit. */
  tiles: number;
  /** Why it is unavailable (or lost, when the gateway said why), in the wall's languages; null otherwise. */
  detail: string | null;
}

export interface ScreenStatus {
  screen: string;
  /** `token-invalid`: the display token of the address was refused; `token-needed`: the bridge refused a page without a display session. */
  state: 'waiting' | 'assigned' | 'unknown-screen' | 'token-invalid' | 'token-needed';
  connection: BridgeState;
  layoutVersion?: number;
  sceneId?: string;
  /** The scene version on screen. */
  sceneVersion?: number;
  /** The last 50 switches shown, oldest first. */
  flips: FlipRecord[];
  /** The last 50 off-screen builds, oldest first (the warm-up after load has switchId 0). */
  builds: BuildRecord[];
  /** The switch whose build waits off-screen for its commit, if any. */
  prepared: number | undefined;
  /** Server clock minus this page's Date.now(), as the bridge estimates it, milliseconds. */
  clockOffset: number;
  framesDrawn: number;
  /** Date.now() of the last drawn frame, 0 before the first. */
  lastDrawAt: number;
  /** Ids of the panels this screen draws, bottom first. */
  panels: string[];
  /** Every text string currently in the scene (slates, panels, badge). */
  texts: string[];
  fontsReady: boolean;
  contextLosses: number;
  panelErrors: PanelError[];
  /** While the identify pattern is over the scene: when it goes away, server clock (epoch ms). */
  identifyUntil: number | undefined;
  /** <video> elements this page holds now: one per camera fed, however many tiles show it. */
  videoElements: number;
  /** Every camera this page holds a feed for, by camera id (a camera released is gone from here). */
  cameras: Record<string, CameraReport>;
}

declare global {
  interface Window {
    __IOC_WALL__?: ScreenStatus;
  }
}

export function publishStatus(status: ScreenStatus): void {
  window.__IOC_WALL__ = status;
}

/** The text of every visible Text under `root`, in drawing order. */
export function collectTexts(root: Container): string[] {
  const texts: string[] = [];
  const visit = (node: Container) => {
    if (!node.visible || node.destroyed) return;
    if (node instanceof Text) {
      if (node.text !== '' && node.text.trim() !== '') texts.push(node.text);
      return;
    }
    for (const child of node.children) visit(child);
  };
  visit(root);
  return texts;
}
