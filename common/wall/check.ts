// Checks beyond the schema: duplicate ids, references between sections, screen positions and wall geometry.
import {
  boundingBox,
  contains,
  effectivePlacements,
  intersection,
  rectContext,
  resolveRect,
  screenGeometries,
  screenGeometry,
  sliceOf,
} from './geometry.ts';
import { allows } from '../contract/roles.ts';
import { commandTopicOf, stateTopicOf, type Broker, type CommandIdentity, type Commands, type Embedded, type Subscription } from '../telemetry/schema.ts';
import { compileTopicFilter } from '../telemetry/topic-filter.ts';
import { compileSeriesTemplate } from '../telemetry/template.ts';
import type { RawProblem } from './issues.ts';
import { formatPath, type PathSegment } from './problems.ts';
import { seriesOfPanel, type Camera, type Panel, type Region, type Scene, type Screen, type Series, type WallLayout } from './schema.ts';
import { closestName } from './suggest.ts';

type ListSection = 'screens' | 'regions' | 'fields' | 'series' | 'panels' | 'scenes';
export const LIST_SECTIONS: readonly ListSection[] = ['screens', 'regions', 'fields', 'series', 'panels', 'scenes'];

/**
 * What passed the schema, item by item: a list keeps its indices, with `undefined` for an item that
 * failed. Ids come from the raw items, so a broken panel is not also reported as a dangling reference.
 */
export interface CheckInput {
  readonly wall?: WallLayout['wall'];
  readonly items: { readonly [S in ListSection]: readonly (WallLayout[S][number] | undefined)[] };
  readonly ids: { readonly [S in ListSection]: ReadonlySet<string> };
  /** List sections whose every item passed. */
  readonly complete: ReadonlySet<ListSection>;
  /** sources.telemetry item by item (undefined for an item that failed), with the broker ids as written. */
  readonly telemetry?: {
    readonly brokers: readonly (Broker | undefined)[];
    readonly brokerIds: ReadonlySet<string>;
    readonly subscriptions: readonly (Subscription | undefined)[];
    /** sources.telemetry.embedded, when given and valid. */
    readonly embedded?: Embedded | undefined;
  };
  /** sources.cameras item by item, with the ids as written. */
  readonly cameras: { readonly items: readonly (Camera | undefined)[]; readonly ids: ReadonlySet<string> };
}

/** The items that passed, with their indices. */
function each<T>(items: readonly (T | undefined)[], visit: (item: T, index: number) => void): void {
  items.forEach((item, index) => {
    if (item !== undefined) visit(item, index);
  });
}

const IMAGE_EXTENSIONS = /\.(png|jpe?g|svg|webp)$/i;
/** Pixels are called square when the two densities differ by less than this. */
const SQUARE_PIXEL_TOLERANCE = 0.02;
const MILLIMETRE_TOLERANCE = 0.01;

const round = (value: number, decimals = 1) => Number(value.toFixed(decimals));

class Findings {
  readonly problems: RawProblem[] = [];

  error(path: readonly PathSegment[], message: string, suggestion?: string): void {
    this.problems.push({ path, message, ...(suggestion === undefined ? {} : { suggestion }) });
  }

  warning(path: readonly PathSegment[], message: string): void {
    this.problems.push({ severity: 'warning', path, message });
  }

  /** Reports `id` when it is not among `known`, with the closest known id as a hint. */
  reference(path: readonly PathSegment[], kind: string, id: string, known: ReadonlySet<string>): boolean {
    if (known.has(id)) return true;
    this.error(path, `unknown ${kind} '${id}'`, closestName(id, known));
    return false;
  }
}

function checkDuplicates(findings: Findings, path: readonly PathSegment[], items: readonly ({ id: string } | undefined)[]): void {
  const first = new Map<string, number>();
  each(items, (item, index) => {
    const earlier = first.get(item.id);
    if (earlier === undefined) first.set(item.id, index);
    else findings.error([...path, index, 'id'], `duplicate id '${item.id}'; first used by ${formatPath([...path, earlier])}`);
  });
}

