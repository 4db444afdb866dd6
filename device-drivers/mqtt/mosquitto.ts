// Test support: a real Debian mosquitto on a loopback port (start, kill, restart) and the real mosquitto_pub, for the driver tests, the e2e specs and the benchmark.
import { freePort, portAccepts, requireTool } from '../test-support.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const MOSQUITTO_PUB = '/usr/bin/mosquitto_pub';
export const MOSQUITTO_INSTALL_HINT = 'apt-get update && apt-get install -y --no-install-recommends mosquitto mosquitto-clients';

const STARTUP_TIMEOUT_MILLISECONDS = 15_000;
/** Enough of mosquitto's log to explain a failed start, without growing through a long benchmark. */
const LOG_LIMIT_CHARACTERS = 64 * 1024;

export interface Mosquitto {
  /** mqtt://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  /** mosquitto's own log (stderr) so far, the last 64 KiB, for failure messages. */
  readonly log: () => string;
  /** Signals the broker (default SIGKILL: a crash, no clean DISCONNECT) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port (after kill) and waits until it accepts connections. */
  restart(): Promise<void>;
  /** Kills it and removes its temporary directory. */
  stop(): Promise<void>;
}

/** Both the broker and the clients package (mosquitto_pub) are present. */
export function mosquittoAvailable(): boolean {
  return existsSync(MOSQUITTO) && existsSync(MOSQUITTO_PUB);
}

/**
 * The project's rule for system tools the tests need: missing in CI is an error with the install command; missing on
 * a developer's machine is a loud warning and the tests skip. Returns whether the tests can run, e.g.
 * `const mosquittoIt = requireMosquitto() ? it : it.skip;` (kept free of vitest so the benchmark can import this file).
 */
export function requireMosquitto(): boolean {
  return requireTool(mosquittoAvailable(), `mosquitto is missing (${MOSQUITTO}, ${MOSQUITTO_PUB}): ${MOSQUITTO_INSTALL_HINT}`, 'the tests against a real MQTT broker are');
}


export { freePort } from '../test-support.ts';

export async function startMosquitto({ port = 0 }: { port?: number } = {}): Promise<Mosquitto> {
  const chosenPort = port === 0 ? await freePort() : port;
  const directory = await mkdtemp(path.join(tmpdir(), 'ioc-wall-mosquitto-'));
  const configuration = path.join(directory, 'mosquitto.conf');
  await writeFile(
    configuration,
    [
      `listener ${chosenPort} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      'connection_messages true',
      '',
    ].join('\n'),
  );
  let log = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const spawnBroker = async (): Promise<void> => {
    const broker = spawn(MOSQUITTO, ['-c', configuration], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = broker;
    // "running" is logged once every listener is open. Waiting for it (not only for the port to accept) keeps a port
    // taken by another server from passing for this broker.
    let startupLog = '';
    let running = false;
    broker.stderr?.setEncoding('utf8');
    broker.stderr?.on('data', (chunk: string) => {
      log = (log + chunk).slice(-LOG_LIMIT_CHARACTERS);
      if (!running) {
        startupLog += chunk;
        running = /mosquitto version \S+ running/.test(startupLog);
      }
    });
    let exitCode: number | string | null | undefined;
    exited = new Promise<void>((resolve) => {
      broker.once('exit', (code, signal) => {
        exitCode = code ?? signal;
        resolve();
      });
      // A spawn failure (ENOENT, EACCES) comes as 'error' and no 'exit'.
      broker.once('error', (error) => {
        exitCode = error.message;
        resolve();
      });
    });
    const deadline = Date.now() + STARTUP_TIMEOUT_MILLISECONDS;
    while (!running || !(await portAccepts(chosenPort))) {
      if (exitCode !== undefined) throw new Error(`mosquitto exited (${exitCode}) before accepting on port ${chosenPort}:\n${log}`);
      if (Date.now() > deadline) {
        broker.kill('SIGKILL');
        throw new Error(`mosquitto did not accept on port ${chosenPort} within ${STARTUP_TIMEOUT_MILLISECONDS} ms:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const running = child;
    if (running && running.exitCode === null && running.signalCode === null) running.kill(signal);
    await exited;
  };

  try {
    await spawnBroker();
  } catch (error) {
    await kill();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `mqtt://127.0.0.1:${chosenPort}`,
    port: chosenPort,
    log: () => log,
    kill,
    async restart() {
      await kill();
      await spawnBroker();
    },
    async stop() {
      await kill();
      await rm(directory, { recursive: true, force: true });
    },
  };
}


/** Publishes one message with Debian's mosquitto_pub (not mqtt.js), for tests that must show another client's messages arrive. */
export function mosquittoPublish(url: string, topic: string, payload: string | Uint8Array, qos: 0 | 1 | 2 = 0, options: { retain?: boolean } = {}): Promise<void> {
  const { hostname, port } = new URL(url);
  const commandArguments = ['-h', hostname.replace(/^\[|\]$/g, ''), '-p', port === '' ? '1883' : port, '-t', topic, '-q', String(qos), '-s'];
  if (options.retain) commandArguments.push('-r');
  return new Promise((resolve, reject) => {
    // -s reads the message from standard input: binary payloads pass unchanged, and nothing shows in the process list.
    const publisher = spawn(MOSQUITTO_PUB, commandArguments, { stdio: ['pipe', 'ignore', 'pipe'] });
    let errorOutput = '';
    publisher.stderr.setEncoding('utf8');
    publisher.stderr.on('data', (chunk: string) => {
      errorOutput += chunk;
    });
    publisher.once('error', reject);
    publisher.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`mosquitto_pub to ${topic} on ${url} failed (${code ?? signal}): ${errorOutput.trim()}`));
    });
    publisher.stdin.end(typeof payload === 'string' ? payload : Buffer.from(payload));
  });
}
