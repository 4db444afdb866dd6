// A scene's hotkey fires on exactly its key and modifiers, as Electron would read the layout's accelerator.
import { describe, expect, it } from 'vitest';
import { ACCELERATOR_PATTERN } from '../../common/wall/schema.ts';
import { matchesChord, parseAccelerator, platformOf, type KeyChord, type KeyPress, type Platform } from './accelerator.ts';

function chordOf(text: string, platform: Platform = 'other'): KeyChord {
  const parsed = parseAccelerator(text, platform);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.chord;
}

function press(key: string, code: string, held: Partial<Record<'ctrl' | 'alt' | 'shift' | 'meta' | 'altGraph', boolean>> = {}): KeyPress {
  return {
    key,
    code,
    ctrlKey: held.ctrl ?? false,
    altKey: held.alt ?? false,
    shiftKey: held.shift ?? false,
    metaKey: held.meta ?? false,
    getModifierState: (modifier) => modifier === 'AltGraph' && (held.altGraph ?? false),
  };
}

describe('parseAccelerator', () => {
  it('reads function keys, letters and digits with their modifiers', () => {
    expect(chordOf('F2')).toMatchObject({ label: 'F2', control: false, alt: false, shift: false, meta: false });
    expect(chordOf('Ctrl+Shift+1')).toMatchObject({ label: 'Ctrl+Shift+1', codes: ['Digit1'], control: true, shift: true });
    expect(chordOf('Alt+K')).toMatchObject({ label: 'Alt+K', codes: ['KeyK'], alt: true });
  });

  it('takes CmdOrCtrl as Ctrl off a Mac and as Cmd on one', () => {
    expect(chordOf('CmdOrCtrl+K', 'other')).toMatchObject({ label: 'Ctrl+K', control: true, meta: false });
    expect(chordOf('CommandOrControl+K', 'mac')).toMatchObject({ label: 'Cmd+K', control: false, meta: true });
  });

  it('writes the modifiers in one order whatever order the layout used', () => {
    expect(chordOf('Shift+Ctrl+F5').label).toBe('Ctrl+Shift+F5');
  });

  it('reads the plus key, written Plus or as a trailing "++"', () => {
    expect(chordOf('Ctrl+Plus')).toMatchObject({ keys: ['+'], control: true });
    expect(chordOf('Ctrl++')).toMatchObject({ keys: ['+'], control: true });
  });

  it('reads named and numpad keys', () => {
    expect(chordOf('Esc').keys).toEqual(['Escape']);
    expect(chordOf('PageDown').keys).toEqual(['PageDown']);
    expect(chordOf('num5').codes).toEqual(['Numpad5']);
    expect(chordOf('Space')).toMatchObject({ codes: ['Space'], keys: [' '] });
  });

  it('reports, without throwing, what it cannot read', () => {
    expect(parseAccelerator('Ctrl+', 'other')).toMatchObject({ ok: false, message: expect.stringContaining('names no key') });
    expect(parseAccelerator('Hyper+K', 'other')).toMatchObject({ ok: false, message: expect.stringContaining("'Hyper'") });
    expect(parseAccelerator('Ctrl+F25', 'other')).toMatchObject({ ok: false, message: expect.stringContaining("'F25'") });
    expect(parseAccelerator('Ctrl+Control+K', 'other')).toMatchObject({ ok: false, message: expect.stringContaining('repeats') });
    expect(parseAccelerator('', 'other').ok).toBe(false);
  });

  it('reads every accelerator the layout schema accepts', () => {
    const samples = ['F1', 'F12', 'F24', 'Ctrl+Shift+1', 'CmdOrCtrl+K', 'Alt+Up', 'Super+Tab', 'AltGr+Q', 'Option+numadd', 'Shift+)', 'Ctrl+\\', 'Return', 'Capslock'];
    for (const sample of samples) {
      expect(ACCELERATOR_PATTERN.test(sample), sample).toBe(true);
      expect(parseAccelerator(sample, 'other').ok, sample).toBe(true);
    }
  });
});

describe('matchesChord', () => {
  it('fires F2 on F2 alone', () => {
    const chord = chordOf('F2');
    expect(matchesChord(chord, press('F2', 'F2'))).toBe(true);
    expect(matchesChord(chord, press('F3', 'F3'))).toBe(false);
    expect(matchesChord(chord, press('F2', 'F2', { ctrl: true }))).toBe(false);
    expect(matchesChord(chord, press('F2', 'F2', { shift: true }))).toBe(false);
  });

  it('needs exactly the named modifiers', () => {
    const chord = chordOf('Ctrl+Shift+1');
    // With Shift down the key reads "!", the physical key is still Digit1.
    expect(matchesChord(chord, press('!', 'Digit1', { ctrl: true, shift: true }))).toBe(true);
    expect(matchesChord(chord, press('1', 'Digit1', { ctrl: true }))).toBe(false);
    expect(matchesChord(chord, press('!', 'Digit1', { ctrl: true, shift: true, alt: true }))).toBe(false);
    expect(matchesChord(chordOf('Ctrl+K'), press('K', 'KeyK', { ctrl: true, shift: true }))).toBe(false);
  });

  it('finds letters by their physical key, whatever the layout or input method types', () => {
    expect(matchesChord(chordOf('CmdOrCtrl+K'), press('л', 'KeyK', { ctrl: true }))).toBe(true);
    expect(matchesChord(chordOf('CmdOrCtrl+K', 'mac'), press('k', 'KeyK', { meta: true }))).toBe(true);
    expect(matchesChord(chordOf('CmdOrCtrl+K', 'mac'), press('k', 'KeyK', { ctrl: true }))).toBe(false);
  });

  it('lets a punctuation character decide Shift and AltGr itself', () => {
    expect(matchesChord(chordOf(')'), press(')', 'Digit0', { shift: true }))).toBe(true);
    expect(matchesChord(chordOf('Plus'), press('+', 'NumpadAdd'))).toBe(true);
    // A layout that types "@" with AltGr (reported as Ctrl+Alt on Windows).
    expect(matchesChord(chordOf('@'), press('@', 'KeyQ', { altGraph: true, ctrl: true, alt: true }))).toBe(true);
    expect(matchesChord(chordOf('@'), press('@', 'Digit2', { shift: true, ctrl: true }))).toBe(false);
  });

  it('does not take the numpad for the digit row', () => {
    expect(matchesChord(chordOf('1'), press('1', 'Numpad1'))).toBe(false);
    expect(matchesChord(chordOf('num1'), press('1', 'Numpad1'))).toBe(true);
  });

  it('matches AltGr only when it is down', () => {
    expect(matchesChord(chordOf('AltGr+Q'), press('@', 'KeyQ', { altGraph: true, ctrl: true, alt: true }))).toBe(true);
    expect(matchesChord(chordOf('AltGr+Q'), press('q', 'KeyQ'))).toBe(false);
    expect(matchesChord(chordOf('Q'), press('@', 'KeyQ', { altGraph: true }))).toBe(false);
  });
});

describe('platformOf', () => {
  it('recognises a Mac', () => {
    expect(platformOf('MacIntel')).toBe('mac');
    expect(platformOf('Linux x86_64')).toBe('other');
    expect(platformOf('')).toBe('other');
  });
});