/** Every screen has exactly one position form, inside the grid when it uses one. */
function checkScreenPositions(findings: Findings, wall: WallLayout['wall'], screens: readonly (Screen | undefined)[]): boolean {
  const before = findings.problems.length;
  const grid = wall.grid;
  each(screens, (screen, index) => {
    const path = ['screens', index];
    const byCell = screen.row !== undefined || screen.column !== undefined;
    const byMillimetres = screen.x !== undefined || screen.y !== undefined;
    if (byCell && byMillimetres) {
      findings.error(path, 'give either row/column or x/y, not both');
    } else if (byCell) {
      if (!grid) findings.error([...path, screen.row === undefined ? 'column' : 'row'], 'row/column need wall.grid; without a grid give x and y in mm');
      else if (screen.row === undefined) findings.error([...path], "missing required key 'row' (column is given)");
      else if (screen.column === undefined) findings.error([...path], "missing required key 'column' (row is given)");
      else {
        if (screen.row > grid.rows) findings.error([...path, 'row'], `row ${screen.row} is outside the grid of ${grid.rows} rows`);
        if (screen.column > grid.columns) {
          findings.error([...path, 'column'], `column ${screen.column} is outside the grid of ${grid.columns} columns`);
        }
      }
    } else if (byMillimetres) {
      if (screen.x === undefined) findings.error(path, "missing required key 'x' (y is given)");
      if (screen.y === undefined) findings.error(path, "missing required key 'y' (x is given)");
    } else {
      findings.error(path, grid ? 'missing position: give row and column, or x and y in mm' : 'missing position: give x and y in mm');
    }
  });
  return findings.problems.length === before;
}

function checkScreenGeometry(findings: Findings, wall: WallLayout['wall'], items: readonly (Screen | undefined)[]): void {
  const screens = items.map((screen) => (screen ? screenGeometry({ wall }, screen) : undefined));
  each(screens, (screen, index) => {
    const { x, y } = screen.pixelsPerMillimetre;
    if (Math.abs(x / y - 1) > SQUARE_PIXEL_TOLERANCE) {
      findings.warning(
        ['screens', index, 'resolution'],
        `pixels are not square: ${round(x, 3)} px/mm across but ${round(y, 3)} px/mm down; check resolution against activeArea`,
      );
    }
    for (const other of screens.slice(0, index)) {
      const overlap = other && intersection(screen.outer, other.outer);
      if (overlap && overlap.width > MILLIMETRE_TOLERANCE && overlap.height > MILLIMETRE_TOLERANCE) {
        findings.error(['screens', index], `overlaps screen ${other.id} by ${round(overlap.width)} x ${round(overlap.height)} mm`);
      }
    }
  });
}

function checkSeries(findings: Findings, items: readonly (Series | undefined)[], fields: ReadonlySet<string>): void {
  each(items, (series, index) => {
    const path = ['series', index];
    const prefix = series.id.split('.')[0]!;
    if (series.field !== undefined && series.field !== prefix) {
      findings.error([...path, 'field'], `field '${series.field}' disagrees with the id, whose field is '${prefix}'`, prefix);
    } else {
      findings.reference([...path, 'id'], 'field', prefix, fields);
    }
    const directions = new Set<string>();
    checkDuplicates(findings, [...path, 'levels'], series.levels ?? []);
    (series.levels ?? []).forEach((level, levelIndex) => {
      const levelPath = [...path, 'levels', levelIndex];
      if ((level.above === undefined) === (level.below === undefined)) {
        findings.error(levelPath, "give exactly one of 'above' or 'below'");
      }
      directions.add(level.above === undefined ? 'below' : 'above');
    });
    if (directions.size > 1) findings.error([...path, 'levels'], "levels mix 'above' and 'below'; use one direction per series");
    const demo = series.demo;
    if (demo?.kind === 'random_walk') {
      if (demo.min >= demo.max) findings.error([...path, 'demo', 'max'], `max (${demo.max}) must be greater than min (${demo.min})`);
      else if (demo.start < demo.min || demo.start > demo.max) {
        findings.error([...path, 'demo', 'start'], `start (${demo.start}) must lie between min and max`);
      }
    }
  });
}

