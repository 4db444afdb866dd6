// What a screen shows when it has no scene to draw (waiting, unknown screen, no id) and the corner badge when the link is down.
import { Container, Graphics, type Text } from 'pixi.js';
import type { BridgeState } from '../../common/contract/bridge.ts';
import type { Disposable } from '../../common/contract/events.ts';
import type { ScreenGeometry } from '../../common/wall/geometry.ts';
import type { Viewport } from './compositor.ts';
import { bilingual, type Languages, type Localised } from './format.ts';
import { compose, mountedTransform, toMatrix } from './slice-transform.ts';
import { DISPLAY_TOKEN_TITLES, displayTokenHint, STRINGS, unknownScreen } from './strings.ts';
import { createText, setText } from './text.ts';
import { COLOURS } from './theme.ts';
import { destroySubtree } from './destroy.ts';

export interface SlateOptions {
  readonly viewport: Viewport;
  /** Device pixels per window pixel. */
  readonly resolution: number;
  readonly languages: Languages;
}

export interface Slate extends Disposable {
  readonly root: Container;
  /** Shows the bridge's state on the slate (the waiting slate says whether it is still connecting). */
  setConnection(state: BridgeState): void;
}

const CONNECTION_COLOURS: Record<BridgeState, number> = {
  connecting: COLOURS.warning,
  connected: 0x66bb6a,
  disconnected: COLOURS.disconnected,
};

/** A full-window card: frame, a line of small print at the bottom, and the lines given, centred as one block. */
class FullSlate implements Slate {
  readonly root = new Container({ label: 'slate' });
  private readonly status: Text;
  private readonly dot = new Graphics({ label: 'connection-dot' });

  constructor(
    private readonly options: SlateOptions,
    lines: readonly Text[],
    accent: number,
  ) {
    const { width, height } = options.viewport;
    const unit = Math.min(height, width * 0.5625);
    const inset = unit * 0.03;
    const frame = new Graphics({ label: 'frame' })
      .rect(0, 0, width, height)
      .fill(COLOURS.background)
      .rect(inset, inset, width - 2 * inset, height - 2 * inset)
      .stroke({ width: Math.max(1, unit * 0.003), color: COLOURS.cardBorder })
      .rect(inset, inset, width - 2 * inset, Math.max(2, unit * 0.008))
      .fill(accent);
    const brand = createText('ioc-wall', { size: unit * 0.028, weight: 600, colour: COLOURS.textMuted, resolution: options.resolution });
    brand.position.set(inset * 2, inset * 1.8);
    this.status = createText(' ', { size: unit * 0.03, weight: 600, colour: COLOURS.textSecondary, resolution: options.resolution, label: 'connection' });
    this.root.addChild(frame, brand, this.dot, this.status);

    const gap = unit * 0.02;
    const blockHeight = lines.reduce((sum, line) => sum + line.height, 0) + gap * (lines.length - 1);
    let y = (height - blockHeight) / 2;
    for (const line of lines) {
      line.position.set((width - line.width) / 2, y);
      y += line.height + gap;
      this.root.addChild(line);
    }
  }

  setConnection(state: BridgeState): void {
    const { width, height } = this.options.viewport;
    const unit = Math.min(height, width * 0.5625);
    const text = { connecting: STRINGS.connecting, connected: STRINGS.connected, disconnected: STRINGS.disconnected }[state];
    setText(this.status, bilingual(text, this.options.languages));
    const dotRadius = unit * 0.011;
    const totalWidth = dotRadius * 3 + this.status.width;
    const left = (width - totalWidth) / 2;
    const y = height - unit * 0.1;
    this.status.position.set(left + dotRadius * 3, y - this.status.height / 2);
    this.dot.clear().circle(left + dotRadius, y, dotRadius).fill(CONNECTION_COLOURS[state]);
  }

  dispose(): void {
    destroySubtree(this.root);
  }
}

function lineOf(text: string, options: SlateOptions, size: number, weight: 400 | 600 | 700, colour: number): Text {
  const { width } = options.viewport;
  return createText(text, { size, weight, colour, maxWidth: width * 0.86, align: 'center', resolution: options.resolution });
}

function bilingualLines(text: Localised, options: SlateOptions, size: number, colour: number): Text[] {
  const { primary, secondary } = options.languages;
  const lines = [lineOf(text[primary], options, size, 700, colour)];
  if (secondary) lines.push(lineOf(text[secondary], options, size * 0.66, 400, COLOURS.textSecondary));
  return lines;
}

/** Before the first assignment: the screen's id, large, and "waiting for the wall". */
export function waitingSlate(screenId: string, options: SlateOptions): Slate {
  const unit = Math.min(options.viewport.height, options.viewport.width * 0.5625);
  return new FullSlate(
    options,
    [lineOf(screenId, options, unit * 0.2, 700, COLOURS.textPrimary), ...bilingualLines(STRINGS.waiting, options, unit * 0.06, COLOURS.textPrimary)],
    COLOURS.neutralAccent,
  );
}

