// The console follows the live scene state, telemetry and camera health, says when the server is gone, and comes back by itself with backoff.
import { afterEach, describe, expect, it } from 'vitest';
import type { Disposable } from '../../common/contract/events.ts';
import { ManualScheduler } from '../../common/contract/manual-scheduler.ts';
import { CloseCode, MemoryNetwork, type Connection } from '../../common/contract/transport.ts';
import type { CamerasState, SceneState, TelemetryState } from './api.ts';
import { parseEventMessage, SceneEvents, type EventsConnection } from './scene-events.ts';


const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const state = (id: string, version: number): SceneState => ({
  type: 'state',
  scene: { id, version, committedAt: 1_764_000_000_000 + version, previous: null },
  pending: null,
});

const telemetry = (at: number, stale: boolean): TelemetryState => ({
  type: 'telemetry',
  at,
  brokers: [{ id: 'embedded', url: '127.0.0.1:1883', state: 'connected', embedded: true }],
  series: [
    {
      id: 'flood.water-level',
      field: 'flood',
      name: { vi: 'Mực nước', en: 'Water level' },
      unit: 'm',
      value: 2.4,
      time: at - 40 * 60_000,
      stale,
      staleAfter: 30 * 60_000,
    },
  ],
  messages: { accepted: 10, dropped: 1 },
});

const cameras = (at: number, state: CamerasState['cameras'][number]['state']): CamerasState => ({
  type: 'cameras',
  at,
  gateway: { running: true },
  cameras: [
    {
      id: 'cam-01',
      name: { vi: 'Cầu Rồng', en: 'Dragon Bridge' },
      state,
      fps: state === 'live' ? 25 : 0,
      bitrate: state === 'live' ? 1_200_000 : 0,
      restarts: 1,
      lastFrameAt: at - 12_000,
      viewers: 0,
    },
  ],
});

