// Test helper for state-store.test.ts: commits scene versions in a loop, as the command path would, until it is killed with SIGKILL.
//
// Usage: node --import tsx state-store.crash-child.ts <data folder>
// Each round: audit entry (pending) -> commitScene(n) -> "committed n" on standard output -> outcome ok.
// It continues from the stored version, so several children in turn keep the versions going up.
import { writeSync } from 'node:fs';
import { StateStore } from './state-store.ts';

const SCENES = ['normal', 'flood', 'traffic'];
/** A bound, in case the test that should kill it does not: a runaway child stops by itself. */
const MAXIMUM_COMMITS = 200_000;

const directory = process.argv[2];
if (!directory) {
  process.stderr.write('usage: state-store.crash-child.ts <data folder>\n');
  process.exit(2);
}

const store = StateStore.open(directory);
let committed = store.committedScene();
for (let count = 0; count < MAXIMUM_COMMITS; count += 1) {
  const version = (committed?.version ?? 0) + 1;
  const sceneId = SCENES[version % SCENES.length]!;
  // The child is a stand-in for the wall's command path, which takes its time from the Scheduler port.
  const now = Date.now();
  const auditId = store.appendAudit({ at: now, actor: 'test:crash-child', origin: 'cli', action: 'scene.activate', target: sceneId, request: { sceneId, version } });
  const scene = { sceneId, version, committedAt: now, previousSceneId: committed?.sceneId ?? null };
  store.commitScene(scene);
  committed = scene;
  // writeSync: the line is in the pipe before the next step, so the parent never sees a commit the file might not hold.
  // A parent that went away makes this throw EPIPE, which ends the child.
  writeSync(1, `committed ${version}\n`);
  store.recordOutcome(auditId, { at: now, result: 'ok' });
}
store.dispose();
