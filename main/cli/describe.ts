// `ioc-wall describe <file> [--json]`: the wall, its screens, fields, series and, per scene, the slices each screen draws.
import { describeWall, formatProblem, type Rect, type WallDescription } from '../../common/wall/index.ts';
import { LayoutReadError, readLayoutFile } from '../services/layout-file.ts';
import { ExitCode, table, type CliOutput } from './io.ts';

// Rounding can print -0.0 for a slice snapped a hair outwards; it reads better as 0.0.
const millimetres = (value: number) => value.toFixed(1).replace(/^-(0\.0)$/, '$1');
const rect = (value: Rect, format: (n: number) => string) =>
  `${format(value.x)},${format(value.y)} ${format(value.width)}x${format(value.height)}`;

function describeText(description: WallDescription): string[] {
  const { wall, screens, fields, series, scenes, plan } = description;
  const lines: string[] = [];
  const section = (title: string, rows: string[][]) => {
    lines.push('', title, ...table(rows).map((line) => `  ${line}`));
  };
  lines.push(`Wall ${wall.id}: ${wall.name.vi} / ${wall.name.en}`);
  const grid = wall.grid ? `grid ${wall.grid.rows} rows x ${wall.grid.columns} columns, ` : '';
  lines.push(
    `  ${grid}${millimetres(plan.bounds.width)} x ${millimetres(plan.bounds.height)} mm, time zone ${wall.timezone}, ` +
      `languages ${wall.languages.join(', ')}, default scene ${wall.defaultScene}`,
  );

  section(`Screens (${screens.length})`, [
    ['id', 'label', 'outer mm', 'active area mm', 'pixels', 'rotation', 'offset mm'],
    ...plan.screens.map((screen, index) => [
      screen.id,
      screen.label,
      rect(screen.outer, millimetres),
      rect(screen.activeArea, millimetres),
      `${screen.resolution.width}x${screen.resolution.height}`,
      String(screen.rotation),
      `${screens[index]!.offset.x},${screens[index]!.offset.y}`,
    ]),
  ]);
  section(`Fields (${fields.length})`, [
    ['id', 'name', 'colour', 'series'],
    ...fields.map((field) => [
      field.id,
      `${field.name.vi} / ${field.name.en}`,
      field.colour,
      String(series.filter((item) => item.id.split('.')[0] === field.id).length),
    ]),
  ]);
  section(`Series (${series.length})`, [
    ['id', 'unit', 'every', 'levels', 'demo'],
    ...series.map((item) => [
      item.id,
      item.unit || '-',
      item.expectedInterval,
      (item.levels ?? []).map((level) => `${level.id}${level.above !== undefined ? `>=${level.above}` : `<=${level.below}`}`).join(' ') || '-',
      item.demo?.kind ?? '-',
    ]),
  ]);
  lines.push('', `Scenes (${scenes.length})`);
  for (const scene of scenes) {
    const scenePlan = plan.scenes.find((candidate) => candidate.id === scene.id)!;
    const inherits = scene.extends ? `, extends ${scene.extends}` : '';
    const hotkey = scene.hotkey ? `, hotkey ${scene.hotkey}` : '';
    lines.push('', `  ${scene.id}: ${scene.name.vi} / ${scene.name.en}${hotkey}${inherits}, ${scenePlan.placements.length} panels`);
    const rows = [['screen', 'layer', 'panel', 'source mm', 'destination px']];
    for (const [screen, slices] of Object.entries(scenePlan.screens)) {
      if (slices.length === 0) rows.push([screen, '-', '(nothing)', '', '']);
      for (const slice of slices) {
        rows.push([screen, String(slice.layer), slice.panel, rect(slice.source, millimetres), rect(slice.destination, String)]);
      }
    }
    lines.push(...table(rows).map((line) => `    ${line}`));
  }
  return lines;
}

export async function describeCommand(file: string | undefined, options: { json: boolean }, output: CliOutput): Promise<number> {
  if (!file) {
    output.err('ioc-wall describe: name one layout file, e.g. ioc-wall describe wall-layouts/ioc-province.yaml');
    return ExitCode.usage;
  }
  let loaded;
  try {
    loaded = await readLayoutFile(file);
  } catch (error) {
    if (!(error instanceof LayoutReadError)) throw error;
    output.err(`ioc-wall describe: ${error.message}`);
    return ExitCode.usage;
  }
  for (const problem of loaded.problems) output.err(formatProblem(file, problem));
  if (!loaded.layout) {
    output.err(`ioc-wall describe: ${file} has errors; fix them first (ioc-wall validate ${file})`);
    return ExitCode.failed;
  }
  const description = describeWall(loaded.layout);
  if (options.json) output.out(JSON.stringify(description, null, 2));
  else for (const line of describeText(description)) output.out(line);
  return ExitCode.ok;
}
