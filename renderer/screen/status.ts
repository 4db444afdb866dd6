// window.__IOC_WALL__: what this page is showing, for end-to-end tests and for an operator with the devtools open.
import { Text, type Container } from 'pixi.js';
import type { BridgeState } from '../../common/contract/bridge.ts';
import type { PanelError } from './compositor.ts';

export interface ScreenStatus {
  screen: string;
  state: 'waiting' | 'assigned' | 'unknown-screen';
  connection: BridgeState;
  layoutVersion?: number;
  sceneId?: string;
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
