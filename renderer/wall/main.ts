// Entry of the wall preview (/wall): learns the wall's screens from /api/wall, connects one bridge for all of them, starts one pixi Application, hands over to WallPreviewApp.
// Under the server's CSP (no 'unsafe-eval') pixi must use its precompiled shaders: this import comes before anything creates a renderer.
import 'pixi.js/unsafe-eval';
import './page.css';
import { backoffDelay } from '../../common/contract/backoff.ts';
import { connectWallBridge, type WallBridge } from '../../common/contract/bridge.ts';
import type { Disposable } from '../../common/contract/events.ts';
import { BRIDGE_PATH } from '../../common/contract/messages.ts';
import { webSocketTransport } from '../../common/contract/transport.ts';
import type { WallDescription } from '../../common/wall/describe.ts';
import { browserScheduler } from '../screen/browser-scheduler.ts';
import { loadFonts } from '../screen/fonts.ts';
import { SeriesStore } from '../screen/series-store.ts';
import { WallPreviewApp } from './preview-app.ts';
import { sameScreens, screenIdsOf } from './screen-ids.ts';
import { PREVIEW_COLOURS } from './wall-view.ts';
import { startApplication } from '../screen/pixi-application.ts';

function bridgeUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${BRIDGE_PATH}`;
}

/** The wall as the server describes it (same origin); throws on a network error or an error status (503 before a layout is loaded). */
async function fetchWall(): Promise<WallDescription> {
  const response = await fetch('/api/wall', { cache: 'no-store', credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /api/wall: HTTP ${response.status}`);
  return (await response.json()) as WallDescription;
}

/** Without WebGL there is no canvas to draw on: say so in the page itself rather than stay blank. */
function showFatal(error: unknown): void {
  const message = document.createElement('div');
  message.className = 'fatal';
  message.textContent = `Xem trước tường màn hình không khởi động được / The wall preview could not start: ${error instanceof Error ? error.message : String(error)}`;
  document.body.replaceChildren(message);
}

async function start(): Promise<void> {
  const scheduler = browserScheduler();
  const values = new SeriesStore();
  const cleanup: Disposable[] = [];
  let bridge: WallBridge | undefined;
  let stopped = false;

  const fonts = loadFonts();
  const wall = fetchWall().then(
    (description) => ({ description }),
    (error: unknown) => ({ error }),
  );
  const app = await startApplication(PREVIEW_COLOURS.room);
  const fontsReady = await fonts;
  const preview = new WallPreviewApp({ app, values, fontsReady, scheduler, title: 'ioc-wall' });

  /** Once the screen ids are known: one bridge for all of them; the assignment then carries every screen and values come once for all. */
  const connect = (description: WallDescription) => {
    const screens = screenIdsOf(description);
    const connected = connectWallBridge({
      transport: webSocketTransport(bridgeUrl(), (url) => new WebSocket(url)),
      screens,
      client: 'preview',
      scheduler,
    });
    bridge = connected;
    cleanup.push(connected.onDidUpdateValues((message) => values.apply(message)));
    cleanup.push(connected.onDidRequireReload(() => location.reload()));
    // A reloaded layout may have other screens than the ones asked for: ask again, and start over if so.
    let layoutVersion: number | undefined;
    cleanup.push(
      connected.onDidAssign((assignment) => {
        const changed = layoutVersion !== undefined && assignment.layoutVersion !== layoutVersion;
        layoutVersion = assignment.layoutVersion;
        if (!changed && assignment.screens.every((screen) => screen.known)) return;
        fetchWall().then(
          (latest) => {
            if (!stopped && !sameScreens(screenIdsOf(latest), screens)) location.reload();
          },
          (error: unknown) => console.warn('wall preview: checking the screens of the new layout failed:', error),
        );
      }),
    );
    preview.follow(connected, screens, description.wall.id);
  };

  /** Asks for the wall until it answers (the server may be starting, or have no layout yet), with the bridge's backoff. */
  let attempt = 0;
  let retry: Disposable | undefined;
  const settle = (outcome: { description: WallDescription } | { error: unknown }) => {
    if (stopped) return;
    if ('description' in outcome) {
      connect(outcome.description);
      return;
    }
    console.warn('wall preview: GET /api/wall failed, trying again:', outcome.error);
    preview.setConnection('disconnected');
    retry = scheduler.setTimeout(() => {
      retry = undefined;
      preview.setConnection('connecting');
      void fetchWall().then(
        (description) => settle({ description }),
        (error: unknown) => settle({ error }),
      );
    }, backoffDelay(attempt++, scheduler.random));
  };
  settle(await wall);

  window.addEventListener(
    'pagehide',
    () => {
      stopped = true;
      retry?.dispose();
      for (const item of cleanup) item.dispose();
      preview.dispose();
      bridge?.dispose();
      values.dispose();
      app.destroy(true, { children: true });
    },
    { once: true },
  );
}

start().catch((error: unknown) => {
  console.error('wall preview failed to start:', error);
  showFatal(error);
});
