// Each role sees the scene buttons it may press enabled, the others disabled with who may, and the page never lags the header.
import { describe, expect, it } from 'vitest';
import type { SceneSummary } from '../../common/contract/control.ts';
import { LEAST_ROLE, allows, type Action, type ClientRole, type Role } from '../../common/contract/roles.ts';
import { may, needsText, rolesThatMayActivate, roleName, sameSignedIn, sceneAccessOf, signedInOf, type SignedIn } from './permissions.ts';

/** What the server lists for a role: every action its rank allows. */
function session(role: ClientRole, actor = `user:${role}`): SignedIn {
  const allowed = (Object.keys(LEAST_ROLE) as Action[]).filter((action) => allows(role, action));
  return signedInOf({ actor, role, csrf: 'secret', allowed });
}

function scene(id: string, roles: readonly Role[], allowed: boolean): SceneSummary {
  return { id, name: { vi: id, en: id }, active: false, allowed, roles };
}

const flood = (allowed: boolean) => scene('flood', ['duty-officer'], allowed);
const normal = (allowed: boolean) => scene('normal', ['operator', 'technician', 'duty-officer'], allowed);

describe('signedInOf', () => {
  it('keeps who and what, never the CSRF token', () => {
    expect(signedInOf({ actor: 'user:lan', role: 'operator', csrf: 'secret', allowed: ['wall.read'] })).toEqual({ actor: 'user:lan', role: 'operator', allowed: ['wall.read'] });
  });
});

describe('may', () => {
  it("follows the server's list, and allows nothing signed out", () => {
    expect(may(session('technician'), 'screens.identify')).toBe(true);
    expect(may(session('operator'), 'screens.identify')).toBe(false);
    expect(may(session('viewer'), 'audit.read')).toBe(false);
    expect(may(session('operator'), 'audit.read')).toBe(true);
    expect(may(session('display'), 'wall.read')).toBe(false);
    expect(may(undefined, 'wall.read')).toBe(false);
  });
});

describe('sceneAccessOf', () => {
  it("takes the scene list's flag when the list was read with this session", () => {
    const operator = session('operator');
    expect(sceneAccessOf(normal(true), operator, operator)).toEqual({ allowed: true });
    expect(sceneAccessOf(flood(false), operator, operator)).toEqual({ allowed: false, reason: 'role', needs: ['duty-officer'] });
    // The server's word wins over the shared rule: a site may narrow further than the page knows.
    expect(sceneAccessOf(normal(false), operator, operator)).toEqual({ allowed: false, reason: 'role', needs: ['operator', 'technician', 'duty-officer'] });
  });

  it('works it out from the role while the list is another session’s (just signed in: flags all false)', () => {
    const officer = session('duty-officer');
    expect(sceneAccessOf(flood(false), officer, undefined)).toEqual({ allowed: true });
    expect(sceneAccessOf(flood(false), session('admin'), session('operator'))).toEqual({ allowed: true });
    expect(sceneAccessOf(flood(false), session('technician'), undefined)).toMatchObject({ allowed: false, reason: 'role' });
    expect(sceneAccessOf(normal(false), session('viewer'), undefined)).toMatchObject({ allowed: false, reason: 'role' });
  });

  it('refuses every scene signed out, and every scene to a display', () => {
    expect(sceneAccessOf(normal(true), undefined, undefined)).toEqual({ allowed: false, reason: 'signed-out' });
    const display = session('display');
    expect(sceneAccessOf(normal(true), display, display)).toMatchObject({ allowed: false, reason: 'role' });
  });
});

describe('sameSignedIn', () => {
  it('tells a change of person, role or rights', () => {
    expect(sameSignedIn(session('operator'), session('operator'))).toBe(true);
    expect(sameSignedIn(undefined, undefined)).toBe(true);
    expect(sameSignedIn(session('operator'), undefined)).toBe(false);
    expect(sameSignedIn(session('operator', 'user:a'), session('operator', 'user:b'))).toBe(false);
    expect(sameSignedIn(session('operator'), { ...session('operator'), allowed: ['wall.read'] })).toBe(false);
  });
});

describe('who a scene needs', () => {
  it('names the roles that may activate it, least first, and the admin only when nobody else may', () => {
    expect(rolesThatMayActivate(['duty-officer'])).toEqual(['duty-officer']);
    expect(rolesThatMayActivate(['duty-officer', 'operator'])).toEqual(['operator', 'duty-officer']);
    // A viewer listed by mistake cannot activate anything: not named.
    expect(rolesThatMayActivate(['viewer', 'technician'])).toEqual(['technician']);
    expect(rolesThatMayActivate([])).toEqual(['admin']);
    expect(rolesThatMayActivate(undefined)).toEqual(['operator', 'technician', 'duty-officer']);
  });

  it('says it in both languages', () => {
    expect(needsText(['duty-officer'])).toEqual({ vi: 'cần Trực ban', en: 'needs Duty officer' });
    expect(needsText(['operator', 'technician', 'duty-officer'])).toEqual({
      vi: 'cần Điều hành viên, Kỹ thuật viên hoặc Trực ban',
      en: 'needs Operator, Technician or Duty officer',
    });
  });

  it('has a bilingual name for every role', () => {
    expect(roleName('viewer')).toEqual({ vi: 'Người xem', en: 'Viewer' });
    expect(roleName('operator').vi).toBe('Điều hành viên');
    expect(roleName('technician').vi).toBe('Kỹ thuật viên');
    expect(roleName('duty-officer').vi).toBe('Trực ban');
    expect(roleName('admin').vi).toBe('Quản trị');
  });
});
