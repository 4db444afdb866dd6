// Activating a scene as someone: one audit record per call, refusals with their reason, the switch through the command path.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SwitchOutcome } from '../../common/contract/index.ts';
import { parseLayout } from '../../common/wall/index.ts';
import { CommandPath } from '../core/command-path.ts';
import { SupersededError, type CommittedScene } from '../core/wall-runtime.ts';
import { nodeScheduler } from './node-scheduler.ts';
import { SceneCommands } from './scene-commands.ts';
import { StateStore } from './state-store.ts';

const REFERENCE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../wall-layouts/ioc-province.yaml');
const layout = parseLayout(readFileSync(REFERENCE, 'utf8')).layout!;

let directory: string;
let store: StateStore;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'ioc-wall-scene-commands-'));
  store = StateStore.open(directory);
});
afterEach(() => {
  store.dispose();
  rmSync(directory, { recursive: true, force: true });
});

/** A runtime that records what it was asked to activate; `fail` makes it throw instead. */
function setUp(scene: CommittedScene = { sceneId: 'normal', version: 3, committedAt: 1, previousSceneId: null }, fail?: Error) {
  const activated: string[] = [];
  const runtime = {
    layout,
    scene,
    activate: (sceneId: string): Promise<SwitchOutcome> => {
      activated.push(sceneId);
      if (fail) return Promise.reject(fail);
      return Promise.resolve({ sceneId, version: scene.version + 1, committedAt: 2, screens: { flipped: [], late: [], failed: [] } });
    },
  };
  const commands = new CommandPath(store, nodeScheduler, (error) =>
    error instanceof SupersededError ? { result: 'superseded', detail: { supersededBy: error.supersededBy } } : { result: 'failed', detail: { message: String(error) } },
  );
  return { scenes: new SceneCommands({ runtime, commands }), activated };
}

describe('SceneCommands.activate', () => {
  it('switches through the command path and audits the outcome', async () => {
    const { scenes, activated } = setUp();
    const result = await scenes.activate({ actor: 'user:lan', role: 'duty-officer' }, '10.0.0.5', { scene: 'flood' });
    expect(result).toMatchObject({ kind: 'done', sceneId: 'flood', outcome: { version: 4 } });
    expect(activated).toEqual(['flood']);
    expect(store.audit()).toMatchObject([{ actor: 'user:lan', origin: '10.0.0.5', action: 'scene.activate', target: 'flood', request: { scene: 'flood' }, result: 'ok' }]);
  });

  it('refuses, and audits, a role the scene does not take, an unknown scene and a caller who is not signed in; nothing is activated', async () => {
    const { scenes, activated } = setUp();
    expect(await scenes.activate({ actor: 'user:op', role: 'operator' }, '10.0.0.6', { scene: 'flood' })).toMatchObject({ kind: 'refused', code: 'not_allowed' });
    expect(await scenes.activate({ actor: 'user:op', role: 'operator' }, '10.0.0.6', { scene: 'tsunami' })).toMatchObject({
      kind: 'refused',
      code: 'unknown_scene',
      scenes: ['normal', 'flood', 'traffic_incident', 'epidemic', 'calibration'],
    });
    expect(await scenes.activate(undefined, '10.0.0.7', { scene: 'normal' })).toMatchObject({ kind: 'refused', code: 'not_signed_in' });
    expect(activated).toEqual([]);
    expect(store.audit().map(({ actor, target, result, detail }) => ({ actor, target, result, detail }))).toEqual([
      { actor: 'anonymous', target: 'normal', result: 'refused', detail: { reason: expect.stringContaining('not signed in') } },
      { actor: 'user:op', target: 'tsunami', result: 'refused', detail: { reason: "no scene 'tsunami' in the layout; scenes: normal, flood, traffic_incident, epidemic, calibration" } },
      { actor: 'user:op', target: 'flood', result: 'refused', detail: { reason: "scene 'flood' may be activated by duty-officer, admin; user:op is operator" } },
    ]);
  });

  it('goes back to the previous scene, or refuses when there is none', async () => {
    const back = setUp({ sceneId: 'flood', version: 5, committedAt: 1, previousSceneId: 'normal' });
    expect(await back.scenes.activate({ actor: 'user:lan', role: 'operator' }, 'console', { previous: true })).toMatchObject({ kind: 'done', sceneId: 'normal' });
    expect(store.audit()[0]).toMatchObject({ action: 'scene.previous', target: 'normal', request: { scene: 'normal', previous: true }, result: 'ok' });
    const none = setUp();
    expect(await none.scenes.activate({ actor: 'user:lan', role: 'operator' }, 'console', { previous: true })).toMatchObject({ kind: 'refused', code: 'no_previous_scene' });
  });

  it('reports a superseded switch as failed, with the error, audited as superseded', async () => {
    const { scenes } = setUp(undefined, new SupersededError(9));
    const result = await scenes.activate({ actor: 'user:lan', role: 'admin' }, 'console', { scene: 'calibration' });
    expect(result).toMatchObject({ kind: 'failed', sceneId: 'calibration', outcome: { result: 'superseded' } });
    expect(result.kind === 'failed' && result.error).toBeInstanceOf(SupersededError);
    expect(store.audit()[0]).toMatchObject({ result: 'superseded', detail: { supersededBy: 9 } });
  });
});
