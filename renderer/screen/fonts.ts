// The shipped Be Vietnam Pro faces (assets/fonts), and waiting for them before the first draw so no fallback face is rasterised.
import '../../assets/fonts/fonts.css';

export const FONT_FAMILY = 'Be Vietnam Pro';
/** Everything the canvas text falls back to is local: the wall never asks the network for a font. */
export const FONT_STACK = [FONT_FAMILY, 'sans-serif'];
export const FONT_WEIGHTS = [400, 600, 700] as const;
export type FontWeight = (typeof FONT_WEIGHTS)[number];

/** Touches all three subsets (latin, latin-ext, vietnamese), so each weight loads every file the wall's text needs. */
export const FONT_SAMPLE = 'Lũ lụt Đà Nẵng ệ – Phòng chống thiên tai 0123456789';

/** Loads every weight; true when all loaded within `timeoutMilliseconds` (the wall draws anyway after that: never black). */
export async function loadFonts(timeoutMilliseconds = 10_000): Promise<boolean> {
  const loading = Promise.all(
    FONT_WEIGHTS.map(async (weight) => {
      const faces = await document.fonts.load(`${weight} 32px "${FONT_FAMILY}"`, FONT_SAMPLE);
      return faces.length > 0 && document.fonts.check(`${weight} 32px "${FONT_FAMILY}"`, FONT_SAMPLE);
    }),
  ).then(
    (loaded) => loaded.every(Boolean),
    () => false,
  );
  let timer: number | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = window.setTimeout(() => resolve(false), timeoutMilliseconds);
  });
  try {
    return await Promise.race([loading, timeout]);
  } finally {
    window.clearTimeout(timer);
  }
}
