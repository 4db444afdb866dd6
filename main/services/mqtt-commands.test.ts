// Scene commands over MQTT end to end, in process with real brokers: the embedded aedes and a real mosquitto, the one command path over a real state database, the wall runtime.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BridgeHost, type AuditEntry } from '../../common/contract/index.ts';
import { parseLayout, type WallLayout } from '../../common/wall/index.ts';
import { mosquittoPublish, requireMosquitto, startMosquitto } from '../../device-drivers/mqtt/mosquitto.ts';
import { CommandPath } from '../core/command-path.ts';
import { TelemetryRouter } from '../core/telemetry-router.ts';
import { SupersededError, WallRuntime } from '../core/wall-runtime.ts';
import { MqttCommands } from './mqtt-commands.ts';
import { nodeScheduler } from './node-scheduler.ts';
import { SceneCommands } from './scene-commands.ts';
import { StateStore } from './state-store.ts';
import { TelemetryService } from './telemetry.ts';

const REFERENCE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../wall-layouts/ioc-province.yaml');
const COMMAND = 'ioc-wall/ioc_province/command';
const STATE = 'ioc-wall/ioc_province/state';
const SCADA_PASSWORD = 'a-long-scada-password-for-tests';
const mosquittoIt = requireMosquitto() ? it : it.skip;

/** The reference wall (flood takes duty-officer) with `telemetry` inserted at the top of sources.telemetry. */
function reference(telemetry: string): WallLayout {
  const text = readFileSync(REFERENCE, 'utf8').replace(/^sources:\n {2}telemetry:\n/m, `sources:\n  telemetry:\n${telemetry}`);
  const { layout, problems } = parseLayout(text);
  expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
  return layout!;
}

interface LogLine {
  readonly msg: string;
  readonly [key: string]: unknown;
}

