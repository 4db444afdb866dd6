// Scene commands, pure: reading an MQTT command payload exactly, and deciding whether a role may activate a scene of the layout.
import { DEFAULT_SCENE_ROLES, mayActivate, type ClientRole } from '../../common/contract/index.ts';
import type { WallLayout } from '../../common/wall/index.ts';

/** Why a scene command was refused: recorded in the audit log as `{code, reason}`. */
export type SceneRefusalCode = 'too_large' | 'malformed_json' | 'invalid_command' | 'not_signed_in' | 'unknown_scene' | 'no_previous_scene' | 'not_allowed';

export interface SceneRefusal {
  readonly code: SceneRefusalCode;
  /** A sentence for the log and the audit trail. */
  readonly reason: string;
}

/** A command is a few dozen bytes; anything much larger is not one. */
export const MAXIMUM_COMMAND_BYTES = 1024;
const SCENE_ID = /^[a-z0-9_]{1,64}$/;
const KEYS_RECORDED = 10;

export type ParsedSceneCommand =
  | { readonly ok: true; readonly scene: string }
  /** `request` describes what came (sizes and key names, never values: a payload may carry anything), for the audit log. */
  | ({ readonly ok: false; readonly request: Readonly<Record<string, unknown>> } & SceneRefusal);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads `{"scene": "<id>"}`, and nothing else: commands must be exact, so an unknown key refuses the command. */
export function parseSceneCommand(payload: Uint8Array): ParsedSceneCommand {
  const bytes = payload.byteLength;
  if (bytes > MAXIMUM_COMMAND_BYTES) return { ok: false, code: 'too_large', reason: `a command is at most ${MAXIMUM_COMMAND_BYTES} bytes; this one is ${bytes}`, request: { bytes } };
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(payload));
  } catch {
    return { ok: false, code: 'malformed_json', reason: 'the payload is not JSON (UTF-8): send {"scene": "<scene id>"}', request: { bytes } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, code: 'invalid_command', reason: 'a command is a JSON object: {"scene": "<scene id>"}', request: { bytes } };
  }
  const keys = Object.keys(value);
  const request = { bytes, keys: keys.slice(0, KEYS_RECORDED).map((key) => key.slice(0, 64)) };
  const unknown = keys.filter((key) => key !== 'scene');
  if (unknown.length > 0) {
    return { ok: false, code: 'invalid_command', reason: `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, KEYS_RECORDED).map((key) => `'${key.slice(0, 64)}'`).join(', ')}: a command is exactly {"scene": "<scene id>"}`, request };
  }
  const scene = (value as { scene?: unknown }).scene;
  if (scene === undefined) return { ok: false, code: 'invalid_command', reason: 'no scene: send {"scene": "<scene id>"}', request };
  if (typeof scene !== 'string' || !SCENE_ID.test(scene)) return { ok: false, code: 'invalid_command', reason: 'scene must be a scene id (a lowercase word of a-z, 0-9 and _)', request };
  return { ok: true, scene };
}

export type SceneDecision = { readonly ok: true; readonly sceneId: string } | ({ readonly ok: false } & SceneRefusal);

/**
 * Whether `role` may activate `target` (a scene id, or the previous scene) on `layout` now: the scene must exist and
 * list the role (admin always may; scenes without roles take the default ones). Callers without a role are not signed
 * in. `actor` names the caller in the reason.
 */
export function decideSceneActivation(
  role: ClientRole | undefined,
  layout: WallLayout | undefined,
  target: { readonly scene: string } | { readonly previous: string | null },
  actor = 'the caller',
): SceneDecision {
  if (role === undefined) return { ok: false, code: 'not_signed_in', reason: 'not signed in' };
  const scenes = layout?.scenes ?? [];
  const sceneId = 'scene' in target ? target.scene : target.previous;
  if (sceneId === null) return { ok: false, code: 'no_previous_scene', reason: 'there is no previous scene yet' };
  const scene = scenes.find((candidate) => candidate.id === sceneId);
  if (!scene) return { ok: false, code: 'unknown_scene', reason: `no scene '${sceneId}' in the layout; scenes: ${scenes.map((candidate) => candidate.id).join(', ')}` };
  if (!mayActivate(role, scene.roles)) {
    return { ok: false, code: 'not_allowed', reason: `scene '${sceneId}' may be activated by ${[...(scene.roles ?? DEFAULT_SCENE_ROLES), 'admin'].join(', ')}; ${actor} is ${role}` };
  }
  return { ok: true, sceneId };
}
