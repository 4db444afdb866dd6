// The preview asks for every screen of the wall once, and notices when a reloaded layout has other screens.
import { describe, expect, it } from 'vitest';
import { MAX_SCREENS_PER_HELLO, sameScreens, screenIdsOf } from './screen-ids.ts';

const plan = (ids: string[]) => ({ plan: { screens: ids.map((id) => ({ id }) as never) } });

describe('screenIdsOf', () => {
  it("lists the plan's screens in order, once each", () => {
    expect(screenIdsOf(plan(['L1', 'L2', 'L4', 'L2']))).toEqual(['L1', 'L2', 'L4']);
  });

  it('stops at what one hello may carry', () => {
    const ids = Array.from({ length: 80 }, (_, index) => `S${index}`);
    expect(screenIdsOf(plan(ids))).toHaveLength(MAX_SCREENS_PER_HELLO);
  });
});

describe('sameScreens', () => {
  it('ignores order but not a screen added, removed or renamed', () => {
    expect(sameScreens(['L1', 'L2'], ['L2', 'L1'])).toBe(true);
    expect(sameScreens(['L1', 'L2'], ['L1', 'L2', 'L3'])).toBe(false);
    expect(sameScreens(['L1', 'L2'], ['L1'])).toBe(false);
    expect(sameScreens(['L1', 'L2'], ['L1', 'L9'])).toBe(false);
  });
});
