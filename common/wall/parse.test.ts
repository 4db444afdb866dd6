// Layout validation as an integrator meets it: each mistake reported once, with its line, column, path and a hint.
import { describe, expect, it } from 'vitest';
import { formatProblem, parseLayout } from './index.ts';

/** A 2 x 2 wall of 55-inch screens; tests break one line of it at a time. */
const BASE = `format: ioc-wall/layout@1
wall:
  id: lab
  name: { vi: "Phòng thử nghiệm", en: Test room }
  grid: { rows: 2, columns: 2, pitch: { x: 1213.1, y: 683.9 } }
  defaultScene: normal
screens:
  - id: S01
    row: 1
    column: 1
    activeArea: &area { width: 1209.6, height: 680.4 }
    bezel: &bezel { top: 1.75, right: 1.75, bottom: 1.75, left: 1.75 }
    resolution: &full_hd { width: 1920, height: 1080 }
  - id: S02
    row: 1
    column: 2
    activeArea: *area
    bezel: *bezel
    resolution: *full_hd
  - id: S03
    row: 2
    column: 1
    activeArea: *area
    bezel: *bezel
    resolution: *full_hd
  - id: S04
    row: 2
    column: 2
    activeArea: *area
    bezel: *bezel
    resolution: *full_hd
regions:
  - { id: top, screens: [S01, S02] }
fields:
  - { id: pctt, name: { vi: "Phòng chống thiên tai", en: Disaster prevention }, colour: "#2e86c1", icon: cloud-rain }
series:
  - id: pctt.water_level.kim_long
    name: { vi: "Mực nước Kim Long", en: Kim Long water level }
    unit: m
    expectedInterval: 15m
    levels:
      - { id: bd1, name: { vi: "BĐ I", en: Alarm I }, above: 1.0, colour: "#ffeb3b" }
panels:
  - { id: level, type: kpi, field: pctt, series: pctt.water_level.kim_long }
  - { id: banner, type: text, text: { vi: "Lũ", en: Flood } }
scenes:
  - id: normal
    name: { vi: "Bình thường", en: Normal }
    hotkey: F1
    placements:
      - { panel: banner, rect: { region: top } }
      - { panel: level, rect: { screen: S03, x: 10, y: 10, width: 400, height: 300 } }
  - id: flood
    name: { vi: "Lũ lụt", en: Flood }
    hotkey: F2
    extends: normal
    remove: [banner]
    placements:
      - { panel: level, rect: { row: 2, column: 1, columns: 2 } }
`;

/** BASE with the line that contains `find` replaced (its indentation kept). */
function edit(find: string, replacement: string, source = BASE): string {
  const lines = source.split('\n');
  const index = lines.findIndex((line) => line.includes(find));
  if (index < 0) throw new Error(`test setup: no line contains ${find}`);
  lines[index] = lines[index]!.replace(find, replacement);
  return lines.join('\n');
}

function problems(source: string): string[] {
  return parseLayout(source).problems.map((problem) => formatProblem('wall.yaml', problem));
}

