// Destroying a scene subtree completely: children, the Graphics contexts they own and the text styles they made.
import type { Container, DestroyOptions } from 'pixi.js';

/**
 * pixi.js v8 destroys a Graphics' own context only when `destroy()` gets no options or `context: true`;
 * `{ children: true }` alone leaves every GraphicsContext (and its GPU data) in the renderer's hash
 * (pixijs/pixijs#10586). Text styles are made per text here, so they go with their text. Textures are
 * not destroyed: images belong to the ImageCache, text textures to pixi's text system.
 */
export const DESTROY_SUBTREE: DestroyOptions = { children: true, context: true, style: true };

export function destroySubtree(node: Container): void {
  if (!node.destroyed) node.destroy(DESTROY_SUBTREE);
}
