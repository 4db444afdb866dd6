// Entry of the operator console page (/console): takes the login code out of the address, opens the live state socket, starts the console.
import '../../assets/fonts/fonts.css';
import './page.css';
import { webSocketTransport } from '../../common/contract/transport.ts';
import { browserScheduler } from '../screen/browser-scheduler.ts';
import { platformOf } from './accelerator.ts';
import { api } from './api.ts';
import { ConsoleApp } from './console-app.ts';
import { readLoginFragment } from './login-fragment.ts';
import { EVENTS_PATH, SceneEvents } from './scene-events.ts';

function eventsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${EVENTS_PATH}`;
}

// First thing, before any await: the one-time code must not stay in the address bar, the history or a bookmark.
const login = readLoginFragment(location.hash);
if (login.code !== undefined) history.replaceState(history.state, '', `${location.pathname}${location.search}${login.rest}`);

const scheduler = browserScheduler();
const events = new SceneEvents(
  webSocketTransport(eventsUrl(), (url) => new WebSocket(url)),
  scheduler,
);
const app = new ConsoleApp({
  root: document.body,
  api,
  events,
  scheduler,
  platform: platformOf(navigator.platform),
  loginCode: login.code,
  elapsed: () => performance.now(),
});
void app.start();

window.addEventListener('pagehide', (event) => {
  // A page kept in the back-forward cache comes back as it was: only a page really going away lets go of its socket and timers.
  if (event.persisted) return;
  app.dispose();
  events.dispose();
});