function checkPanels(findings: Findings, panels: readonly (Panel | undefined)[], fields: ReadonlySet<string>, series: ReadonlySet<string>, cameras: ReadonlySet<string>): void {
  each(panels, (panel, index) => {
    const path = ['panels', index];
    if (panel.type === 'video') {
      panel.cameras.forEach((camera, cameraIndex) => findings.reference([...path, 'cameras', cameraIndex], 'camera (sources.cameras)', camera, cameras));
      if (panel.grid && panel.grid.rows * panel.grid.columns < panel.cameras.length) {
        findings.error([...path, 'grid'], `${panel.grid.rows} x ${panel.grid.columns} tiles cannot show ${panel.cameras.length} cameras`);
      }
    }
    if (panel.field !== undefined) findings.reference([...path, 'field'], 'field', panel.field, fields);
    if ('series' in panel) {
      seriesOfPanel(panel).forEach((id, seriesIndex) =>
        findings.reference(typeof panel.series === 'string' ? [...path, 'series'] : [...path, 'series', seriesIndex], 'series', id, series),
      );
    }
    if (panel.type === 'gauge' && panel.min >= panel.max) {
      findings.error([...path, 'max'], `max (${panel.max}) must be greater than min (${panel.min})`);
    }
    if (panel.type === 'image' && !IMAGE_EXTENSIONS.test(panel.src)) {
      findings.error([...path, 'src'], 'must be a png, jpg, svg or webp file');
    }
  });
}

/** Scene inheritance, hotkeys and what placements refer to. */
function checkScenes(findings: Findings, input: CheckInput): void {
  const { scenes } = input.items;
  const byId = new Map(scenes.flatMap((scene) => (scene ? [[scene.id, scene] as const] : [])));
  const hotkeys = new Map<string, string>();
  each(scenes, (scene, index) => {
    const path = ['scenes', index];
    if (scene.hotkey !== undefined) {
      const owner = hotkeys.get(scene.hotkey.toLowerCase());
      if (owner) findings.error([...path, 'hotkey'], `hotkey ${scene.hotkey} is already used by scene '${owner}'`);
      else hotkeys.set(scene.hotkey.toLowerCase(), scene.id);
    }
    let cycle = false;
    if (scene.extends !== undefined && findings.reference([...path, 'extends'], 'scene', scene.extends, input.ids.scenes)) {
      const chain = [scene.id];
      for (let parent = byId.get(scene.extends); parent; parent = parent.extends ? byId.get(parent.extends) : undefined) {
        chain.push(parent.id);
        if (parent.id === scene.id) {
          findings.error([...path, 'extends'], `scenes extend each other in a cycle: ${chain.join(' -> ')}`);
          cycle = true;
          break;
        }
        if (chain.length > scenes.length + 1) break;
      }
    }
    const seen = new Map<string, number>();
    scene.placements.forEach((placement, placementIndex) => {
      const placementPath = [...path, 'placements', placementIndex];
      findings.reference([...placementPath, 'panel'], 'panel', placement.panel, input.ids.panels);
      const earlier = seen.get(placement.panel);
      if (earlier !== undefined) {
        findings.error([...placementPath, 'panel'], `panel '${placement.panel}' is already placed by placements[${earlier}] of this scene`);
      }
      seen.set(placement.panel, placementIndex);
      const rect = placement.rect;
      if ('screen' in rect) findings.reference([...placementPath, 'rect', 'screen'], 'screen', rect.screen, input.ids.screens);
      if ('region' in rect) findings.reference([...placementPath, 'rect', 'region'], 'region', rect.region, input.ids.regions);
      if ('row' in rect && input.wall && !input.wall.grid) {
        findings.error([...placementPath, 'rect'], 'grid cells need wall.grid; give wall millimetres instead');
      }
    });
    const parent = scene.extends === undefined || cycle ? undefined : byId.get(scene.extends);
    if (scene.remove.length > 0 && scene.extends === undefined) {
      findings.error([...path, 'remove'], "'remove' drops inherited panels, so it needs 'extends'");
    } else if (parent) {
      const inherited = new Set(effectivePlacements(parent, byId).map((placement) => placement.panel));
      scene.remove.forEach((panel, removeIndex) => {
        if (!inherited.has(panel)) {
          findings.error([...path, 'remove', removeIndex], `panel '${panel}' is not placed by scene '${parent.id}'`, closestName(panel, inherited));
        }
      });
    }
  });
}

