// Test support: a real RTSP camera on a loopback port (GStreamer's RTSP server via Debian's python3), optionally with credentials, that can be killed and restarted on the same port.
import { freePort, portAccepts, requireTool } from '../test-support.ts';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Debian's python3: the python3 first on the PATH of these machines is a separate build without `gi`. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const GSTREAMER_RTSP_INSTALL_HINT =
  'apt-get install -y --no-install-recommends python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly';
const SERVER_SCRIPT = fileURLToPath(new URL('./test-rtsp-server.py', import.meta.url));
const STARTUP_TIMEOUT_MILLISECONDS = 20_000;
const LOG_LIMIT_CHARACTERS = 64 * 1024;

export interface RtspServerOptions {
  /** Default: a free port. */
  readonly port?: number;
  /** Default /camera. */
  readonly mount?: string;
  /** With a username the server asks for authentication (digest unless `authentication` says basic). */
  readonly username?: string;
  readonly password?: string;
  readonly authentication?: 'digest' | 'basic';
  /** Default 320x240 at 15 fps, a keyframe every second. */
  readonly size?: string;
  readonly fps?: number;
}

export interface RtspServer {
  /** rtsp://127.0.0.1:port/mount, without credentials. */
  readonly url: string;
  readonly port: number;
  /** The running server's pid, for leak checks. */
  readonly processId: () => number | undefined;
  /** Its stdout and stderr so far (the last 64 KiB), for failure messages. */
  readonly log: () => string;
  /** Signals the server (default SIGKILL: a camera losing power) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server without closing its sockets (SIGSTOP): a camera that hangs, or a cable pulled, rather than one that resets. */
  freeze(): void;
  /** Lets a frozen server go on (SIGCONT). */
  thaw(): void;
  /** Starts it again on the same port and waits until it accepts connections. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The system Python can import GStreamer's RTSP server. */
export function gstreamerRtspAvailable(): boolean {
  if (!existsSync(SYSTEM_PYTHON)) return false;
  try {
    // Cheap enough for a test file's top level: one import, no pipeline.
    const { status } = spawnSync(SYSTEM_PYTHON, ['-c', "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer"], {
      stdio: 'ignore',
      timeout: 10_000,
    });
    return status === 0;
  } catch {
    return false;
  }
}

/**
 * The project's rule for system tools the tests need: missing in CI is an error with the install command; missing on
 * a developer's machine is a loud warning and the tests skip (`const rtspIt = requireGstreamerRtsp() ? it : it.skip;`).
 */
export function requireGstreamerRtsp(): boolean {
  return requireTool(gstreamerRtspAvailable(), `GStreamer's RTSP server for ${SYSTEM_PYTHON} is missing: ${GSTREAMER_RTSP_INSTALL_HINT}`, 'the tests against a real RTSP camera are');
}


export { freePort } from '../test-support.ts';

export async function startRtspServer(options: RtspServerOptions = {}): Promise<RtspServer> {
  const port = options.port ?? (await freePort());
  const mount = options.mount ?? '/camera';
  let log = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const spawnServer = async (): Promise<void> => {
    // Credentials through the environment, so they are not in the process list; the rest of the environment is
    // left out too (the test runner's may hold secrets of its own).
    const environment: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
    if (options.username !== undefined) {
      environment.RTSP_USERNAME = options.username;
      environment.RTSP_PASSWORD = options.password ?? '';
      environment.RTSP_AUTH = options.authentication ?? 'digest';
    }
    const server = spawn(SYSTEM_PYTHON, [SERVER_SCRIPT, String(port), mount, options.size ?? '320x240', String(options.fps ?? 15)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: environment,
    });
    child = server;
    let listening = false;
    let exitDescription: string | undefined;
    const append = (chunk: string): void => {
      log = (log + chunk).slice(-LOG_LIMIT_CHARACTERS);
      if (chunk.includes('listening rtsp://')) listening = true;
    };
    server.stdout?.setEncoding('utf8');
    server.stderr?.setEncoding('utf8');
    server.stdout?.on('data', append);
    server.stderr?.on('data', append);
    exited = new Promise<void>((resolve) => {
      server.once('close', (code, signal) => {
        exitDescription = String(code ?? signal);
        resolve();
      });
      server.once('error', (error) => {
        exitDescription = error.message;
      });
    });
    const deadline = Date.now() + STARTUP_TIMEOUT_MILLISECONDS;
    // "listening" is printed once the port is bound: waiting for it keeps another server on the port from passing for this one.
    while (!listening || !(await portAccepts(port))) {
      if (exitDescription !== undefined) throw new Error(`the RTSP test server exited (${exitDescription}) before accepting on port ${port}:\n${log}`);
      if (Date.now() > deadline) {
        server.kill('SIGKILL');
        throw new Error(`the RTSP test server did not accept on port ${port} within ${STARTUP_TIMEOUT_MILLISECONDS} ms:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const running = child;
    if (running && running.exitCode === null && running.signalCode === null) {
      running.kill(signal);
      // A frozen process acts on no signal but SIGKILL until it is continued.
      running.kill('SIGCONT');
    }
    await exited;
  };

  try {
    await spawnServer();
  } catch (error) {
    await kill();
    throw error;
  }

  return {
    url: `rtsp://127.0.0.1:${port}${mount}`,
    port,
    processId: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    log: () => log,
    kill,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async restart() {
      await kill();
      await spawnServer();
    },
    stop: () => kill(),
  };
}

