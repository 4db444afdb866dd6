// The top bar: what this page is, which wall, whether live updates flow, and who is signed in (with the sign-out button).
import { bilingual, element } from './dom.ts';
import type { EventsConnection } from './scene-events.ts';
import { STRINGS, type Localised } from './strings.ts';

export interface SessionView {
  readonly signedIn: boolean;
  readonly actor?: string;
  /** Signing in or out right now. */
  readonly busy: boolean;
}

export class HeaderView {
  readonly element: HTMLElement;
  private readonly wallName = element('div', 'wall-name');
  private readonly events = element('div', 'pill events');
  private readonly session = element('div', 'session');
  private readonly signOutButton = element('button', 'sign-out', bilingual(STRINGS.signOut));

  constructor(onSignOut: () => void) {
    this.signOutButton.type = 'button';
    this.signOutButton.addEventListener('click', onSignOut);
    this.element = element(
      'header',
      'top',
      element('div', 'brand', element('h1', undefined, bilingual(STRINGS.title)), this.wallName),
      element('div', 'top-status', this.events, this.session, this.signOutButton),
    );
    this.setEvents('connecting');
  }

  setWallName(name: Localised | undefined): void {
    this.wallName.replaceChildren(name ? bilingual(name) : '');
  }

  setEvents(connection: EventsConnection): void {
    const text = connection === 'connected' ? STRINGS.live : connection === 'connecting' ? STRINGS.connecting : STRINGS.disconnected;
    this.events.dataset.state = connection;
    this.events.replaceChildren(element('span', 'dot'), bilingual(text));
  }

  setSession(session: SessionView): void {
    this.session.dataset.state = session.signedIn ? 'signed-in' : 'signed-out';
    if (session.busy && !session.signedIn) this.session.replaceChildren(bilingual(STRINGS.signingIn));
    else if (session.signedIn) this.session.replaceChildren(bilingual(STRINGS.signedInAs), session.actor ? element('code', 'actor', session.actor) : '');
    else this.session.replaceChildren(bilingual(STRINGS.notSignedIn));
    this.signOutButton.hidden = !session.signedIn;
    this.signOutButton.disabled = session.busy;
  }
}
