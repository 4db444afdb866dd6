// `ioc-wall identify [--server <url>] [--seconds n]`: every screen shows its id, label and resolution over the test pattern, for a technician finding which is which.
import { DEFAULT_SERVER } from './scenes.ts';
import { ExitCode, type CliOutput } from './io.ts';

export async function identifyCommand(options: { server?: string; seconds?: string }, output: CliOutput, environment: NodeJS.ProcessEnv = process.env): Promise<number> {
  const seconds = options.seconds === undefined ? 10 : Number(options.seconds);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 120) {
    output.err('ioc-wall identify: --seconds is a number from 1 to 120');
    return ExitCode.usage;
  }
  const server = options.server ?? DEFAULT_SERVER;
  const token = environment.IOC_WALL_TOKEN;
  let response: Response;
  try {
    response = await fetch(new URL('/api/identify', server), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ seconds }),
    });
  } catch {
    output.err(`ioc-wall identify: no wall answers at ${server}: is ioc-wall serve running? (--server <url> to name another)`);
    return ExitCode.usage;
  }
  const answer = (await response.json()) as { screens?: string[]; message?: string };
  if (!response.ok) {
    output.err(`ioc-wall identify: ${response.status === 401 ? (token ? 'refused: IOC_WALL_TOKEN is not the admin token' : 'set IOC_WALL_TOKEN to the admin token') : (answer.message ?? `HTTP ${response.status}`)}`);
    return ExitCode.failed;
  }
  output.out(`identifying ${answer.screens?.length ?? 0} screens for ${seconds} s: ${answer.screens?.join(' ') || '(no screen connected)'}`);
  return ExitCode.ok;
}
