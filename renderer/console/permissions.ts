// What the signed-in person may do on this console: the actions the server lists for their session, and each scene's button (allowed, or who it needs).
import type { SceneSummary, SessionInfo } from '../../common/contract/control.ts';
import { mayActivate, ROLES, type Action, type ClientRole, type Role } from '../../common/contract/roles.ts';
import { needsRoles, ROLE_NAMES, type Localised } from './strings.ts';

/** Who is signed in, as the page keeps it: the CSRF token stays with the API client, never here (nor in any storage). */
export interface SignedIn {
  readonly actor: string;
  readonly role: ClientRole;
  readonly allowed: readonly Action[];
}

export function signedInOf(session: SessionInfo): SignedIn {
  return { actor: session.actor, role: session.role, allowed: [...session.allowed] };
}

/** Two answers name the same person with the same rights: nothing the page shows depends on which one it holds. */
export function sameSignedIn(a: SignedIn | undefined, b: SignedIn | undefined): boolean {
  if (!a || !b) return a === b;
  return a.actor === b.actor && a.role === b.role && a.allowed.length === b.allowed.length && a.allowed.every((action) => b.allowed.includes(action));
}

/** The server's list decides (it knows the site's rules); signed out, nothing is allowed. */
export function may(session: SignedIn | undefined, action: Action): boolean {
  return session !== undefined && session.allowed.includes(action);
}

export type SceneAccess =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'signed-out' }
  /** Signed in, but the role may not activate this scene: `needs` says who may, for the button and the refusal. */
  | { readonly allowed: false; readonly reason: 'role'; readonly needs: readonly Role[] };

/**
 * Whether this session may activate `scene`. The scene list carries the server's answer for the session it was read
 * with (`listedFor`); read with another one (just signed in, another tab changed users) the page works it out from the
 * shared rule until the list is read again, so that the buttons never wait for the network to match the header.
 */
export function sceneAccessOf(scene: SceneSummary, session: SignedIn | undefined, listedFor: SignedIn | undefined): SceneAccess {
  if (!session) return { allowed: false, reason: 'signed-out' };
  const allowed = sameSignedIn(session, listedFor) ? scene.allowed && may(session, 'scene.activate') : may(session, 'scene.activate') && mayActivate(session.role, scene.roles);
  return allowed ? { allowed: true } : { allowed: false, reason: 'role', needs: rolesThatMayActivate(scene.roles) };
}

/** The people who may activate a scene listing `sceneRoles`, least first: those of them ranked to activate scenes at all, else the admin alone. */
export function rolesThatMayActivate(sceneRoles: readonly Role[] | undefined): Role[] {
  const listed = ROLES.filter((role) => role !== 'admin' && mayActivate(role, sceneRoles));
  return listed.length > 0 ? listed : ['admin'];
}

/** "cần Trực ban / needs Duty officer": why a scene's button is disabled. */
export function needsText(roles: readonly Role[]): Localised {
  return needsRoles(roles.map((role) => ROLE_NAMES[role]));
}

export function roleName(role: ClientRole): Localised {
  return ROLE_NAMES[role];
}

