// Builds the assignment of a set of screens from a layout and its plan: what main sends a renderer on hello and on every change.
import { seriesOfPanel, staleAfterMilliseconds, type WallLayout, type WallPlan } from '../wall/index.ts';
import type { Assignment, SeriesView } from './messages.ts';

export interface AssignmentInput {
  readonly layout: WallLayout;
  readonly plan: WallPlan;
  readonly sceneId: string;
  readonly screens: readonly string[];
  readonly layoutVersion: number;
  readonly sceneVersion: number;
  readonly demo: boolean;
  readonly serverTime: number;
}

export function buildAssignment({ layout, plan, sceneId, screens, layoutVersion, sceneVersion, demo, serverTime }: AssignmentInput): Assignment {
  const scene = layout.scenes.find((candidate) => candidate.id === sceneId);
  const scenePlan = plan.scenes.find((candidate) => candidate.id === sceneId);
  if (!scene || !scenePlan) throw new Error(`scene '${sceneId}' is not in layout version ${layoutVersion}`);
  const knownScreens = plan.screens.map((screen) => screen.id);
  const assigned = screens.map((id): Assignment['screens'][number] => {
    const geometry = plan.screens.find((screen) => screen.id === id);
    return geometry ? { known: true, geometry, slices: [...(scenePlan.screens[id] ?? [])] } : { known: false, id, knownScreens };
  });
  const drawn = new Set(assigned.flatMap((screen) => (screen.known ? screen.slices.map((slice) => slice.panel) : [])));
  const panelsById = new Map(layout.panels.map((panel) => [panel.id, panel]));
  const panels = scenePlan.placements
    .filter((placement) => drawn.has(placement.panel) && panelsById.has(placement.panel))
    .map((placement) => ({ panel: panelsById.get(placement.panel)!, rect: placement.rect }));
  const shown = new Set(panels.flatMap(({ panel }) => seriesOfPanel(panel)));
  const series = layout.series
    .filter((item) => shown.has(item.id))
    .map(
      (item): SeriesView => ({
        id: item.id,
        field: item.id.split('.')[0]!,
        name: item.name,
        unit: item.unit,
        expectedInterval: item.expectedInterval,
        staleAfter: staleAfterMilliseconds(layout, item),
        ...(item.decimals === undefined ? {} : { decimals: item.decimals }),
        ...(item.levels === undefined ? {} : { levels: item.levels }),
      }),
    );
  const shownCameras = new Set(panels.flatMap(({ panel }) => (panel.type === 'video' ? panel.cameras : [])));
  const cameras = (layout.sources?.cameras ?? []).filter((camera) => shownCameras.has(camera.id)).map(({ id, name }) => ({ id, name }));
  const { wall } = layout;
  return {
    type: 'assignment',
    layoutVersion,
    sceneVersion,
    serverTime,
    demo,
    wall: { id: wall.id, name: wall.name, timezone: wall.timezone, languages: wall.languages, bounds: plan.bounds },
    scene: { id: scene.id, name: scene.name },
    screens: assigned,
    panels,
    fields: layout.fields,
    series,
    cameras,
  };
}
