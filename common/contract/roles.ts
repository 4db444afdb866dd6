// Who may do what: the roles, ranked, and the least role every control action needs. Declared once, here, for main, the console and the CLI.

/** People's roles, least to most: each may do what the ones before it may. */
export const ROLES = ['viewer', 'operator', 'technician', 'duty-officer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Screen clients: they receive the wall (one screen each) and can command nothing. */
export const DISPLAY_ROLE = 'display';
export type ClientRole = Role | typeof DISPLAY_ROLE;
export const CLIENT_ROLES: readonly ClientRole[] = [...ROLES, DISPLAY_ROLE];

/** Every action the server offers, with the least role it needs. A scene's own `roles` narrow scene.activate further. */
export const LEAST_ROLE = {
  /** Read the wall's state, scenes, telemetry, cameras, health and metrics. */
  'wall.read': 'viewer',
  'audit.read': 'operator',
  'scene.activate': 'operator',
  'scene.previous': 'operator',
  'screens.identify': 'technician',
  'users.manage': 'admin',
  'tokens.manage': 'admin',
} as const satisfies Record<string, Role>;
export type Action = keyof typeof LEAST_ROLE;

/** Scenes that say nothing about roles may be activated by these (and admin). */
export const DEFAULT_SCENE_ROLES: readonly Role[] = ['operator', 'technician', 'duty-officer'];

const rank = (role: ClientRole): number => (ROLES as readonly string[]).indexOf(role);

/** Whether `role` may do `action`: displays may do nothing, people what their rank allows. */
export function allows(role: ClientRole, action: Action): boolean {
  return role !== DISPLAY_ROLE && rank(role) >= rank(LEAST_ROLE[action]);
}

/** Whether `role` may activate a scene whose layout lists `sceneRoles` (admin always may). */
export function mayActivate(role: ClientRole, sceneRoles: readonly Role[] | undefined): boolean {
  if (!allows(role, 'scene.activate')) return false;
  return role === 'admin' || (sceneRoles ?? DEFAULT_SCENE_ROLES).includes(role as Role);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