describe('a valid layout', () => {
  it('parses with no problems, defaults filled in', () => {
    const result = parseLayout(BASE);
    expect(result.problems).toEqual([]);
    expect(result.layout?.wall.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(result.layout?.wall.languages).toEqual(['vi', 'en']);
    expect(result.layout?.screens[3]).toMatchObject({ id: 'S04', rotation: 0, offset: { x: 0, y: 0 } });
    expect(result.layout?.screens[1]?.activeArea).toEqual({ width: 1209.6, height: 680.4 });
  });

  it('normalises text to NFC, so decomposed Vietnamese equals precomposed', () => {
    const decomposed = 'Lu\u0303 lu\u0323t'; // "Lũ lụt" typed with combining marks
    const result = parseLayout(edit('name: { vi: "Lũ lụt", en: Flood }', `name: { vi: "${decomposed}", en: Flood }`));
    expect(result.layout?.scenes[1]?.name.vi).toBe('Lũ lụt');
    expect(result.layout?.scenes[1]?.name.vi).toBe('Lũ lụt'.normalize('NFC'));
  });

  it('accepts << merge keys for shared screen models', () => {
    const merged = BASE.replace(
      '  - id: S02\n    row: 1\n    column: 2\n    activeArea: *area\n    bezel: *bezel\n    resolution: *full_hd',
      '  - id: S02\n    row: 1\n    column: 2\n    <<: { activeArea: *area, bezel: *bezel, resolution: *full_hd }',
    );
    expect(merged).not.toBe(BASE);
    expect(parseLayout(merged).layout?.screens[1]?.resolution).toEqual({ width: 1920, height: 1080 });
  });
});

describe('broken layouts name the line, the column and what was expected', () => {
  it('a YAML syntax error', () => {
    expect(problems(edit('activeArea: *area', 'activeArea: { width: 1209.6, height: 680.4', BASE))).toEqual([
      'wall.yaml:18:5: YAML: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
  });

  it('an unknown key, with the closest known one', () => {
    expect(problems(edit('    bezel: *bezel', '    bezle: *bezel'))).toEqual([
      "wall.yaml:14:5: screens[1]: missing required key 'bezel'",
      "wall.yaml:18:5: screens[1].bezle: unknown key 'bezle'; expected one of: id, label, row, column, x, y, activeArea, bezel, resolution, rotation, offset, match (did you mean 'bezel'?)",
    ]);
  });

  it('an unknown top-level section', () => {
    expect(problems(`${BASE}rulez: []\n`)).toEqual([
      "wall.yaml:60:1: rulez: unknown key 'rulez'; expected one of: format, wall, screens, regions, fields, series, panels, scenes, sources",
    ]);
  });

  it('a dangling reference from a panel to a series', () => {
    expect(problems(edit('series: pctt.water_level.kim_long', 'series: pctt.water_level.kimlong'))).toEqual([
      "wall.yaml:44:50: panels[0].series: unknown series 'pctt.water_level.kimlong' (did you mean 'pctt.water_level.kim_long'?)",
    ]);
  });

  it('dangling references from scenes: extends, placements and the default scene', () => {
    const source = edit('extends: normal', 'extends: normal_mode', edit('defaultScene: normal', 'defaultScene: nromal'));
    expect(problems(edit('{ panel: banner, rect: { region: top } }', '{ panel: baner, rect: { region: tops } }', source))).toEqual([
      "wall.yaml:6:17: wall.defaultScene: unknown scene 'nromal' (did you mean 'normal'?)",
      "wall.yaml:51:18: scenes[0].placements[0].panel: unknown panel 'baner' (did you mean 'banner'?)",
      "wall.yaml:51:41: scenes[0].placements[0].rect.region: unknown region 'tops' (did you mean 'top'?)",
      "wall.yaml:56:14: scenes[1].extends: unknown scene 'normal_mode' (did you mean 'normal'?)",
    ]);
  });

  it('a duplicate id', () => {
    expect(problems(edit('  - id: S03', '  - id: S02'))).toEqual([
      "wall.yaml:20:9: screens[2].id: duplicate id 'S02'; first used by screens[1]",
      // The placement on S03 now points nowhere, and says so.
      "wall.yaml:52:41: scenes[0].placements[1].rect.screen: unknown screen 'S03' (did you mean 'S01'?)",
    ]);
  });

  it('overlapping screens', () => {
    const source = edit('    column: 2', '    column: 1', BASE);
    expect(problems(source)).toEqual(['wall.yaml:14:5: screens[1]: overlaps screen S01 by 1213.1 x 683.9 mm']);
  });

  it('a rotation that is not a quarter turn', () => {
    expect(problems(edit('    resolution: &full_hd { width: 1920, height: 1080 }', '    resolution: &full_hd { width: 1920, height: 1080 }\n    rotation: 45'))).toEqual([
      'wall.yaml:14:15: screens[0].rotation: expected one of 0, 90, 180, 270; got the whole number 45',
    ]);
  });

  it('a negative or zero size', () => {
    const source = edit('activeArea: &area { width: 1209.6, height: 680.4 }', 'activeArea: &area { width: -1209.6, height: 0 }');
    expect(problems(source)).toEqual([
      'wall.yaml:11:32: screens[0].activeArea.width: must be greater than 0 (shared through a YAML alias by 4 places)',
      'wall.yaml:11:49: screens[0].activeArea.height: must be greater than 0 (shared through a YAML alias by 4 places)',
    ]);
  });

  it('a placement that runs off the wall', () => {
    const source = edit('{ screen: S03, x: 10, y: 10, width: 400, height: 300 }', '{ x: 2000, y: 1000, width: 800, height: 400 }');
    expect(problems(source)).toEqual([
      "wall.yaml:52:31: scenes[0].placements[1].rect: panel 'level' lies outside the wall: it spans x 2000..2800, y 1000..1400 mm; the wall spans x 0..2426.2, y 0..1367.8 mm",
    ]);
  });

  it('a panel hidden entirely behind a bezel is a warning, and the layout stays usable', () => {
    const result = parseLayout(edit('{ screen: S03, x: 10, y: 10, width: 400, height: 300 }', '{ x: 1212, y: 100, width: 2, height: 50 }'));
    expect(result.problems.map((problem) => formatProblem('wall.yaml', problem))).toEqual([
      "wall.yaml:52:31: scenes[0].placements[1].rect: warning: panel 'level' falls entirely behind bezels or in gaps: no screen shows it",
    ]);
    expect(result.layout).toBeDefined();
  });

  it('pixels that are not square are a warning', () => {
    const source = edit('resolution: &full_hd { width: 1920, height: 1080 }', 'resolution: &full_hd { width: 1920, height: 1200 }');
    expect(problems(source)).toContain(
      'wall.yaml:13:26: screens[0].resolution: warning: pixels are not square: 1.587 px/mm across but 1.764 px/mm down; check resolution against activeArea',
    );
  });

  it('every problem at once, in file order, across sections', () => {
    const source = edit('    bezel: *bezel', '    bezle: *bezel', edit('series: pctt.water_level.kim_long', 'series: pctt.level'));
    const found = problems(edit('hotkey: F2', 'hotkey: F1', source));
    expect(found).toEqual([
      "wall.yaml:14:5: screens[1]: missing required key 'bezel'",
      expect.stringContaining('wall.yaml:18:5: screens[1].bezle: unknown key'),
      "wall.yaml:44:50: panels[0].series: unknown series 'pctt.level'",
      "wall.yaml:55:13: scenes[1].hotkey: hotkey F1 is already used by scene 'normal'",
    ]);
  });

  it('an unsupported format version', () => {
    expect(problems(edit('format: ioc-wall/layout@1', 'format: ioc-wall/layout@9'))).toEqual([
      "wall.yaml:1:9: format: unsupported format 'ioc-wall/layout@9'; this version reads ioc-wall/layout@1",
    ]);
  });

  it('a file that is not a map', () => {
    expect(problems('- just\n- a list\n')).toEqual([
      'wall.yaml:1:1: a layout is a map with the keys format, wall, screens, ... (see the README)',
    ]);
  });

  it('a screen without a position, and one outside the grid', () => {
    const withoutPosition = BASE.replace('  - id: S02\n    row: 1\n    column: 2\n', '  - id: S02\n');
    expect(problems(withoutPosition.replace('    row: 2\n    column: 2', '    row: 3\n    column: 2'))).toEqual([
      'wall.yaml:14:5: screens[1]: missing position: give row and column, or x and y in mm',
      'wall.yaml:25:10: screens[3].row: row 3 is outside the grid of 2 rows',
    ]);
  });

  it('a scene that removes what its parent never placed, and scenes that extend each other', () => {
    const source = edit('remove: [banner]', 'remove: [baner]', edit('    hotkey: F1', '    hotkey: F1\n    extends: flood'));
    expect(problems(source)).toEqual([
      "wall.yaml:50:14: scenes[0].extends: scenes extend each other in a cycle: normal -> flood -> normal",
      "wall.yaml:57:14: scenes[1].extends: scenes extend each other in a cycle: flood -> normal -> flood",
    ]);
    expect(problems(edit('remove: [banner]', 'remove: [baner]'))).toEqual([
      "wall.yaml:57:14: scenes[1].remove[0]: panel 'baner' is not placed by scene 'normal' (did you mean 'banner'?)",
    ]);
  });

  it('an unknown panel type, with the closest type', () => {
    expect(problems(edit('type: kpi,', 'type: kpis,'))).toEqual([
      "wall.yaml:44:24: panels[0].type: unknown type 'kpis'; expected one of: kpi, gauge, chart, ticker, text, image, clock, video, alert-list, map, pattern (did you mean 'kpi'?)",
    ]);
  });

  it('a typo inside a placement rectangle names the rectangle form the integrator meant', () => {
    expect(problems(edit('{ row: 2, column: 1, columns: 2 }', '{ row: 2, column: 1, colums: 2 }'))).toEqual([
      "wall.yaml:59:52: scenes[1].placements[0].rect.colums: unknown key 'colums'; expected one of: row, column, rows, columns (did you mean 'columns'?)",
    ]);
  });

  it('levels need one direction and a known field', () => {
    expect(problems(edit('above: 1.0,', 'above: 1.0, below: 3,'))).toEqual([
      "wall.yaml:42:9: series[0].levels[0]: give exactly one of 'above' or 'below'",
    ]);
    expect(problems(edit('  - id: pctt.water_level.kim_long', '  - id: pcct.water_level.kim_long'))).toEqual([
      "wall.yaml:37:9: series[0].id: unknown field 'pcct' (did you mean 'pctt'?)",
      "wall.yaml:44:50: panels[0].series: unknown series 'pctt.water_level.kim_long' (did you mean 'pcct.water_level.kim_long'?)",
    ]);
  });
});

describe('the telemetry section', () => {
  const withTelemetry = (telemetry: string) => `${BASE}sources:\n  telemetry:\n${telemetry}`;

  it('accepts brokers with secrets by reference and subscriptions that feed the series', () => {
    const result = parseLayout(
      withTelemetry(`    brokers:
      - id: province
        url: mqtts://mqtt.example.vn:8883
        username: { env: IOC_MQTT_USERNAME }
        password: { file: secrets.env, key: IOC_MQTT_PASSWORD }
        tls: { ca: ca.pem }
    subscriptions:
      - { topic: "ioc/water/+", qos: 1, unit: m, decoder: { kind: ngsi-ld, attributes: { height: "pctt.water_level.{id}" } } }
`),
    );
    expect(result.problems).toEqual([]);
    expect(result.layout?.sources?.telemetry).toMatchObject({
      staleFactor: 3,
      brokers: [{ id: 'province', keepalive: '30s', reconnect: { first: '1s', maximum: '30s' }, tls: { rejectUnauthorized: true } }],
    });
  });

  it('names each mistake where it is written', () => {
    expect(
      problems(
        withTelemetry(`    brokers:
      - { id: a, url: "mqtt://user:secret@broker.example:1883" }
      - { id: b, url: "http://broker.example" }
    subscriptions:
      - { topic: "ioc/+x/level", decoder: { kind: number, series: pctt.water_level.kim_long } }
      - { topic: "ioc/level", broker: c, decoder: { kind: number, series: pctt.water_level.kimlong } }
      - { topic: "ioc/cm/+", broker: a, unit: cm, decoder: { kind: number, series: "pctt.water_level.{1}" } }
      - { topic: "ioc/rain/+", broker: a, decoder: { kind: json, series: "pctt.rain.{1}", path: "$..mm" } }
      - { topic: "ioc/rain/+", broker: a, decoder: { kind: number, series: "pctt.rain.{1}" } }
`),
      ),
    ).toEqual([
      'wall.yaml:63:23: sources.telemetry.brokers[0].url: must not carry credentials: give username and password as {env: NAME} or {file, key}',
      "wall.yaml:64:23: sources.telemetry.brokers[1].url: protocol 'http' is not one of mqtt, mqtts, ws, wss",
      "wall.yaml:66:18: sources.telemetry.subscriptions[0].topic: level 2 ('+x') of topic filter 'ioc/+x/level': '+' must stand alone in its level, e.g. 'ioc/pctt/water_level/+'",
      "wall.yaml:67:39: sources.telemetry.subscriptions[1].broker: unknown broker 'c' (did you mean 'a'?)",
      "wall.yaml:67:75: sources.telemetry.subscriptions[1].decoder.series: unknown series 'pctt.water_level.kimlong' (did you mean 'pctt.water_level.kim_long'?)",
      "wall.yaml:68:47: sources.telemetry.subscriptions[2].unit: delivers 'cm' but series pctt.water_level.kim_long is shown in 'm': convert with the decoder's scale and offset, and give the series' unit",
      "wall.yaml:69:97: sources.telemetry.subscriptions[3].decoder.path: JSONPath '$..mm' is not supported at character 2 ('..mm'): write $ then any of .name, ['name'] or [index], e.g. $.data.level or $.readings[0].value",
      "wall.yaml:70:76: sources.telemetry.subscriptions[4].decoder.series: warning: series template 'pctt.rain.{1}' feeds no series of this layout: its messages will be dropped as unknown_topic",
    ]);
  });
});

describe('secrets written into a layout', () => {
  it('are refused without being repeated in the message', () => {
    const source = `${BASE}sources:\n  telemetry:\n    brokers:\n      - { id: a, url: "mqtt://broker.example:1883", password: "hunter2-secret" }\n`;
    const found = problems(source);
    expect(found).toEqual([expect.stringMatching(/sources\.telemetry\.brokers\[0\]\.password: a secret must not be written in the layout: give \{env: NAME\}/)]);
    expect(found.join('\n')).not.toContain('hunter2');
  });
});
