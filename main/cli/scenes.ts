// `ioc-wall scenes list|activate <id>|previous [--server <url>]`: the control API from a terminal; the token comes from IOC_WALL_TOKEN, never the command line.
import { ExitCode, table, type CliOutput } from './io.ts';
import { DEFAULT_PORT } from './doctor.ts';

export const DEFAULT_SERVER = `http://127.0.0.1:${DEFAULT_PORT}`;

interface SceneSummary {
  readonly id: string;
  readonly name: { readonly vi: string; readonly en: string };
  readonly hotkey?: string;
  readonly active: boolean;
}

interface SwitchAnswer {
  readonly sceneId: string;
  readonly version: number;
  readonly committedAt: number;
  readonly screens: { readonly flipped: readonly string[]; readonly late: readonly string[]; readonly failed: readonly string[] };
}

async function call(server: string, path: string, init: RequestInit, output: CliOutput): Promise<Response | undefined> {
  try {
    return await fetch(new URL(path, server), init);
  } catch {
    output.err(`ioc-wall scenes: no wall answers at ${server}: is ioc-wall serve running? (--server <url> to name another)`);
    return undefined;
  }
}

export async function scenesCommand(
  arguments_: readonly string[],
  options: { server?: string; json: boolean },
  output: CliOutput,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [action, sceneId, ...extra] = arguments_;
  const server = options.server ?? DEFAULT_SERVER;
  if (action === 'list' && sceneId === undefined) {
    const response = await call(server, '/api/scenes', {}, output);
    if (!response) return ExitCode.usage;
    const scenes = (await response.json()) as SceneSummary[];
    if (options.json) output.out(JSON.stringify(scenes, null, 2));
    else for (const line of table([['', 'id', 'hotkey', 'name'], ...scenes.map((scene) => [scene.active ? '*' : '', scene.id, scene.hotkey ?? '', `${scene.name.vi} / ${scene.name.en}`])])) output.out(line);
    return ExitCode.ok;
  }
  const path = action === 'activate' && sceneId !== undefined && extra.length === 0 ? `/api/scenes/${encodeURIComponent(sceneId)}/activate` : action === 'previous' && sceneId === undefined ? '/api/scenes/previous' : undefined;
  if (!path) {
    output.err('usage: ioc-wall scenes list | activate <scene> | previous [--server <url>]   (token in IOC_WALL_TOKEN)');
    return ExitCode.usage;
  }
  const token = environment.IOC_WALL_TOKEN;
  const response = await call(server, path, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} }, output);
  if (!response) return ExitCode.usage;
  const answer = (await response.json()) as SwitchAnswer & { error?: string; message?: string; supersededBy?: number };
  if (options.json) output.out(JSON.stringify(answer, null, 2));
  if (response.ok) {
    if (!options.json) {
      const { flipped, late, failed } = answer.screens;
      output.out(`${answer.sceneId}: version ${answer.version}, committed ${new Date(answer.committedAt).toISOString()}: ${flipped.length} flipped, ${late.length} late, ${failed.length} failed`);
      if (late.length > 0) output.out(`late: ${late.join(' ')}`);
      if (failed.length > 0) output.out(`failed: ${failed.join(' ')}`);
    }
    return ExitCode.ok;
  }
  if (!options.json) {
    if (response.status === 401) output.err(`ioc-wall scenes: refused: ${token ? 'IOC_WALL_TOKEN is not the admin token' : 'set IOC_WALL_TOKEN to the admin token'}`);
    else if (response.status === 409) output.err(`ioc-wall scenes: superseded by a newer command (switch ${answer.supersededBy}) before it committed`);
    else output.err(`ioc-wall scenes: ${answer.message ?? answer.error ?? `HTTP ${response.status}`}`);
  }
  return ExitCode.failed;
}