/** The server does not know this screen id: say so, and list the ids it knows. */
export function unknownScreenSlate(screenId: string, knownScreens: readonly string[], options: SlateOptions): Slate {
  const unit = Math.min(options.viewport.height, options.viewport.width * 0.5625);
  const { width } = options.viewport;
  const list = createText(knownScreens.length > 0 ? knownScreens.join('   ') : '—', {
    size: unit * 0.042,
    weight: 600,
    colour: COLOURS.textPrimary,
    wrap: true,
    maxWidth: width * 0.8,
    maxHeight: unit * 0.3,
    align: 'center',
    resolution: options.resolution,
    label: 'known-screens',
  });
  return new FullSlate(
    options,
    [
      ...bilingualLines(unknownScreen(screenId), options, unit * 0.065, COLOURS.warning),
      lineOf(`${bilingual(STRINGS.knownScreens, options.languages)}:`, options, unit * 0.032, 600, COLOURS.textSecondary),
      list,
    ],
    COLOURS.warning,
  );
}

/** The page address names no screen. */
export function noScreenIdSlate(options: SlateOptions): Slate {
  const unit = Math.min(options.viewport.height, options.viewport.width * 0.5625);
  return new FullSlate(
    options,
    [...bilingualLines(STRINGS.noScreenId, options, unit * 0.065, COLOURS.warning), ...bilingualLines(STRINGS.noScreenIdHint, options, unit * 0.04, COLOURS.textPrimary)],
    COLOURS.warning,
  );
}

/** The server will not let this page in: the token of its address was refused, or it had none. The screen's id, why, and the command that prints its URL. */
export function displayTokenSlate(kind: keyof typeof DISPLAY_TOKEN_TITLES, screenId: string, options: SlateOptions): Slate {
  const unit = Math.min(options.viewport.height, options.viewport.width * 0.5625);
  const accent = kind === 'token-invalid' ? COLOURS.error : COLOURS.warning;
  const hint = displayTokenHint(kind);
  const { primary, secondary } = options.languages;
  return new FullSlate(
    options,
    [
      lineOf(screenId, options, unit * 0.14, 700, COLOURS.textPrimary),
      ...bilingualLines(DISPLAY_TOKEN_TITLES[kind], options, unit * 0.065, accent),
      createText(hint[primary], { size: unit * 0.034, weight: 400, colour: COLOURS.textPrimary, wrap: true, maxWidth: options.viewport.width * 0.8, align: 'center', resolution: options.resolution }),
      ...(secondary
        ? [createText(hint[secondary], { size: unit * 0.028, weight: 400, colour: COLOURS.textSecondary, wrap: true, maxWidth: options.viewport.width * 0.8, align: 'center', resolution: options.resolution })]
        : []),
      lineOf(`ioc-wall display-url ${screenId}`, options, unit * 0.045, 700, accent),
    ],
    accent,
  );
}

/** "mất kết nối / disconnected" in the top-right corner of the screen as mounted, over the last frame. */
export class DisconnectedBadge implements Disposable {
  readonly root = new Container({ label: 'disconnected-badge', visible: false });

  /** Draws the badge for a screen (upright as mounted), or for the bare window when there is no assignment. */
  place(viewport: Viewport, resolution: number, languages: Languages, mounted?: { geometry: ScreenGeometry; scale: number; offset: { x: number; y: number } }): void {
    for (const child of this.root.removeChildren()) destroySubtree(child);
    const width = mounted ? mounted.geometry.resolution.width : viewport.width;
    const height = mounted ? mounted.geometry.resolution.height : viewport.height;
    const textResolution = resolution * (mounted ? mounted.scale : 1);
    if (mounted) {
      const offset = { a: 1, b: 0, c: 0, d: 1, tx: mounted.offset.x, ty: mounted.offset.y };
      this.root.setFromMatrix(toMatrix(compose(offset, mountedTransform(mounted.geometry, mounted.scale))));
    } else {
      this.root.setFromMatrix(toMatrix({ a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0 }));
    }
    const unit = Math.min(height, width * 0.5625);
    const size = unit * 0.032;
    const margin = unit * 0.025;
    const label = createText(bilingual(STRINGS.disconnected, languages), { size, weight: 700, colour: COLOURS.textPrimary, resolution: textResolution, label: 'disconnected' });
    const paddingX = size * 0.7;
    const dotRadius = size * 0.32;
    const pillWidth = paddingX * 2 + dotRadius * 3 + label.width;
    const pillHeight = size * 1.9;
    const left = width - margin - pillWidth;
    const pill = new Graphics()
      .roundRect(left, margin, pillWidth, pillHeight, pillHeight / 2)
      .fill({ color: 0x1a0709, alpha: 0.92 })
      .stroke({ width: Math.max(1, size * 0.08), color: COLOURS.disconnected, alignment: 1 })
      .circle(left + paddingX + dotRadius, margin + pillHeight / 2, dotRadius)
      .fill(COLOURS.disconnected);
    label.position.set(left + paddingX + dotRadius * 3, margin + (pillHeight - label.height) / 2);
    this.root.addChild(pill, label);
  }

  set visible(value: boolean) {
    this.root.visible = value;
  }

  get visible(): boolean {
    return this.root.visible;
  }

  dispose(): void {
    destroySubtree(this.root);
  }
}