/** Placements land on the wall: inside its bounds, and visible on at least one screen. */
function checkPlacementGeometry(findings: Findings, layout: Pick<WallLayout, 'wall' | 'screens' | 'regions'>, scenes: readonly (Scene | undefined)[]): void {
  const screens = screenGeometries(layout);
  const context = rectContext(layout, screens);
  const wall = boundingBox(screens.map((screen) => screen.outer))!;
  each(scenes, (scene, index) => {
    scene.placements.forEach((placement, placementIndex) => {
      const path = ['scenes', index, 'placements', placementIndex, 'rect'];
      const rect = resolveRect(placement.rect, context);
      if ('error' in rect) {
        findings.error(path, rect.error);
        return;
      }
      if (!contains(wall, rect, MILLIMETRE_TOLERANCE)) {
        findings.error(
          path,
          `panel '${placement.panel}' lies outside the wall: it spans x ${round(rect.x)}..${round(rect.x + rect.width)}, ` +
            `y ${round(rect.y)}..${round(rect.y + rect.height)} mm; the wall spans x ${round(wall.x)}..${round(wall.x + wall.width)}, ` +
            `y ${round(wall.y)}..${round(wall.y + wall.height)} mm`,
        );
      } else if (!screens.some((screen) => sliceOf(rect, screen))) {
        findings.warning(path, `panel '${placement.panel}' falls entirely behind bezels or in gaps: no screen shows it`);
      }
    });
  });
}

/** Broker references, and what each subscription feeds: a fixed series must exist, a unit must agree with the series fed. */
function checkTelemetry(findings: Findings, telemetry: NonNullable<CheckInput['telemetry']>, series: readonly (Series | undefined)[]): void {
  const path = ['sources', 'telemetry'];
  checkDuplicates(findings, [...path, 'brokers'], telemetry.brokers);
  const brokers = telemetry.brokerIds;
  const known = series.filter((item): item is Series => item !== undefined);
  const ids = new Set(known.map((item) => item.id));
  each(telemetry.subscriptions, (subscription, index) => {
    const subscriptionPath = [...path, 'subscriptions', index];
    if (subscription.broker !== undefined) findings.reference([...subscriptionPath, 'broker'], 'broker', subscription.broker, brokers);
    else if (brokers.size > 1) findings.error(subscriptionPath, `name its broker: the layout has ${[...brokers].join(', ')}`);
    const { decoder } = subscription;
    const targets: [readonly PathSegment[], string][] =
      decoder.kind === 'json-multi' ? Object.entries(decoder.paths).map(([key, template]) => [['paths', key], template])
      : decoder.kind === 'ngsi-ld' ? Object.entries(decoder.attributes).map(([key, template]) => [['attributes', key], template])
      : [[['series'], decoder.series]];
    for (const [key, template] of targets) {
      const matcher = compileSeriesTemplate(template);
      const fed = known.filter((item) => matcher.match(item.id) !== undefined);
      const where = [...subscriptionPath, 'decoder', ...key];
      if (fed.length === 0 && !template.includes('{')) findings.reference(where, 'series', template, ids);
      else if (fed.length === 0) findings.warning(where, `series template '${template}' feeds no series of this layout: its messages will be dropped as unknown_topic`);
      const unit = subscription.unit;
      for (const item of unit === undefined ? [] : fed) {
        if (item.unit !== unit) {
          findings.error([...subscriptionPath, 'unit'], `delivers '${unit}' but series ${item.id} is shown in '${item.unit}': convert with the decoder's scale and offset, and give the series' unit`);
        }
      }
    }
  });
}

