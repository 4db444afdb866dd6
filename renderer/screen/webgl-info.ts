// The GPU behind the canvas ("SwiftShader", "Mesa Intel …"), for the health report, where the browser tells.
import type { Renderer } from 'pixi.js';

export function webglRendererName(renderer: Renderer): string | undefined {
  const gl = (renderer as Partial<{ gl: WebGLRenderingContext | WebGL2RenderingContext }>).gl;
  if (!gl || gl.isContextLost()) return undefined;
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name: unknown = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
    return typeof name === 'string' && name !== '' ? name.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
