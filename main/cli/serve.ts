// `ioc-wall serve`: loads the layout (or its last good copy), runs the wall, serves the screens, reloads on change, stops cleanly.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BridgeHost, type WallHealth } from '../../common/contract/index.ts';
import { CommandPath } from '../core/command-path.ts';
import { SupersededError, WallRuntime } from '../core/wall-runtime.ts';
import { Authenticator, loadAdminToken, TokenTooShortError } from '../services/auth.ts';
import { controlApi } from '../services/control-api.ts';
import { StateStore } from '../services/state-store.ts';
import { prepareDataDirectory, resolveDataDirectory } from '../services/data-dir.ts';
import { RendererMissingError, startHttpServer } from '../services/http-server.ts';
import { Access, isLoopbackHost } from '../services/access.ts';
import { Identities } from '../services/identities.ts';
import { layoutAssetPath } from '../services/layout-file.ts';
import { LayoutUnavailableError, loadLayout, watchLayout } from '../services/layout-source.ts';
import { createLogger } from '../services/logger.ts';
import { CameraService } from '../services/cameras.ts';
import { MqttCommands } from '../services/mqtt-commands.ts';
import { SceneCommands } from '../services/scene-commands.ts';
import { WallMetrics } from '../services/metrics.ts';
import { TelemetryApi } from '../services/telemetry-api.ts';
import { TelemetryService } from '../services/telemetry.ts';
import { BrokerPortTakenError } from '../../device-drivers/mqtt/embedded-broker.ts';
import { TelemetryRouter } from '../core/telemetry-router.ts';
import { nodeScheduler } from '../services/node-scheduler.ts';
import { ExitCode, type CliOutput } from './io.ts';
import { DEFAULT_BROKER_PORT, DEFAULT_PORT } from './doctor.ts';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_LAYOUT = path.join(PACKAGE_ROOT, 'wall-layouts', 'ioc-province.yaml');
export const RENDERER_DIRECTORY = path.join(PACKAGE_ROOT, 'dist', 'renderer');

export interface ServeOptions {
  readonly layout?: string;
  readonly port?: string;
  /** Port of the embedded MQTT broker (started when the layout names none); 0 takes a free one. */
  readonly brokerPort?: string;
  readonly host?: string;
  /** PEM files: serve HTTPS and WSS (and the media gateway WSS). */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly dataDir?: string;
  readonly demo: boolean;
  readonly json: boolean;
}

