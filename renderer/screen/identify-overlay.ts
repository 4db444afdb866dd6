// The identify overlay: the wall-wide test pattern, with this screen's id, label and resolution, over its whole active area.
import { PanelSchema } from '../../common/wall/schema.ts';
import { sliceOf } from '../../common/wall/geometry.ts';
import type { Assignment } from '../../common/contract/messages.ts';
import { ScreenCompositor, type CompositorOptions, type KnownScreen } from './compositor.ts';

/** The pattern the overlay draws: the layout's own pattern panel type, with the schema's default spacing. */
const IDENTIFY_PATTERN = PanelSchema.parse({ id: 'identify', type: 'pattern' });

/**
 * A compositor for one pattern panel over the wall's bounds (every screen's outer bezel), of which this
 * screen draws the slice its active area sees: the whole screen. Drawn through the same slice transform as
 * a scene, so rotation, letterboxing and the bezel gaps between screens are exactly a scene's.
 */
export function identifyOverlay(options: Omit<CompositorOptions, 'assignment' | 'screen'> & { readonly assignment: Assignment; readonly screen: KnownScreen }): ScreenCompositor | undefined {
  const { assignment, screen } = options;
  const bounds = assignment.wall.bounds;
  const slice = sliceOf(bounds, screen.geometry);
  if (!slice) return undefined;
  return new ScreenCompositor({
    ...options,
    assignment: { ...assignment, panels: [{ panel: IDENTIFY_PATTERN, rect: bounds }], fields: [], series: [] },
    screen: { ...screen, slices: [{ panel: IDENTIFY_PATTERN.id, layer: 0, ...slice }] },
  });
}
