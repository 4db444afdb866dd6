// `ioc-wall doctor`: what this machine has for running and testing the wall, with the command that installs what is missing.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { ExitCode, table, type CliOutput } from './io.ts';

export const DEFAULT_PORT = 7300;
/** The embedded MQTT broker's port (serve --broker-port). */
export const DEFAULT_BROKER_PORT = 1883;
const MINIMUM_NODE = [20, 10] as const;
const APT = 'apt-get update && apt-get install -y --no-install-recommends';

export interface ProbeResult {
  readonly ok: boolean;
  /** Version or reason, one line. */
  readonly detail: string;
}

/** The machine, as doctor sees it; injected so tests decide what is present. */
export interface DoctorProbes {
  nodeVersion(): string;
  /** Runs a program and reports its first output line; never throws. Some tools exit non-zero after `-h`. */
  run(command: string, args: readonly string[], okExitCodes?: readonly number[]): Promise<ProbeResult>;
  portFree(port: number): Promise<boolean>;
}

interface Check {
  readonly name: string;
  readonly neededFor: string;
  readonly hint?: string;
  readonly probe: (probes: DoctorProbes) => Promise<ProbeResult>;
}

const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
const firstLine = (text: string) => lines(text)[0] ?? '';
const lastLine = (text: string) => lines(text).at(-1) ?? '';

const CHECKS: readonly Check[] = [
  {
    name: 'Node.js',
    neededFor: 'everything',
    hint: `Node.js ${MINIMUM_NODE.join('.')} or newer`,
    probe: async (probes) => {
      const version = probes.nodeVersion();
      const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
      const ok = major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
      return { ok, detail: ok ? version : `${version} is too old` };
    },
  },
  {
    name: 'chromium',
    neededFor: 'browser screens in tests (e2e)',
    hint: `${APT} chromium`,
    probe: (probes) => probes.run('chromium', ['--version']),
  },
  {
    name: 'ffmpeg',
    neededFor: 'camera gateway and demo streams',
    hint: `${APT} ffmpeg`,
    probe: (probes) => probes.run('ffmpeg', ['-hide_banner', '-version']),
  },
  {
    name: 'mosquitto',
    neededFor: 'MQTT tests against a real broker',
    hint: `${APT} mosquitto mosquitto-clients`,
    // `mosquitto -h` prints its version and exits 3.
    probe: (probes) => probes.run('mosquitto', ['-h'], [0, 3]),
  },
  {
    name: 'GStreamer RTSP server',
    neededFor: 'RTSP test cameras',
    hint: `${APT} python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly`,
    probe: (probes) =>
      probes.run('/usr/bin/python3', [
        '-c',
        "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import Gst, GstRtspServer; Gst.init(None); print('GStreamer', Gst.version_string())",
      ]),
  },
  {
    name: `port ${DEFAULT_PORT}`,
    neededFor: 'ioc-wall serve (default port)',
    probe: async (probes) =>
      (await probes.portFree(DEFAULT_PORT))
        ? { ok: true, detail: 'free' }
        : { ok: false, detail: `in use: stop what uses it, or run the server with --port 0 for a free port` },
  },
  {
    name: `port ${DEFAULT_BROKER_PORT}`,
    neededFor: 'the embedded MQTT broker (default --broker-port)',
    probe: async (probes) =>
      (await probes.portFree(DEFAULT_BROKER_PORT))
        ? { ok: true, detail: 'free' }
        : { ok: false, detail: 'in use (another MQTT broker?): name it in the layout, or run the server with --broker-port 0' },
  },
];

export const machineProbes: DoctorProbes = {
  nodeVersion: () => process.version,
  run: (command, args, okExitCodes = [0]) =>
    new Promise((resolve) => {
      execFile(command, [...args], { timeout: 10_000 }, (error, stdout, stderr) => {
        const code = (error as NodeJS.ErrnoException | null)?.code ?? 0;
        if (code === 'ENOENT') resolve({ ok: false, detail: 'not installed' });
        else if (typeof code === 'number' && okExitCodes.includes(code)) resolve({ ok: true, detail: firstLine(stdout) || firstLine(stderr) });
        else resolve({ ok: false, detail: lastLine(stderr) || (error as Error).message });
      });
    }),
  portFree: (port) =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    }),
};

export async function doctorCommand(options: { json: boolean }, output: CliOutput, probes: DoctorProbes = machineProbes): Promise<number> {
  const results = await Promise.all(
    CHECKS.map(async (check) => ({ name: check.name, neededFor: check.neededFor, ...(await check.probe(probes)), hint: check.hint })),
  );
  const missing = results.filter((result) => !result.ok);
  if (options.json) {
    output.out(JSON.stringify({ ok: missing.length === 0, checks: results }, null, 2));
  } else {
    const rows = results.map((result) => [result.ok ? 'ok' : 'MISSING', result.name, result.detail, `(${result.neededFor})`]);
    for (const line of table(rows)) output.out(line);
    for (const result of missing) if (result.hint) output.out(`to fix ${result.name}: ${result.hint}`);
    output.out(missing.length === 0 ? 'doctor: everything is in place' : `doctor: ${missing.length} of ${results.length} checks need attention`);
  }
  return missing.length === 0 ? ExitCode.ok : ExitCode.failed;
}
