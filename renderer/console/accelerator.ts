// Electron accelerator strings (the layout's scene hotkeys: F2, Ctrl+Shift+1, CmdOrCtrl+K ...) parsed into keydown matchers.

/** CmdOrCtrl means Cmd on a Mac and Ctrl everywhere else, as in Electron. */
export type Platform = 'mac' | 'other';

/** One hotkey as the console matches it against a keydown. */
export interface KeyChord {
  /** How the console shows it, modifiers in a fixed order (e.g. "Ctrl+Shift+1"). */
  readonly label: string;
  /** `KeyboardEvent.code` values that match: physical keys, so letters and digits work under any layout or input method. */
  readonly codes: readonly string[];
  /** `KeyboardEvent.key` values that match: named keys and punctuation characters. */
  readonly keys: readonly string[];
  readonly control: boolean;
  readonly alt: boolean;
  readonly meta: boolean;
  /** 'any' for a punctuation character: the character itself decides whether Shift is down. */
  readonly shift: boolean | 'any';
  /** 'any' for a punctuation character too: some layouts type it with AltGr. */
  readonly altGraph: boolean | 'any';
}

export type ParsedAccelerator = { readonly ok: true; readonly chord: KeyChord } | { readonly ok: false; readonly message: string };

/** The part of a KeyboardEvent the matcher reads (a plain object in tests). */
export interface KeyPress {
  readonly key: string;
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
  readonly metaKey: boolean;
  getModifierState?(modifier: string): boolean;
}

type Modifier = 'control' | 'alt' | 'shift' | 'meta' | 'altGraph';

const MODIFIERS: Readonly<Record<string, Modifier | 'commandOrControl'>> = {
  command: 'meta',
  cmd: 'meta',
  super: 'meta',
  meta: 'meta',
  control: 'control',
  ctrl: 'control',
  commandorcontrol: 'commandOrControl',
  cmdorctrl: 'commandOrControl',
  alt: 'alt',
  option: 'alt',
  altgr: 'altGraph',
  shift: 'shift',
};

const MODIFIER_LABELS: Readonly<Record<Modifier, Readonly<Record<Platform, string>>>> = {
  control: { mac: 'Ctrl', other: 'Ctrl' },
  altGraph: { mac: 'AltGr', other: 'AltGr' },
  alt: { mac: 'Option', other: 'Alt' },
  shift: { mac: 'Shift', other: 'Shift' },
  meta: { mac: 'Cmd', other: 'Super' },
};

interface KeyTarget {
  readonly label: string;
  readonly codes?: readonly string[];
  readonly keys?: readonly string[];
  readonly character?: boolean;
}

const NAMED_KEYS: Readonly<Record<string, KeyTarget>> = {
  plus: { label: 'Plus', keys: ['+'], character: true },
  space: { label: 'Space', codes: ['Space'], keys: [' '] },
  tab: { label: 'Tab', keys: ['Tab'] },
  capslock: { label: 'CapsLock', keys: ['CapsLock'] },
  numlock: { label: 'NumLock', keys: ['NumLock'] },
  scrolllock: { label: 'ScrollLock', keys: ['ScrollLock'] },
  backspace: { label: 'Backspace', keys: ['Backspace'] },
  delete: { label: 'Delete', keys: ['Delete'] },
  insert: { label: 'Insert', keys: ['Insert'] },
  return: { label: 'Enter', keys: ['Enter'] },
  enter: { label: 'Enter', keys: ['Enter'] },
  up: { label: 'Up', keys: ['ArrowUp'] },
  down: { label: 'Down', keys: ['ArrowDown'] },
  left: { label: 'Left', keys: ['ArrowLeft'] },
  right: { label: 'Right', keys: ['ArrowRight'] },
  home: { label: 'Home', keys: ['Home'] },
  end: { label: 'End', keys: ['End'] },
  pageup: { label: 'PageUp', keys: ['PageUp'] },
  pagedown: { label: 'PageDown', keys: ['PageDown'] },
  escape: { label: 'Esc', keys: ['Escape'] },
  esc: { label: 'Esc', keys: ['Escape'] },
  printscreen: { label: 'PrintScreen', keys: ['PrintScreen'] },
  numdec: { label: 'num.', codes: ['NumpadDecimal'] },
  numadd: { label: 'num+', codes: ['NumpadAdd'] },
  numsub: { label: 'num-', codes: ['NumpadSubtract'] },
  nummult: { label: 'num*', codes: ['NumpadMultiply'] },
  numdiv: { label: 'num/', codes: ['NumpadDivide'] },
};

