// The top bar: what this page is, which wall, whether live updates flow, and who is signed in with which role (with the sign-out button).
import { bilingual, element } from './dom.ts';
import { roleName, type SignedIn } from './permissions.ts';
import type { EventsConnection } from './scene-events.ts';
import { STRINGS, type Localised } from './strings.ts';

export interface SessionView {
  readonly signedIn: SignedIn | undefined;
  /** Signing in or out right now, or not yet known. */
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

  setSession({ signedIn, busy }: SessionView): void {
    this.session.dataset.state = signedIn ? 'signed-in' : 'signed-out';
    if (busy && !signedIn) this.session.replaceChildren(bilingual(STRINGS.signingIn));
    else if (signedIn) {
      const role = element('span', 'role', bilingual(roleName(signedIn.role)));
      role.dataset.role = signedIn.role;
      role.title = `${STRINGS.role.vi} / ${STRINGS.role.en}`;
      this.session.replaceChildren(bilingual(STRINGS.signedInAs), element('code', 'actor', signedIn.actor), role);
    } else this.session.replaceChildren(bilingual(STRINGS.notSignedIn));
    this.signOutButton.hidden = !signedIn;
    this.signOutButton.disabled = busy;
  }
}
