// The wall preview on the console: the /wall page (every screen in one WebGL context) in a frame, so the officer sees what the wall shows.
import { bilingual, element } from './dom.ts';
import { STRINGS } from './strings.ts';

export class PreviewView {
  readonly element: HTMLElement;

  constructor() {
    const frame = element('iframe', 'preview-frame');
    frame.src = '/wall';
    frame.title = `${STRINGS.wallPreview.vi} / ${STRINGS.wallPreview.en}`;
    // Our own page (the server lets only its own pages frame it); a sandbox allowing scripts on the same origin would be no sandbox.
    frame.setAttribute('referrerpolicy', 'no-referrer');
    this.element = element('section', 'card preview-card', element('h2', undefined, bilingual(STRINGS.wallPreview)), frame);
  }
}
