// How numbers, ages and time spans read on the wall, in the wall's primary language (Vietnamese: 5.480,5).
export type Language = 'vi' | 'en';

/** A text in the wall's two languages. */
export interface Localised {
  readonly vi: string;
  readonly en: string;
}

/** The wall's languages: the primary one is drawn large, the secondary (if any) small beside or below it. */
export interface Languages {
  readonly primary: Language;
  readonly secondary: Language | undefined;
}

export const DEFAULT_LANGUAGES: Languages = { primary: 'vi', secondary: 'en' };

/** The languages of an assignment's `wall.languages` (unknown codes are ignored, Vietnamese first by default). */
export function languagesOf(codes: readonly string[]): Languages {
  const known = codes.filter((code): code is Language => code === 'vi' || code === 'en');
  const primary = known[0] ?? 'vi';
  const secondary = known.find((code) => code !== primary);
  return { primary, secondary };
}

export const localeOf = (language: Language): string => (language === 'vi' ? 'vi-VN' : 'en-GB');

/** "primary / secondary", or the primary alone on a one-language wall. */
export function bilingual(text: Localised, languages: Languages): string {
  return languages.secondary ? `${text[languages.primary]} / ${text[languages.secondary]}` : text[languages.primary];
}

/** Decimals a series shows: its own `decimals`, else none for whole numbers and one otherwise. */
export function decimalsFor(value: number, decimals: number | undefined): number {
  return decimals ?? (Number.isInteger(value) ? 0 : 1);
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A value with a fixed number of decimals and the language's separators: 5.480,5 in Vietnamese, 5,480.5 in English. */
export function formatNumber(value: number, decimals: number, language: Language): string {
  const key = `${language}:${decimals}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(localeOf(language), { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    numberFormats.set(key, format);
  }
  // A minus sign, not a hyphen, so negative values read as numbers from across the room.
  return format.format(value).replace('-', '−');
}

const UNITS: readonly { readonly milliseconds: number; readonly vi: string; readonly en: string }[] = [
  { milliseconds: 86_400_000, vi: 'ngày', en: 'd' },
  { milliseconds: 3_600_000, vi: 'giờ', en: 'h' },
  { milliseconds: 60_000, vi: 'phút', en: 'min' },
  { milliseconds: 1_000, vi: 'giây', en: 's' },
];

/** A duration in its largest whole unit: "24 giờ" / "24 h", "30 ngày" / "30 d"; under a second reads as 0 s. */
export function formatSpan(milliseconds: number, language: Language): string {
  const span = Math.max(0, milliseconds);
  const unit = UNITS.find((candidate) => span >= candidate.milliseconds) ?? UNITS[UNITS.length - 1]!;
  return `${Math.floor(span / unit.milliseconds)} ${unit[language]}`;
}

/** How long ago something happened: "3 giờ trước" / "3 h ago". */
export function formatAge(milliseconds: number, language: Language): string {
  const span = formatSpan(milliseconds, language);
  return language === 'vi' ? `${span} trước` : `${span} ago`;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(language: Language, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${JSON.stringify(options)}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(localeOf(language), { timeZone, ...options });
    timeFormats.set(key, format);
  }
  return format;
}

/** HH:MM or HH:MM:SS (24-hour) in a time zone; built from parts so no locale adds a prefix or changes the separator. */
export function formatClockTime(time: number, timeZone: string, seconds: boolean): string {
  const parts = dateTimeFormat('en', timeZone, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(time);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((item) => item.type === type)?.value ?? '00';
  return seconds ? `${part('hour')}:${part('minute')}:${part('second')}` : `${part('hour')}:${part('minute')}`;
}

/** The date with its weekday, as the language writes it: "Thứ Năm, 26/11/2025" / "Thursday 26 November 2025". */
export function formatClockDate(time: number, timeZone: string, language: Language): string {
  const text = dateTimeFormat(language, timeZone, { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' }).format(time);
  // Capitalise the weekday ("thứ năm" → "Thứ năm"), as a heading on the wall.
  return text.charAt(0).toLocaleUpperCase(localeOf(language)) + text.slice(1);
}

/** A time on a chart axis: HH:MM for spans up to two days, DD/MM up to about half a year, else MM/YYYY. */
export function formatAxisTime(time: number, spanMilliseconds: number, timeZone: string): string {
  if (spanMilliseconds <= 2 * 86_400_000) return formatClockTime(time, timeZone, false);
  const parts = dateTimeFormat('en', timeZone, { day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(time);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((item) => item.type === type)?.value ?? '00';
  return spanMilliseconds <= 200 * 86_400_000 ? `${part('day')}/${part('month')}` : `${part('month')}/${part('year')}`;
}
