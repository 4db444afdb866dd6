// The wall's look in one place: near-black ground, high-contrast text, field colours only as accents.

export const COLOURS = {
  background: 0x05080d,
  card: 0x0b121b,
  cardBorder: 0x1c2938,
  textPrimary: 0xf2f6fa,
  textSecondary: 0x9aabbf,
  textMuted: 0x66788d,
  gridLine: 0x1f2c3b,
  neutralAccent: 0x5c7080,
  demo: 0xffc400,
  stale: 0xffab40,
  error: 0xef5350,
  errorFill: 0x24090b,
  warning: 0xffb300,
  disconnected: 0xff5252,
} as const;

/** Parses a layout colour (#rrggbb) to a number; anything else gets the neutral accent. */
export function colourOf(text: string | undefined): number {
  return text && /^#[0-9a-fA-F]{6}$/.test(text) ? Number.parseInt(text.slice(1), 16) : COLOURS.neutralAccent;
}

/** Mixes two colours: `amount` 0 gives `from`, 1 gives `to`. */
export function mix(from: number, to: number, amount: number): number {
  const channel = (shift: number) => {
    const a = (from >> shift) & 0xff;
    const b = (to >> shift) & 0xff;
    return Math.round(a + (b - a) * amount) << shift;
  };
  return channel(16) | channel(8) | channel(0);
}

/** Extra series colours of a chart after the field's own (distinct on dark, readable by colour-blind viewers in pairs). */
export const SERIES_COLOURS = [0xf2f6fa, 0xffca28, 0x4dd0e1, 0xf06292, 0xaed581] as const;
