// Test fixture: a 55" screen at wall (1000, 500) mm with unequal bezels, mounted with any rotation (portrait for 90 and 270).
import { screenGeometry, type ScreenGeometry } from '../../common/wall/geometry.ts';
import { ScreenSchema, type WallLayout } from '../../common/wall/schema.ts';

/** The wall those screens hang on (only its settings matter to the geometry). */
export const fixtureWall = { wall: { id: 'lab', name: { vi: 'Phòng thử', en: 'Lab' }, timezone: 'Asia/Ho_Chi_Minh', languages: ['vi', 'en'], defaultScene: 'a' } } as Pick<WallLayout, 'wall'>;

export function rotatedScreen(rotation: 0 | 90 | 180 | 270): ScreenGeometry {
  const portrait = rotation === 90 || rotation === 270;
  return screenGeometry(
    fixtureWall,
    ScreenSchema.parse({
      id: `R${rotation}`,
      x: 1000,
      y: 500,
      activeArea: portrait ? { width: 680.4, height: 1209.6 } : { width: 1209.6, height: 680.4 },
      bezel: { top: 1.75, right: 2.5, bottom: 4, left: 1.75 },
      resolution: portrait ? { width: 1080, height: 1920 } : { width: 1920, height: 1080 },
      rotation,
    }),
  );
}