const PUNCTUATION = new Set(")!@#$%^&*(:;+=<,_>.?/~`{]|}['\"-\\");

function keyTarget(token: string): KeyTarget | undefined {
  const lower = token.toLowerCase();
  if (/^[a-z]$/.test(lower)) return { label: lower.toUpperCase(), codes: [`Key${lower.toUpperCase()}`] };
  if (/^[0-9]$/.test(lower)) return { label: lower, codes: [`Digit${lower}`] };
  if (/^f([1-9]|1[0-9]|2[0-4])$/.test(lower)) return { label: lower.toUpperCase(), codes: [lower.toUpperCase()], keys: [lower.toUpperCase()] };
  if (/^num[0-9]$/.test(lower)) return { label: lower, codes: [`Numpad${lower.slice(3)}`] };
  if (token.length === 1 && PUNCTUATION.has(token)) return { label: token, keys: [token], character: true };
  return NAMED_KEYS[lower];
}

/** Splits on '+', where a trailing "++" (or the whole string "+") is the plus key itself. */
function tokens(text: string): string[] {
  if (text === '+') return ['+'];
  if (text.endsWith('++')) return [...(text.length > 2 ? text.slice(0, -2).split('+') : []), '+'];
  return text.split('+');
}

/** Parses one accelerator; a string the console cannot match is reported, never thrown (a bad hotkey must not stop the page). */
export function parseAccelerator(text: string, platform: Platform): ParsedAccelerator {
  const parts = tokens(text.trim());
  const keyToken = parts.pop();
  if (keyToken === undefined || keyToken === '') return { ok: false, message: `'${text}' names no key` };
  const held = new Set<Modifier>();
  for (const part of parts) {
    const named = MODIFIERS[part.toLowerCase()];
    if (named === undefined) return { ok: false, message: `'${part}' in '${text}' is not a modifier (Ctrl, Alt, Shift, Cmd, CmdOrCtrl, Super, AltGr)` };
    const modifier = named === 'commandOrControl' ? (platform === 'mac' ? 'meta' : 'control') : named;
    if (held.has(modifier)) return { ok: false, message: `'${text}' repeats a modifier` };
    held.add(modifier);
  }
  const target = keyTarget(keyToken);
  if (target === undefined) return { ok: false, message: `'${keyToken}' in '${text}' is not a key an accelerator can name` };
  const order: Modifier[] = ['control', 'altGraph', 'alt', 'shift', 'meta'];
  const label = [...order.filter((modifier) => held.has(modifier)).map((modifier) => MODIFIER_LABELS[modifier][platform]), target.label].join('+');
  return {
    ok: true,
    chord: {
      label,
      codes: target.codes ?? [],
      keys: target.keys ?? [],
      control: held.has('control'),
      alt: held.has('alt'),
      meta: held.has('meta'),
      shift: held.has('shift') ? true : target.character ? 'any' : false,
      altGraph: held.has('altGraph') ? true : target.character ? 'any' : false,
    },
  };
}

/** Whether a keydown is this chord: the key, and exactly the modifiers it names (Ctrl+K is not Ctrl+Shift+K). */
export function matchesChord(chord: KeyChord, press: KeyPress): boolean {
  if (!chord.codes.includes(press.code) && !chord.keys.includes(press.key)) return false;
  const altGraph = press.getModifierState?.('AltGraph') ?? false;
  if (chord.altGraph !== 'any' && chord.altGraph !== altGraph) return false;
  if (chord.shift !== 'any' && chord.shift !== press.shiftKey) return false;
  if (chord.meta !== press.metaKey) return false;
  // Windows reports AltGr as Ctrl+Alt as well: with AltGr down (and allowed), those two say nothing more.
  if (altGraph) return true;
  return chord.control === press.ctrlKey && chord.alt === press.altKey;
}

/** The platform of this browser, for CmdOrCtrl. */
export function platformOf(navigatorPlatform: string): Platform {
  return /mac|iphone|ipad/i.test(navigatorPlatform) ? 'mac' : 'other';
}
