// The layout's scene hotkeys on the console page: a matching keydown (not a repeat) activates its scene, and the browser's own use of the key is stopped.
import type { Disposable } from '../../common/contract/events.ts';
import { matchesChord, type KeyChord } from './accelerator.ts';

/** Typing in a field is never a scene command. */
function isEditable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement);
}

export function listenForHotkeys(target: Window, chords: () => ReadonlyMap<string, KeyChord>, onHotkey: (sceneId: string) => void): Disposable {
  const listener = (event: KeyboardEvent) => {
    if (event.isComposing || isEditable(event.target)) return;
    for (const [sceneId, chord] of chords()) {
      if (!matchesChord(chord, event)) continue;
      // F1 (help), F3 (find), F5 (reload) ... must not also do what the browser does with them.
      event.preventDefault();
      // A held key repeats: one press, one command.
      if (!event.repeat) onHotkey(sceneId);
      return;
    }
  };
  target.addEventListener('keydown', listener);
  return { dispose: () => target.removeEventListener('keydown', listener) };
}