/** Runs until SIGTERM or SIGINT; resolves with the exit code. */
export async function serveCommand(options: ServeOptions, output: CliOutput): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    output.err('ioc-wall serve: give both --tls-cert and --tls-key (PEM files), or neither');
    return ExitCode.usage;
  }
  let tls: { cert: string; key: string } | undefined;
  try {
    tls = options.tlsCert && options.tlsKey ? { cert: await readFile(options.tlsCert, 'utf8'), key: await readFile(options.tlsKey, 'utf8') } : undefined;
  } catch (error) {
    output.err(`ioc-wall serve: cannot read the TLS certificate or key: ${(error as Error).message}`);
    return ExitCode.usage;
  }
  if (!isLoopbackHost(host) && !tls) {
    output.err(`ioc-wall serve: WARNING: --host ${host} without --tls-cert/--tls-key: passwords, session cookies and display tokens cross the LAN in clear`);
  }
  const port = options.port === undefined ? DEFAULT_PORT : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    output.err(`ioc-wall serve: --port must be a whole number from 0 to 65535 (0 takes a free port), not '${options.port}'`);
    return ExitCode.usage;
  }
  const brokerPort = options.brokerPort === undefined ? DEFAULT_BROKER_PORT : Number(options.brokerPort);
  if (!Number.isInteger(brokerPort) || brokerPort < 0 || brokerPort > 65_535) {
    output.err(`ioc-wall serve: --broker-port must be a whole number from 0 to 65535 (0 takes a free port), not '${options.brokerPort}'`);
    return ExitCode.usage;
  }
  const file = path.resolve(options.layout ?? DEFAULT_LAYOUT);
  if (!existsSync(file)) {
    output.err(`ioc-wall serve: layout file not found: ${file}`);
    return ExitCode.usage;
  }

  const logger = createLogger();
  const dataDirectory = await prepareDataDirectory(resolveDataDirectory(options.dataDir));
  let adminToken;
  try {
    adminToken = await loadAdminToken(dataDirectory);
  } catch (error) {
    if (!(error instanceof TokenTooShortError)) throw error;
    output.err(`ioc-wall serve: ${error.message}`);
    return ExitCode.usage;
  }
  let loaded;
  try {
    loaded = await loadLayout(file, dataDirectory);
  } catch (error) {
    if (!(error instanceof LayoutUnavailableError)) throw error;
    for (const line of error.problems) output.err(line);
    output.err(`ioc-wall serve: ${error.message}`);
    return ExitCode.failed;
  }

  let lastError: { at: string; problems: readonly string[] } | undefined;
  if (loaded.fromLastGood) {
    const problems = loaded.fromLastGood.problems.map((problem) => `${file}:${problem.line}:${problem.column}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`);
    lastError = { at: new Date().toISOString(), problems };
    for (const line of problems) output.err(line);
    output.err(`ioc-wall serve: WARNING: ${file} has errors; running the last good copy saved ${loaded.fromLastGood.savedAt}. Fix the file: the wall picks it up when it is valid.`);
    logger.warn({ file, savedAt: loaded.fromLastGood.savedAt, problems }, 'layout has errors: running the last good copy');
  }

  const bridge = new BridgeHost(nodeScheduler.now);
  const router = new TelemetryRouter({
    scheduler: nodeScheduler,
    simulated: options.demo,
    onDrop: ({ reason, topic, detail, suppressed }) => logger.warn({ reason, topic, detail, suppressedSinceLastReport: suppressed }, 'MQTT message dropped'),
  });
  router.setLayout(loaded.layout);
  let telemetry: TelemetryService;
  try {
    telemetry = await TelemetryService.start({ layoutFile: file, demo: options.demo, brokerPort, router, scheduler: nodeScheduler, logger }, loaded.layout);
  } catch (error) {
    router.dispose();
    if (!(error instanceof BrokerPortTakenError)) throw error;
    output.err(`ioc-wall serve: embedded MQTT broker: ${error.message}`);
    return ExitCode.failed;
  }
  const cameras = new CameraService({ layoutFile: file, demo: options.demo, logger, scheduler: nodeScheduler });
  await cameras.setLayout(loaded.layout);
  const metrics = new WallMetrics({ bridge, router, brokers: () => telemetry.brokers(), cameras: () => cameras.state().cameras });
  router.setMetrics(metrics);
  const telemetryApi = new TelemetryApi({ router, brokers: () => telemetry.brokers(), onDidChangeBrokers: telemetry.onDidChangeBrokers, scheduler: nodeScheduler });

  const store = StateStore.open(dataDirectory);
  const initialScene = store.committedScene();
  const runtime = new WallRuntime({
    scheduler: nodeScheduler,
    bridge,
    feed: router,
    media: cameras,
    demo: options.demo,
    persistence: { commit: (scene) => store.commitScene(scene) },
    ...(initialScene ? { initialScene } : {}),
  });
  runtime.setLayout(loaded.layout);
  const identities = new Identities(store, nodeScheduler.now);
  const authenticator = new Authenticator(adminToken, identities, nodeScheduler.now);
  const access = new Access(authenticator, { host, secure: tls !== undefined });
  // The CLI changes users and tokens in the same database: when it commits, open sockets are checked again at once.
  let dataVersion = identities.dataVersion();
  const credentialWatch = setInterval(() => {
    const version = identities.dataVersion();
    if (version === dataVersion) return;
    dataVersion = version;
    const closed = access.recheck();
    if (closed > 0) logger.info({ closed }, 'closed sockets whose credentials ended');
  }, 1_000);
  // Tokens and sessions also end by time: look at open sockets every few seconds even when nothing changed.
  const expiryWatch = setInterval(() => access.recheck(), 10_000);
  const commands = new CommandPath(store, nodeScheduler, (error) =>
    error instanceof SupersededError
      ? { result: 'superseded', detail: { supersededBy: error.supersededBy } }
      : { result: 'failed', detail: { message: error instanceof Error ? error.message : String(error) } },
  );
  const sceneCommands = new SceneCommands({ runtime, commands });
  const mqttCommands = new MqttCommands({ telemetry, scenes: sceneCommands, runtime, logger });
  bridge.onDidReject(({ remote, reason }) => logger.warn({ remote, reason }, 'dropped a bridge message'));

  const watcher = watchLayout(file, dataDirectory, logger, {
    onDidAccept: (layout) => {
      router.setLayout(layout);
      const version = runtime.setLayout(layout);
      telemetry.setLayout(layout).catch((error: Error) => logger.error({ error: error.message }, 'telemetry could not follow the new layout'));
      cameras.setLayout(layout).catch((error: Error) => logger.error({ error: error.message }, 'cameras could not follow the new layout'));
      lastError = undefined;
      logger.info({ file, version }, 'layout reloaded');
    },
    onDidReject: (problems) => {
      lastError = { at: new Date().toISOString(), problems };
      logger.error({ file, problems }, 'layout change rejected: the wall keeps the last good layout');
      for (const line of problems) output.err(line);
    },
  });

  let server;
  try {
    server = await startHttpServer({
      host,
      port,
      rendererDirectory: RENDERER_DIRECTORY,
      bridge,
      logger,
      access,
      ...(tls ? { tls } : {}),
      mediaOrigin: (requestHost) => cameras.gatewayUrlFor(requestHost),
      routes: [
        controlApi({ runtime, commands, scenes: sceneCommands, authenticator, access, store, pushed: [telemetryApi, { state: () => cameras.state(), onDidChange: cameras.onDidChangeHealth }] }),
        telemetryApi.route(access),
        cameras.route(access),
        metrics.route(access),
      ],
      wall: {
        describe: () => runtime.describe(),
        screenIds: () => runtime.layout?.screens.map((screen) => screen.id) ?? [],
        panelImage: (panelId) => {
          const panel = runtime.layout?.panels.find((candidate) => candidate.id === panelId);
          return panel?.type === 'image' ? layoutAssetPath(file, panel.src) : undefined;
        },
        health: (): WallHealth => {
          const status = runtime.status();
          const degraded = lastError !== undefined || status.screens.connected < status.screens.expected;
          return {
            status: degraded ? 'degraded' : 'ok',
            screens: status.screens,
            layout: { version: status.layoutVersion, file, ...(lastError ? { lastError } : {}) },
          };
        },
      },
    });
  } catch (error) {
    watcher.dispose();
    clearInterval(credentialWatch);
    clearInterval(expiryWatch);
    mqttCommands.dispose();
    runtime.dispose();
    telemetryApi.dispose();
    await cameras.close();
    await telemetry.dispose();
    router.dispose();
    store.dispose();
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof RendererMissingError) output.err(`ioc-wall serve: ${error.message}`);
    else if (code === 'EADDRINUSE') output.err(`ioc-wall serve: port ${port} on ${host} is in use; stop what uses it, or pass --port 0 to take a free port`);
    else throw error;
    return ExitCode.failed;
  }

  const listening = server.url;
  // The gateway accepts sockets only from this server's pages, whose origin is known now. It runs before the server says
  // it listens: a page served earlier would carry a Content-Security-Policy without the gateway, and never get video.
  const gatewayStarted = cameras.start({ host, origins: access.origins(server.port), ...(tls ? { tls } : {}) });
  await gatewayStarted;
  output.out(options.json ? JSON.stringify({ event: 'listening', url: listening, port: server.port, host }) : `ioc-wall: listening on ${listening}`);
  logger.info({ url: listening, layout: file, dataDirectory, demo: options.demo, adminToken: adminToken.source, broker: telemetry.embeddedUrl }, 'wall serving');
  // The console link carries a one-time code in its fragment (never sent in a request line, so never in a log).
  output.err(`ioc-wall: console (sign-in link, valid once for 10 minutes): ${listening}/console#login=${authenticator.newLoginCode()}`);
  if (telemetry.embeddedUrl) output.err(`ioc-wall: embedded MQTT broker on ${telemetry.embeddedUrl} (loopback only)${options.demo ? ', carrying the demo values' : ''}`);
  output.err(`ioc-wall: control API token: ${adminToken.source === 'IOC_WALL_ADMIN_TOKEN' ? 'the IOC_WALL_ADMIN_TOKEN you set' : `in ${adminToken.source}`}`);

  return new Promise((resolve) => {
    const stop = async (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      logger.info({ signal }, 'stopping: telling the screens the server is restarting');
      bridge.restarting();
      watcher.dispose();
      clearInterval(credentialWatch);
      clearInterval(expiryWatch);
      await server.close();
      mqttCommands.dispose();
      runtime.dispose();
      telemetryApi.dispose();
      await gatewayStarted;
      await cameras.close();
      await telemetry.dispose();
      router.dispose();
      bridge.dispose();
      store.dispose();
      resolve(ExitCode.ok);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
