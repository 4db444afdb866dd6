// The one way a page starts pixi: WebGL, the window's size and pixel ratio, frames on demand only; shared by the screen and the wall preview.
import { Application } from 'pixi.js';

export async function startApplication(background: number): Promise<Application> {
  const app = new Application();
  await app.init({
    preference: 'webgl',
    antialias: true,
    resolution: window.devicePixelRatio || 1,
    autoDensity: true,
    background,
    width: window.innerWidth,
    height: window.innerHeight,
    // Frames are drawn on demand by the RenderLoop, never by pixi's ticker.
    autoStart: false,
    sharedTicker: false,
  });
  app.ticker.stop();
  document.body.appendChild(app.canvas);
  return app;
}
