// The scene-command settings of sources.telemetry as an integrator writes them: defaults, and each mistake at its line and column.
import { describe, expect, it } from 'vitest';
import { formatProblem, parseLayout } from '../wall/index.ts';
import { commandTopicOf, stateTopicOf } from './schema.ts';

/** One screen, two scenes (flood only for duty officers), and a telemetry section to fill in. */
const layout = (telemetry: string) => `format: ioc-wall/layout@1
wall:
  id: lab
  name: { vi: "Phòng thử nghiệm", en: Test room }
  defaultScene: normal
screens:
  - { id: S01, x: 0, y: 0, activeArea: { width: 1209.6, height: 680.4 }, bezel: { top: 1, right: 1, bottom: 1, left: 1 }, resolution: { width: 1920, height: 1080 } }
panels:
  - { id: banner, type: text, text: { vi: "Lũ", en: Flood } }
scenes:
  - { id: normal, name: { vi: "Bình thường", en: Normal }, placements: [{ panel: banner, rect: { screen: S01 } }] }
  - { id: flood, name: { vi: "Lũ lụt", en: Flood }, roles: [duty-officer], placements: [] }
sources:
  telemetry:
${telemetry}`;

function problems(telemetry: string): string[] {
  return parseLayout(layout(telemetry)).problems.map((problem) => formatProblem('wall.yaml', problem));
}

describe('scene commands in the layout', () => {
  it('are opt-in per broker, with the default topic ioc-wall/<wall id>/command', () => {
    const { layout: parsed, problems: found } = parseLayout(
      layout(`    brokers:
      - { id: province, url: "mqtt://broker.example:1883", commands: { identity: { name: scada, role: duty-officer } } }
      - { id: city, url: "mqtt://city.example:1883" }
    subscriptions: []
`),
    );
    expect(found).toEqual([]);
    const [province, city] = parsed!.sources!.telemetry!.brokers;
    expect(province!.commands).toEqual({ identity: { name: 'scada', role: 'duty-officer' } });
    expect(city!.commands).toBeUndefined();
    expect(commandTopicOf('lab', province!.commands!)).toBe('ioc-wall/lab/command');
    expect(stateTopicOf('lab')).toBe('ioc-wall/lab/state');
  });

  it('configure the embedded broker: its commands and named clients with their publish filters', () => {
    const { layout: parsed, problems: found } = parseLayout(
      layout(`    embedded:
      commands: { topic: lab/wall/command, identity: { name: desk, role: operator } }
      clients:
        - { username: scada-gw, password: { env: SCADA_PASSWORD }, publish: ["lab/wall/command", "tinhmau/#"] }
`),
    );
    expect(found).toEqual([]);
    expect(parsed!.sources!.telemetry!.embedded).toEqual({
      commands: { topic: 'lab/wall/command', identity: { name: 'desk', role: 'operator' } },
      clients: [{ username: 'scada-gw', password: { env: 'SCADA_PASSWORD' }, publish: ['lab/wall/command', 'tinhmau/#'] }],
    });
  });

  it('refuse a wildcard command topic, a role that is not one, and a name that is not a lowercase word', () => {
    expect(
      problems(`    brokers:
      - id: province
        url: "mqtt://broker.example:1883"
        commands:
          topic: ioc-wall/+/command
          identity: { name: Scada, role: dispatcher }
`),
    ).toEqual([
      "wall.yaml:19:18: sources.telemetry.brokers[0].commands.topic: 'ioc-wall/+/command' is a topic filter: a command topic is one plain topic, without '+' or '#'",
      'wall.yaml:20:29: sources.telemetry.brokers[0].commands.identity.name: must be a lowercase word of a-z, 0-9 and _',
      expect.stringMatching(/^wall\.yaml:20:42: sources\.telemetry\.brokers\[0\]\.commands\.identity\.role: .*viewer.*operator.*technician.*duty-officer.*admin/),
    ]);
  });

  it('refuse the state topic as command topic, and warn of an identity that can activate nothing', () => {
    expect(
      problems(`    brokers:
      - id: province
        url: "mqtt://broker.example:1883"
        commands: { topic: ioc-wall/lab/state, identity: { name: screen, role: viewer } }
`),
    ).toEqual([
      "wall.yaml:18:28: sources.telemetry.brokers[0].commands.topic: 'ioc-wall/lab/state' is where the wall publishes its state: take another command topic, or leave topic out for ioc-wall/lab/command",
      "wall.yaml:18:80: sources.telemetry.brokers[0].commands.identity.role: warning: role 'viewer' may activate no scene: every command will be refused",
    ]);
  });

  it('warn when no embedded client may send the commands, and refuse a client listed twice', () => {
    expect(
      problems(`    embedded:
      commands: { identity: { name: desk, role: operator } }
      clients:
        - { username: gw, password: { env: A }, publish: ["tinhmau/#"] }
        - { username: gw, password: { file: secrets.env, key: B }, publish: ["ioc-wall/lab/state"] }
`),
    ).toEqual([
      expect.stringMatching(/^wall\.yaml:16:17: sources\.telemetry\.embedded\.commands: warning: no client may publish to 'ioc-wall\/lab\/command'/),
      "wall.yaml:19:23: sources.telemetry.embedded.clients[1].username: client 'gw' is listed twice",
      "wall.yaml:19:78: sources.telemetry.embedded.clients[1].publish[0]: warning: only the wall publishes 'ioc-wall/lab/state': this client's publishes there are refused",
    ]);
  });

  it('refuse a client password written in the layout, and a client without publish filters', () => {
    const found = problems(`    embedded:
      clients:
        - { username: gw, password: hunter2, publish: [] }
`);
    expect(found).toHaveLength(2);
    expect(found[0]).toBe(
      'wall.yaml:17:37: sources.telemetry.embedded.clients[0].password: a secret must not be written in the layout: give {env: NAME} or {file: secrets.env, key: NAME} (the value written is not repeated here)',
    );
    expect(found.join('\n')).not.toContain('hunter2');
    expect(found[1]).toBe('wall.yaml:17:55: sources.telemetry.embedded.clients[0].publish: name at least one topic filter');
  });

  it('say that the embedded settings wait for demo mode when brokers are named', () => {
    expect(
      problems(`    brokers: [{ id: province, url: "mqtt://broker.example:1883" }]
    embedded: { clients: [] }
`),
    ).toEqual(['wall.yaml:16:15: sources.telemetry.embedded: warning: the layout names brokers, so the embedded broker (and this) is used only in demo mode']);
  });
});