describe('SceneEvents', () => {
  const cleanup: Disposable[] = [];
  afterEach(() => {
    for (const item of cleanup.splice(0)) item.dispose();
  });

  function setup() {
    const network = new MemoryNetwork();
    const scheduler = new ManualScheduler();
    const server: Connection[] = [];
    network.onDidAccept((connection) => {
      server.push(connection);
      connection.send(JSON.stringify(state('normal', 3)));
    });
    const events = new SceneEvents(network.transport, scheduler, { initialMilliseconds: 100, maximumMilliseconds: 1_000 });
    cleanup.push(events);
    const states: SceneState[] = [];
    const telemetries: TelemetryState[] = [];
    const cameraStates: CamerasState[] = [];
    const connections: EventsConnection[] = [];
    events.onDidChangeState((value) => states.push(value));
    events.onDidChangeTelemetry((value) => telemetries.push(value));
    events.onDidChangeCameras((value) => cameraStates.push(value));
    events.onDidChangeConnection((value) => connections.push(value));
    return { network, scheduler, server, events, states, telemetries, cameraStates, connections };
  }

  it('delivers the state on connect and at every commit', async () => {
    const { server, events, states } = setup();
    await settle();
    expect(events.connection).toBe('connected');
    server[0]!.send(JSON.stringify(state('flood', 4)));
    await settle();
    expect(states.map((value) => `${value.scene.id}@${value.scene.version}`)).toEqual(['normal@3', 'flood@4']);
  });

  it('hands a telemetry message to the telemetry listeners, never as a scene state', async () => {
    const { server, states, telemetries } = setup();
    await settle();
    server[0]!.send(JSON.stringify(telemetry(1_764_000_000_000, true)));
    server[0]!.send(JSON.stringify(telemetry(1_764_000_001_000, false)));
    await settle();
    expect(states.map((value) => value.scene.id)).toEqual(['normal']);
    expect(telemetries).toEqual([telemetry(1_764_000_000_000, true), telemetry(1_764_000_001_000, false)]);
  });

  it('hands a cameras message to the camera listeners, never as a scene state or telemetry', async () => {
    const { server, states, telemetries, cameraStates } = setup();
    await settle();
    server[0]!.send(JSON.stringify(cameras(1_764_000_000_000, 'lost')));
    server[0]!.send(JSON.stringify(cameras(1_764_000_001_000, 'live')));
    await settle();
    expect(states.map((value) => value.scene.id)).toEqual(['normal']);
    expect(telemetries).toEqual([]);
    expect(cameraStates).toEqual([cameras(1_764_000_000_000, 'lost'), cameras(1_764_000_001_000, 'live')]);
  });

  it('says disconnected when the server drops, and reconnects after the backoff', async () => {
    const { network, scheduler, events, states, connections } = setup();
    await settle();
    network.listening = false;
    network.dropAll();
    await settle();
    expect(events.connection).toBe('disconnected');
    // A first retry after about 100 ms fails while the server is down; the next waits about twice as long.
    scheduler.advance(120);
    await settle();
    expect(scheduler.pending).toBe(1);
    network.listening = true;
    scheduler.advance(199);
    await settle();
    expect(events.connection).toBe('disconnected');
    scheduler.advance(1);
    await settle();
    expect(events.connection).toBe('connected');
    expect(connections).toEqual(['connected', 'disconnected', 'connected']);
    expect(states).toHaveLength(2);
  });

  it('ignores a malformed message and keeps going', async () => {
    const { server, states, telemetries, cameraStates } = setup();
    await settle();
    server[0]!.send('not json');
    server[0]!.send(JSON.stringify({ ...cameras(1_764_000_000_000, 'lost'), cameras: [{ id: 'cam-01', state: 'lost' }] }));
    server[0]!.send(JSON.stringify({ type: 'state', scene: { id: 3 } }));
    server[0]!.send(JSON.stringify({ ...telemetry(1_764_000_000_000, true), brokers: 'none' }));
    server[0]!.send(JSON.stringify(state('epidemic', 5)));
    await settle();
    expect(states.map((value) => value.scene.id)).toEqual(['normal', 'epidemic']);
    expect(telemetries).toEqual([]);
    expect(cameraStates).toEqual([]);
  });

  it('says when the server refuses the socket for want of a session, and reconnects at once after a sign-in', async () => {
    const { network, scheduler, events, server } = setup();
    const refusals: number[] = [];
    events.onDidRefuse(() => refusals.push(scheduler.now()));
    await settle();
    // A session that ended: the server closes the socket with 4401 (a drop, 1006, is no refusal).
    server[0]!.close(CloseCode.unauthorised, 'credentials ended');
    await settle();
    expect(refusals).toHaveLength(1);
    expect(events.connection).toBe('disconnected');
    network.dropAll();
    await settle();
    expect(refusals).toHaveLength(1);
    // Signed in again: no waiting out the backoff.
    events.reconnectNow();
    await settle();
    expect(events.connection).toBe('connected');
    expect(server).toHaveLength(2);
    // Connected, nothing waits to retry: a second call opens no second socket.
    events.reconnectNow();
    await settle();
    expect(server).toHaveLength(2);
    expect(scheduler.pending).toBe(0);
  });

  it('stops reconnecting once disposed', async () => {
    const { network, scheduler, events } = setup();
    await settle();
    events.dispose();
    await settle();
    network.dropAll();
    scheduler.advance(10_000);
    await settle();
    expect(scheduler.pending).toBe(0);
  });
});

describe('parseEventMessage', () => {
  it('tells a scene state (with a pending switch) from a telemetry or cameras state, and refuses other message types', () => {
    const pending = { ...state('normal', 3), pending: { id: 9, sceneId: 'flood', version: 4 } };
    expect(parseEventMessage(JSON.stringify(pending))).toEqual(pending);
    expect(parseEventMessage(JSON.stringify(telemetry(1_764_000_000_000, true)))).toEqual(telemetry(1_764_000_000_000, true));
    expect(parseEventMessage(JSON.stringify(cameras(1_764_000_000_000, 'unavailable')))).toEqual(cameras(1_764_000_000_000, 'unavailable'));
    expect(parseEventMessage(JSON.stringify({ type: 'hello' }))).toBeUndefined();
    // A cameras message carries no scene either.
    expect(parseEventMessage(JSON.stringify({ ...cameras(1_764_000_000_000, 'lost'), type: 'state' }))).toBeUndefined();
    // A telemetry message carries no scene: read as a state, it would blank the active scene.
    expect(parseEventMessage(JSON.stringify({ ...telemetry(1_764_000_000_000, true), type: 'state' }))).toBeUndefined();
  });
});
