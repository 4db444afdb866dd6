// The shipped layouts: valid, complete, and in step with the generated JSON Schema.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_FILE, layoutJsonSchemaText, parseLayout, planWall, type WallLayout } from '../common/wall/index.ts';
import { readLayoutFile } from '../main/services/layout-file.ts';

const FOLDER = path.dirname(new URL(import.meta.url).pathname);
const LAYOUTS = readdirSync(FOLDER).filter((name) => name.endsWith('.yaml'));

async function load(name: string): Promise<WallLayout> {
  const { layout, problems } = await readLayoutFile(path.join(FOLDER, name));
  expect(problems).toEqual([]);
  return layout!;
}

describe('every shipped layout', () => {
  it.each(LAYOUTS)('%s validates without a problem and points editors at the schema', async (name) => {
    await load(name);
    expect(readFileSync(path.join(FOLDER, name), 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=./${JSON_SCHEMA_FILE}`);
  });

  it('the committed JSON Schema is the one the code generates (run `npm run schema` after changing the format)', () => {
    expect(readFileSync(path.join(FOLDER, JSON_SCHEMA_FILE), 'utf8')).toBe(layoutJsonSchemaText());
  });
});

describe('the reference IOC wall', () => {
  it('is a 6 x 3 grid of 1920 x 1080 screens S01..S18, row by row', async () => {
    const layout = await load('ioc-province.yaml');
    expect(layout.wall.grid).toMatchObject({ rows: 3, columns: 6 });
    expect(layout.screens.map((screen) => screen.id)).toEqual(Array.from({ length: 18 }, (_, index) => `S${String(index + 1).padStart(2, '0')}`));
    layout.screens.forEach((screen, index) => {
      expect(screen).toMatchObject({ row: Math.floor(index / 6) + 1, column: (index % 6) + 1, resolution: { width: 1920, height: 1080 } });
    });
    expect(layout.regions.find((region) => region.id === 'map')?.screens).toEqual(['S03', 'S04', 'S09', 'S10']);
  });

  it('covers the 13 fields, each with series and panels, names in Vietnamese and English', async () => {
    const layout = await load('ioc-province.yaml');
    const fields = ['ktxh', 'ngansach', 'dvc', 'pakn', 'cqs', 'yte', 'giaoduc', 'dulich', 'giaothong', 'antt', 'moitruong', 'pctt', 'attt'];
    expect(layout.fields.map((field) => field.id)).toEqual(fields);
    for (const field of fields) {
      expect(layout.series.filter((series) => series.id.startsWith(`${field}.`)).length, field).toBeGreaterThanOrEqual(3);
      expect(layout.panels.filter((panel) => panel.field === field).length, field).toBeGreaterThanOrEqual(2);
    }
    expect(layout.fields.find((field) => field.id === 'pctt')?.name.vi).toBe('Phòng chống thiên tai – khí tượng thủy văn');
  });

  it('carries the official river alarm levels BĐ I/II/III of Kim Long', async () => {
    const layout = await load('ioc-province.yaml');
    const kimLong = layout.series.find((series) => series.id === 'pctt.water_level.kim_long');
    expect(kimLong?.levels?.map((level) => level.above)).toEqual([1.0, 2.0, 3.5]);
  });

  it('has a demo generator for every series, and the emergency scenes extend normal', async () => {
    const layout = await load('ioc-province.yaml');
    expect(layout.series.filter((series) => !series.demo).map((series) => series.id)).toEqual([]);
    for (const id of ['flood', 'traffic_incident', 'epidemic']) {
      expect(layout.scenes.find((scene) => scene.id === id)?.extends).toBe('normal');
    }
  });

  it('fills every screen in every scene', async () => {
    const plan = planWall(await load('ioc-province.yaml'));
    for (const scene of plan.scenes) {
      for (const [screen, slices] of Object.entries(scene.screens)) expect(slices.length, `${scene.id} ${screen}`).toBeGreaterThan(0);
    }
  });
});

describe('the irregular lab wall', () => {
  it('mixes sizes, free millimetre positions and a portrait screen', async () => {
    const layout = await load('irregular-lab.yaml');
    expect(layout.wall.grid).toBeUndefined();
    expect(layout.screens.some((screen) => screen.rotation === 90)).toBe(true);
    expect(new Set(layout.screens.map((screen) => screen.activeArea.width)).size).toBeGreaterThanOrEqual(3);
    expect(parseLayout(readFileSync(path.join(FOLDER, 'irregular-lab.yaml'), 'utf8')).problems).toEqual([]);
  });
});
