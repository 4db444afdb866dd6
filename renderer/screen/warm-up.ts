// Renders a scene that is not on screen once into a texture, so its flip frame finds text rasterised and textures, shaders and masks on the GPU.
import { RenderTexture, type Container, type Renderer } from 'pixi.js';
import type { Disposable } from '../../common/contract/events.ts';

/**
 * The visible canvas is never touched: the scene is drawn into a render texture the size of the window
 * (kept and reused), which makes pixi do the work the flip frame would otherwise do: build the
 * instruction set, rasterise and upload every text and image texture, set up the stencil masks. The
 * scene's root becomes a render group (pixi does that to whatever it renders as a root), which keeps
 * those instructions when the root is later put on the stage.
 */
export class OffscreenWarmer implements Disposable {
  private target: RenderTexture | undefined;

  constructor(private readonly renderer: () => Renderer) {}

  warm(root: Container, viewport: { readonly width: number; readonly height: number }): void {
    const renderer = this.renderer();
    const width = Math.max(1, Math.round(viewport.width));
    const height = Math.max(1, Math.round(viewport.height));
    const resolution = renderer.resolution;
    let target = this.target;
    if (!target || target.width !== width || target.height !== height || target.source.resolution !== resolution) {
      target?.destroy(true);
      target = this.target = RenderTexture.create({ width, height, resolution });
    }
    renderer.render({ container: root, target, clear: true });
    // Hands the queued commands to the GPU (process) now, not in the flip frame.
    if ('gl' in renderer) renderer.gl.flush();
  }

  /** After a lost WebGL context: the next warm-up makes its texture again. */
  forget(): void {
    this.target?.destroy(true);
    this.target = undefined;
  }

  dispose(): void {
    this.forget();
  }
}
