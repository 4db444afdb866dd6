// The page address decides which screen a page draws.
import { describe, expect, it } from 'vitest';
import { screenIdFromPath } from './screen-id.ts';

describe('screenIdFromPath', () => {
  it('reads the id after /screen/', () => {
    expect(screenIdFromPath('/screen/S03')).toBe('S03');
    expect(screenIdFromPath('/screen/L4/')).toBe('L4');
    expect(screenIdFromPath('/screen/control_room_1')).toBe('control_room_1');
  });

  it('refuses paths that name no valid screen', () => {
    expect(screenIdFromPath('/')).toBeUndefined();
    expect(screenIdFromPath('/screen/')).toBeUndefined();
    expect(screenIdFromPath('/screen/S03/extra')).toBeUndefined();
    expect(screenIdFromPath('/screen/S%2003')).toBeUndefined();
    expect(screenIdFromPath('/screen/%E0%A4%A')).toBeUndefined();
    expect(screenIdFromPath(`/screen/${'S'.repeat(33)}`)).toBeUndefined();
  });
});
