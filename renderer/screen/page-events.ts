// What a drawing page must follow of its window and GL context: resizes (settled, since they come in bursts while a window is dragged) and context loss and restore.
import type { Disposable, Scheduler } from '../../common/contract/events.ts';

const RESIZE_SETTLE_MILLISECONDS = 120;

export interface PageEventHandlers {
  /** The window's size settled on a new value. */
  resized(): void;
  /** The GL context is gone: stop drawing until it is restored. */
  contextLost(): void;
  /** pixi restored the GL objects it owns; what the page made itself (textures, scenes) must be made again. */
  contextRestored(): void;
}

export function followPageEvents(canvas: HTMLCanvasElement, scheduler: Scheduler, handlers: PageEventHandlers): Disposable {
  let settling: Disposable | undefined;
  const onResize = () => {
    settling?.dispose();
    settling = scheduler.setTimeout(() => {
      settling = undefined;
      handlers.resized();
    }, RESIZE_SETTLE_MILLISECONDS);
  };
  const onLost = (event: Event) => {
    // Without preventDefault the browser never restores the context.
    event.preventDefault();
    handlers.contextLost();
  };
  const onRestored = () => handlers.contextRestored();
  window.addEventListener('resize', onResize);
  canvas.addEventListener('webglcontextlost', onLost);
  canvas.addEventListener('webglcontextrestored', onRestored);
  return {
    dispose: () => {
      settling?.dispose();
      window.removeEventListener('resize', onResize);
      canvas.removeEventListener('webglcontextlost', onLost);
      canvas.removeEventListener('webglcontextrestored', onRestored);
    },
  };
}