/** Scene commands over MQTT: the command topic is not the state topic, and the identity can do something. */
function checkCommands(findings: Findings, path: readonly PathSegment[], commands: Commands, wallId: string | undefined): void {
  if (wallId !== undefined && commandTopicOf(wallId, commands) === stateTopicOf(wallId)) {
    findings.error([...path, 'topic'], `'${stateTopicOf(wallId)}' is where the wall publishes its state: take another command topic, or leave topic out for ioc-wall/${wallId}/command`);
  }
  checkIdentity(findings, [...path, 'identity'], commands.identity);
}

function checkIdentity(findings: Findings, path: readonly PathSegment[], identity: CommandIdentity): void {
  if (!allows(identity.role, 'scene.activate')) findings.warning([...path, 'role'], `role '${identity.role}' may activate no scene: every command will be refused`);
}

/** The embedded broker's clients: unique names, and someone able to send the commands it takes. */
function checkEmbedded(findings: Findings, embedded: Embedded, wallId: string | undefined, brokersNamed: boolean): void {
  const path = ['sources', 'telemetry', 'embedded'];
  if (brokersNamed) findings.warning(path, 'the layout names brokers, so the embedded broker (and this) is used only in demo mode');
  const seen = new Set<string>();
  embedded.clients.forEach((client, index) => {
    if (seen.has(client.username)) findings.error([...path, 'clients', index, 'username'], `client '${client.username}' is listed twice`);
    seen.add(client.username);
  });
  if (wallId === undefined) return;
  const state = stateTopicOf(wallId);
  const covers = (filter: string, topic: string) => {
    try {
      return compileTopicFilter(filter).matches(topic) !== undefined;
    } catch {
      return false;
    }
  };
  embedded.clients.forEach((client, index) =>
    client.publish.forEach((filter, filterIndex) => {
      if (filter === state) findings.warning([...path, 'clients', index, 'publish', filterIndex], `only the wall publishes '${state}': this client's publishes there are refused`);
    }),
  );
  if (!embedded.commands) return;
  checkCommands(findings, [...path, 'commands'], embedded.commands, wallId);
  const topic = commandTopicOf(wallId, embedded.commands);
  if (!embedded.clients.some((client) => client.publish.some((filter) => covers(filter, topic)))) {
    findings.warning(
      [...path, 'commands'],
      `no client may publish to '${topic}', so no command can arrive: add a client to embedded.clients with publish: ["${topic}"] (clients without a name may not send commands)`,
    );
  }
}

/** All checks that need more than the schema, over what passed it. */
export function checkLayout(input: CheckInput): RawProblem[] {
  const findings = new Findings();
  const { wall, items, ids, complete } = input;
  for (const section of LIST_SECTIONS) checkDuplicates(findings, [section], items[section]);
  if (wall) findings.reference(['wall', 'defaultScene'], 'scene', wall.defaultScene, ids.scenes);
  each(items.regions, (region, index) =>
    region.screens.forEach((id, screenIndex) => findings.reference(['regions', index, 'screens', screenIndex], 'screen', id, ids.screens)),
  );
  checkSeries(findings, items.series, ids.fields);
  checkDuplicates(findings, ['sources', 'cameras'], input.cameras.items);
  checkPanels(findings, items.panels, ids.fields, ids.series, input.cameras.ids);
  checkScenes(findings, input);
  if (input.telemetry) {
    checkTelemetry(findings, input.telemetry, items.series);
    const telemetry = input.telemetry;
    each(telemetry.brokers, (broker, index) => {
      if (broker.commands) checkCommands(findings, ['sources', 'telemetry', 'brokers', index, 'commands'], broker.commands, wall?.id);
    });
    if (telemetry.embedded) checkEmbedded(findings, telemetry.embedded, wall?.id, telemetry.brokerIds.size > 0);
  }

  if (wall && checkScreenPositions(findings, wall, items.screens)) {
    checkScreenGeometry(findings, wall, items.screens);
    // Placements are measured against the whole wall, so every screen and region must be sound first.
    const sound = !findings.problems.some((problem) => problem.severity !== 'warning');
    if (sound && complete.has('screens') && complete.has('regions')) {
      const layout = { wall, screens: items.screens as Screen[], regions: items.regions as Region[] };
      checkPlacementGeometry(findings, layout, items.scenes);
    }
  }
  return findings.problems;
}
