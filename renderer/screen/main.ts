// Entry of the screen page: reads the screen id (and takes the display token out of the address), connects the bridge, loads the fonts, starts pixi, hands over to ScreenApp.
// Under the server's CSP (no 'unsafe-eval') pixi must use its precompiled shaders: this import comes before anything creates a renderer.
import 'pixi.js/unsafe-eval';
import './page.css';
import { connectWallBridge, type WallBridge } from '../../common/contract/bridge.ts';
import { BRIDGE_PATH } from '../../common/contract/messages.ts';
import { webSocketTransport } from '../../common/contract/transport.ts';
import { browserScheduler } from './browser-scheduler.ts';
import { DisplayAccess, exchangeDisplayToken, readDisplayToken } from './display-access.ts';
import { loadFonts } from './fonts.ts';
import { ScreenApp } from './screen-app.ts';
import { screenIdFromPath } from './screen-id.ts';
import { SeriesStore } from './series-store.ts';
import { COLOURS } from './theme.ts';
import { startApplication } from './pixi-application.ts';

function bridgeUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${BRIDGE_PATH}`;
}

/** Without WebGL there is no canvas to draw on: say so in the page itself rather than stay black. */
function showFatal(error: unknown): void {
  const message = document.createElement('div');
  message.className = 'fatal';
  message.textContent = `Màn hình không khởi động được / The screen could not start: ${error instanceof Error ? error.message : String(error)}`;
  document.body.replaceChildren(message);
}

// First thing, before any await: the display token must not stay in the address bar, the history or a screenshot of the kiosk.
const displayToken = readDisplayToken(location.hash);
if (displayToken.token !== undefined) history.replaceState(history.state, '', `${location.pathname}${location.search}${displayToken.rest}`);

async function start(): Promise<void> {
  const screenId = screenIdFromPath(location.pathname);
  const scheduler = browserScheduler();
  const values = new SeriesStore();
  let bridge: WallBridge | undefined;
  let access: DisplayAccess | undefined;
  if (screenId !== undefined) {
    // The token (if the address had one) buys the session cookie before the bridge's first socket; the socket's refusals come back through it.
    access = new DisplayAccess(
      webSocketTransport(bridgeUrl(), (url) => new WebSocket(url)),
      { token: displayToken.token, exchange: (token) => exchangeDisplayToken(token, screenId) },
    );
    // Connect first: the assignment and values travel while the fonts load and pixi starts.
    bridge = connectWallBridge({
      transport: access.transport,
      screens: [screenId],
      client: 'screen',
      scheduler,
    });
    bridge.onDidUpdateValues((message) => values.apply(message));
  }
  const fonts = loadFonts();
  const app = await startApplication(COLOURS.background);
  const fontsReady = await fonts;
  const screen = new ScreenApp({ app, bridge, screenId, values, fontsReady, scheduler, reload: () => location.reload(), ...(access ? { access } : {}) });
  window.addEventListener(
    'pagehide',
    () => {
      screen.dispose();
      bridge?.dispose();
      access?.dispose();
      values.dispose();
      app.destroy(true, { children: true });
    },
    { once: true },
  );
}

start().catch((error: unknown) => {
  console.error('screen failed to start:', error);
  showFatal(error);
});