describe('scene commands over MQTT', () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function wall(layout: WallLayout) {
    const lines: LogLine[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
    const directory = mkdtempSync(path.join(tmpdir(), 'ioc-wall-mqtt-commands-'));
    const store = StateStore.open(directory);
    cleanup.push(() => rmSync(directory, { recursive: true, force: true }), () => store.dispose());
    const router = new TelemetryRouter({ scheduler: nodeScheduler, simulated: false });
    router.setLayout(layout);
    const bridge = new BridgeHost(nodeScheduler.now);
    const runtime = new WallRuntime({
      scheduler: nodeScheduler,
      bridge,
      demo: false,
      feed: router,
      persistence: { commit: (scene) => store.commitScene(scene) },
      timing: { prepareMilliseconds: 50, commitLeadMilliseconds: 10, flipReportMilliseconds: 50 },
    });
    runtime.setLayout(layout);
    cleanup.push(() => bridge.dispose(), () => router.dispose(), () => runtime.dispose());
    const commands = new CommandPath(store, nodeScheduler, (error) =>
      error instanceof SupersededError ? { result: 'superseded', detail: { supersededBy: error.supersededBy } } : { result: 'failed', detail: { message: String(error) } },
    );
    const telemetry = await TelemetryService.start(
      { layoutFile: REFERENCE, demo: false, brokerPort: 0, router, scheduler: nodeScheduler, logger, environment: { IOC_TEST_SCADA_PASSWORD: SCADA_PASSWORD } },
      layout,
    );
    cleanup.push(() => telemetry.dispose());
    const scenes = new SceneCommands({ runtime, commands });
    const mqttCommands = new MqttCommands({ telemetry, scenes, runtime, logger });
    cleanup.push(() => mqttCommands.dispose());
    /** Resolves once the wall's connection to `broker` has made its subscriptions `times` times (each connect makes them). */
    const subscribed = (broker: string, times = 1) =>
      vi.waitFor(() => expect(lines.filter((line) => line.msg === 'MQTT subscriptions made' && line.broker === broker).length).toBeGreaterThanOrEqual(times), { timeout: 10_000 });
    const audit = (): AuditEntry[] => store.audit({ limit: 100 });
    return { telemetry, runtime, store, lines, mqttCommands, subscribed, audit, layout };
  }

  /** The retained state of the wall, as a client connecting now reads it. */
  async function retainedState(url: string): Promise<unknown> {
    const reader = await connectAsync(url, { reconnectPeriod: 0 });
    try {
      const message = new Promise<string>((resolve) => reader.on('message', (_topic, payload) => resolve(payload.toString())));
      await reader.subscribeAsync(STATE, { qos: 1 });
      return JSON.parse(await message) as unknown;
    } finally {
      await reader.endAsync(true);
    }
  }

  it('on the embedded broker: a named client switches the wall, the state is published retained; anonymous and malformed commands change nothing and are audited', async () => {
    const { telemetry, runtime, mqttCommands, subscribed, audit, lines, layout } = await wall(
      reference(`    embedded:
      commands: { identity: { name: desk, role: duty-officer } }
      clients:
        - { username: scada, password: { env: IOC_TEST_SCADA_PASSWORD }, publish: ["${COMMAND}"] }
`),
    );
    const url = telemetry.embeddedUrl!;
    await subscribed('embedded');
    // The telemetry filters and the command topic.
    const filters = new Set(layout.sources!.telemetry!.subscriptions.map(({ topic }) => topic));
    expect(lines.find((line) => line.msg === 'MQTT subscriptions made')).toMatchObject({ subscribed: filters.size + 1, refused: 0 });
    await vi.waitFor(async () => expect(await retainedState(url)).toEqual({ scene: 'normal', version: 0, committedAt: 0 }), { timeout: 10_000 });

    const scada = await connectAsync(url, { reconnectPeriod: 0, username: 'scada', password: SCADA_PASSWORD });
    cleanup.push(() => scada.endAsync(true));
    await scada.publishAsync(COMMAND, '{"scene": "flood"}', { qos: 1 });
    await vi.waitFor(() => expect(runtime.scene).toMatchObject({ sceneId: 'flood', version: 1 }), { timeout: 10_000 });
    await mqttCommands.settled();
    const committedAt = runtime.scene.committedAt;
    await vi.waitFor(async () => expect(await retainedState(url)).toEqual({ scene: 'flood', version: 1, committedAt }), { timeout: 10_000 });
    expect(audit()[0]).toMatchObject({ actor: 'mqtt:embedded:desk', origin: 'mqtt:embedded', action: 'scene.activate', target: 'flood', request: { scene: 'flood' }, result: 'ok' });

    // A client without a name: the broker drops it (and closes its connection); the wall audits the attempt.
    const anonymous = await connectAsync(url, { reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => anonymous.once('close', () => resolve()));
    anonymous.publish(COMMAND, '{"scene": "normal"}', { qos: 0 });
    await closed;
    await anonymous.endAsync(true);
    await vi.waitFor(() => expect(audit()).toHaveLength(2));
    expect(audit()[0]).toMatchObject({
      actor: 'mqtt:embedded:anonymous',
      origin: 'mqtt:embedded',
      action: 'scene.activate',
      target: 'normal',
      result: 'refused',
      detail: { reason: expect.stringContaining('the broker dropped it') },
    });

    // The named client, with a body that is not a command, then with an unknown key.
    await scada.publishAsync(COMMAND, 'normal', { qos: 1 });
    await scada.publishAsync(COMMAND, '{"scene": "normal", "force": true}', { qos: 1 });
    await vi.waitFor(() => expect(audit()).toHaveLength(4));
    await mqttCommands.settled();
    expect(audit().slice(0, 2)).toMatchObject([
      {
        actor: 'mqtt:embedded:desk',
        target: null,
        request: { payload: { bytes: 34, keys: ['scene', 'force'] } },
        result: 'refused',
        detail: { reason: `unknown key 'force': a command is exactly {"scene": "<scene id>"}` },
      },
      { actor: 'mqtt:embedded:desk', target: null, request: { payload: { bytes: 6 } }, result: 'refused', detail: { reason: 'the payload is not JSON (UTF-8): send {"scene": "<scene id>"}' } },
    ]);
    expect(runtime.scene).toMatchObject({ sceneId: 'flood', version: 1, committedAt });
    expect(await retainedState(url)).toEqual({ scene: 'flood', version: 1, committedAt });
  });

  it('on the embedded broker without commands: no command subscription, the state still published', async () => {
    const { telemetry, lines, subscribed, layout } = await wall(reference(''));
    await subscribed('embedded');
    expect(telemetry.channels()).toMatchObject([{ broker: 'embedded', stateTopic: STATE }]);
    expect(telemetry.channels()[0]!.commands).toBeUndefined();
    await vi.waitFor(async () => expect(await retainedState(telemetry.embeddedUrl!)).toMatchObject({ scene: 'normal' }), { timeout: 10_000 });
    const filters = new Set(layout.sources!.telemetry!.subscriptions.map(({ topic }) => topic));
    expect(lines.find((line) => line.msg === 'MQTT subscriptions made')).toMatchObject({ subscribed: filters.size, refused: 0 });
  });

  mosquittoIt("on the layout's mosquitto: a retained command is ignored, an operator may not switch to flood, a duty officer may", async () => {
    const mosquitto = await startMosquitto();
    cleanup.push(() => mosquitto.stop());
    // Left on the broker by someone before the wall connects: never obeyed.
    await mosquittoPublish(mosquitto.url, COMMAND, '{"scene":"flood"}', 1, { retain: true });
    const broker = (role: string) => `    brokers:\n      - { id: province, url: "${mosquitto.url}", commands: { identity: { name: scada, role: ${role} } } }\n`;
    const { telemetry, runtime, lines, mqttCommands, subscribed, audit } = await wall(reference(broker('operator')));
    await subscribed('province');
    await vi.waitFor(() => expect(lines.some((line) => line.msg === 'retained MQTT scene command ignored: send commands without retain')).toBe(true), { timeout: 10_000 });
    const cleaner = await connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    await cleaner.publishAsync(COMMAND, '', { qos: 1, retain: true });
    await cleaner.endAsync();
    expect(audit()).toEqual([]);
    expect(runtime.scene.sceneId).toBe('normal');

    await mosquittoPublish(mosquitto.url, COMMAND, '{"scene":"flood"}', 1);
    await vi.waitFor(() => expect(audit()).toHaveLength(1), { timeout: 10_000 });
    expect(audit()[0]).toMatchObject({
      actor: 'mqtt:province:scada',
      origin: 'mqtt:province',
      action: 'scene.activate',
      target: 'flood',
      result: 'refused',
      detail: { reason: "scene 'flood' may be activated by duty-officer, admin; mqtt:province:scada is operator" },
    });
    expect(runtime.scene).toMatchObject({ sceneId: 'normal', version: 0 });

    const dutyOfficer = reference(broker('duty-officer'));
    runtime.setLayout(dutyOfficer);
    await telemetry.setLayout(dutyOfficer);
    await subscribed('province', 2);
    await mosquittoPublish(mosquitto.url, COMMAND, '{"scene":"flood"}', 1);
    await vi.waitFor(() => expect(runtime.scene).toMatchObject({ sceneId: 'flood', version: 1 }), { timeout: 10_000 });
    await mqttCommands.settled();
    expect(audit()[0]).toMatchObject({ actor: 'mqtt:province:scada', origin: 'mqtt:province', target: 'flood', result: 'ok' });
    await vi.waitFor(async () => expect(await retainedState(mosquitto.url)).toEqual({ scene: 'flood', version: 1, committedAt: runtime.scene.committedAt }), { timeout: 10_000 });
  });
});
