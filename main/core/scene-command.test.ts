// Scene commands, pure: only {"scene": id} is a command, and a role activates only the scenes that list it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLayout } from '../../common/wall/index.ts';
import { decideSceneActivation, MAXIMUM_COMMAND_BYTES, parseSceneCommand } from './scene-command.ts';

const REFERENCE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../wall-layouts/ioc-province.yaml');
const layout = parseLayout(readFileSync(REFERENCE, 'utf8')).layout!;

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseSceneCommand', () => {
  it('reads {"scene": id}', () => {
    expect(parseSceneCommand(bytes('{"scene": "flood"}'))).toEqual({ ok: true, scene: 'flood' });
    expect(parseSceneCommand(bytes(' {"scene":"normal"}\n'))).toEqual({ ok: true, scene: 'normal' });
  });

  it.each([
    ['not JSON', 'flood', 'malformed_json'],
    ['truncated JSON', '{"scene": "flo', 'malformed_json'],
    ['empty', '', 'malformed_json'],
    ['a bare string', '"flood"', 'invalid_command'],
    ['a list', '["flood"]', 'invalid_command'],
    ['null', 'null', 'invalid_command'],
    ['no scene', '{}', 'invalid_command'],
    ['a number for a scene', '{"scene": 2}', 'invalid_command'],
    ['an id that is not one', '{"scene": "Flood!"}', 'invalid_command'],
    ['an unknown key besides the scene', '{"scene": "flood", "force": true}', 'invalid_command'],
  ])('refuses %s', (_, payload, code) => {
    expect(parseSceneCommand(bytes(payload))).toMatchObject({ ok: false, code });
  });

  it('refuses bytes that are not UTF-8, and a payload too large to be a command, unread', () => {
    expect(parseSceneCommand(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({ ok: false, code: 'malformed_json', request: { bytes: 4 } });
    const large = bytes(`{"scene": "flood", "padding": "${'x'.repeat(MAXIMUM_COMMAND_BYTES)}"}`);
    expect(parseSceneCommand(large)).toEqual({ ok: false, code: 'too_large', reason: `a command is at most 1024 bytes; this one is ${large.byteLength}`, request: { bytes: large.byteLength } });
  });

  it('names unknown keys in the reason, and records key names but never values (a payload may carry anything)', () => {
    const result = parseSceneCommand(bytes('{"scene": "flood", "password": "hunter2"}'));
    expect(result).toEqual({
      ok: false,
      code: 'invalid_command',
      reason: `unknown key 'password': a command is exactly {"scene": "<scene id>"}`,
      request: { bytes: 41, keys: ['scene', 'password'] },
    });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});

describe('decideSceneActivation', () => {
  it('lets a duty officer activate flood (it lists duty-officer) and an operator normal (no roles: the default ones)', () => {
    expect(layout.scenes.find((scene) => scene.id === 'flood')?.roles).toEqual(['duty-officer']);
    expect(decideSceneActivation('duty-officer', layout, { scene: 'flood' })).toEqual({ ok: true, sceneId: 'flood' });
    expect(decideSceneActivation('operator', layout, { scene: 'normal' })).toEqual({ ok: true, sceneId: 'normal' });
    expect(decideSceneActivation('admin', layout, { scene: 'calibration' })).toEqual({ ok: true, sceneId: 'calibration' });
  });

  it('refuses a role the scene does not list, a viewer, a display, and nobody', () => {
    expect(decideSceneActivation('operator', layout, { scene: 'flood' }, 'user:lan')).toEqual({
      ok: false,
      code: 'not_allowed',
      reason: "scene 'flood' may be activated by duty-officer, admin; user:lan is operator",
    });
    expect(decideSceneActivation('viewer', layout, { scene: 'normal' })).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(decideSceneActivation('display', layout, { scene: 'normal' })).toMatchObject({ ok: false, code: 'not_allowed' });
    expect(decideSceneActivation(undefined, layout, { scene: 'normal' })).toMatchObject({ ok: false, code: 'not_signed_in' });
  });

  it('refuses a scene the layout does not have, listing those it has, and a previous scene that is not there yet', () => {
    expect(decideSceneActivation('admin', layout, { scene: 'tsunami' })).toEqual({
      ok: false,
      code: 'unknown_scene',
      reason: "no scene 'tsunami' in the layout; scenes: normal, flood, traffic_incident, epidemic, calibration",
    });
    expect(decideSceneActivation('admin', undefined, { scene: 'normal' })).toMatchObject({ ok: false, code: 'unknown_scene' });
    expect(decideSceneActivation('admin', layout, { previous: null })).toMatchObject({ ok: false, code: 'no_previous_scene' });
    expect(decideSceneActivation('duty-officer', layout, { previous: 'flood' })).toEqual({ ok: true, sceneId: 'flood' });
  });
});
