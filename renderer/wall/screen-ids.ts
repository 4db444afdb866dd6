// Which screens the preview asks the bridge for: every screen of the wall's plan (GET /api/wall), as many as one hello may carry.
import type { WallDescription } from '../../common/wall/describe.ts';

/** The bridge's hello carries at most this many screen ids (HelloSchema in common/contract/messages.ts). */
export const MAX_SCREENS_PER_HELLO = 64;

/** The ids of the wall's screens, in the plan's order, without repeats, at most MAX_SCREENS_PER_HELLO. */
export function screenIdsOf(description: { readonly plan: Pick<WallDescription['plan'], 'screens'> }): string[] {
  return [...new Set(description.plan.screens.map((screen) => screen.id))].slice(0, MAX_SCREENS_PER_HELLO);
}

/** Whether two id lists name the same screens (order aside): if not, the layout changed under the preview. */
export function sameScreens(first: readonly string[], second: readonly string[]): boolean {
  const ids = new Set(first);
  return ids.size === new Set(second).size && second.every((id) => ids.has(id));
}
