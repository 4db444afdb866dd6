// Scene commands over MQTT: a command on a broker's command topic switches the wall through the one command path (refusals audited), and the active scene is published retained on the state topic.
import type { Logger } from 'pino';
import type { Disposable } from '../../common/contract/index.ts';
import type { ReceivedMessage } from '../../device-drivers/mqtt/connection.ts';
import type { RefusedPublish } from '../../device-drivers/mqtt/embedded-broker.ts';
import { parseSceneCommand } from '../core/scene-command.ts';
import { SupersededError, type WallRuntime } from '../core/wall-runtime.ts';
import type { SceneActivation, SceneCommands } from './scene-commands.ts';
import type { CommandChannel, TelemetryService } from './telemetry.ts';

export interface MqttCommandsOptions {
  readonly telemetry: Pick<TelemetryService, 'setCommandHandler' | 'channels'>;
  readonly scenes: Pick<SceneCommands, 'activate' | 'refuse'>;
  readonly runtime: Pick<WallRuntime, 'scene' | 'onDidChangeState'>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** What the state topic carries, retained. */
export interface PublishedSceneState {
  readonly scene: string;
  readonly version: number;
  readonly committedAt: number;
}

/** The audit names of a channel's commands: actor mqtt:<broker id>:<identity name>, origin mqtt:<broker id>. */
export function commandActor(channel: CommandChannel): { actor: string; origin: string } | undefined {
  const identity = channel.commands?.identity;
  return identity && { actor: `mqtt:${channel.broker}:${identity.name}`, origin: `mqtt:${channel.broker}` };
}

/** Takes the telemetry service's command channels for as long as it lives; `dispose()` gives them back. */
export class MqttCommands implements Disposable {
  private readonly stateSubscription: Disposable;
  private lastState: string | undefined;
  /** Commands being carried out, so that tests and shutdown can wait for them. */
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: MqttCommandsOptions) {
    // Fired when a switch starts, commits or is abandoned: only a change of the committed scene is published.
    this.stateSubscription = options.runtime.onDidChangeState(() => this.publishStateEverywhere());
    this.lastState = this.statePayload();
    options.telemetry.setCommandHandler({
      command: (channel, message) => this.track(this.receive(channel, message)),
      connected: (channel) => this.publishState(channel, this.statePayload()),
      refusedByBroker: (channel, refusal) => this.track(this.refusedByBroker(channel, refusal)),
    });
  }

  /** Resolves when every command received so far has its outcome. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private statePayload(): string {
    const { sceneId, version, committedAt } = this.options.runtime.scene;
    return JSON.stringify({ scene: sceneId, version, committedAt } satisfies PublishedSceneState);
  }

  private publishStateEverywhere(): void {
    const payload = this.statePayload();
    if (payload === this.lastState) return;
    this.lastState = payload;
    for (const channel of this.options.telemetry.channels()) if (channel.connected) this.publishState(channel, payload);
  }

  private publishState(channel: CommandChannel, payload: string): void {
    // Not connected any more: the next connect publishes it again.
    channel.publishState(payload).catch((error: Error) => this.options.logger.warn({ broker: channel.broker, topic: channel.stateTopic, error: error.message }, 'scene state not published'));
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  private async receive(channel: CommandChannel, message: ReceivedMessage): Promise<void> {
    const names = commandActor(channel);
    if (!names || !channel.commands) return;
    const { logger } = this.options;
    const context = { broker: channel.broker, topic: message.topic, actor: names.actor };
    // Zero bytes is how MQTT clears a retained message (as the hint below says to): it reaches subscribers, and is no command.
    if (message.payload.byteLength === 0) return;
    if (message.retained) {
      // A retained command would be obeyed again on every reconnect, by every node: commands are acted on only as they are sent.
      logger.warn({ ...context, hint: `clear it: mosquitto_pub -r -n -t '${message.topic}' (with the broker's address and credentials)` }, 'retained MQTT scene command ignored: send commands without retain');
      return;
    }
    try {
      const parsed = parseSceneCommand(message.payload);
      const result = parsed.ok
        ? await this.options.scenes.activate({ actor: names.actor, role: channel.commands.identity.role }, names.origin, { scene: parsed.scene })
        : await this.options.scenes.refuse(names.actor, names.origin, { code: parsed.code, reason: parsed.reason, request: { payload: parsed.request } });
      this.report(context, result);
    } catch (error) {
      // The audit log could not be written (disk full ...): nothing was switched, and the wall goes on.
      logger.error({ ...context, error: error instanceof Error ? error.message : String(error) }, 'MQTT scene command could not be carried out');
    }
  }

  /**
   * A command the embedded broker dropped (from a client without a name, or one whose filters do not cover the
   * command topic) is audited as refused, under the publisher's name: the broker logged it once per client already.
   */
  private async refusedByBroker(channel: CommandChannel, refusal: RefusedPublish): Promise<void> {
    const names = commandActor(channel);
    if (!names) return;
    const parsed = parseSceneCommand(refusal.payload);
    try {
      await this.options.scenes.refuse(`mqtt:${channel.broker}:${refusal.username ?? 'anonymous'}`, names.origin, {
        code: 'not_allowed',
        reason: `the broker dropped it (${refusal.reason}): commands come only from embedded.clients whose publish covers ${refusal.topic}, never retained`,
        request: { clientId: (refusal.clientId ?? '').slice(0, 64), ...(parsed.ok ? { scene: parsed.scene } : { payload: parsed.request }) },
        ...(parsed.ok ? { target: parsed.scene } : {}),
      });
    } catch (error) {
      this.options.logger.error({ broker: channel.broker, topic: refusal.topic, error: error instanceof Error ? error.message : String(error) }, 'refused MQTT scene command could not be audited');
    }
  }

  private report(context: Record<string, unknown>, result: SceneActivation): void {
    const { logger } = this.options;
    switch (result.kind) {
      case 'done':
        logger.info({ ...context, scene: result.sceneId, version: result.outcome.version, auditId: result.auditId }, 'scene switched by MQTT command');
        return;
      case 'refused':
        logger.warn({ ...context, code: result.code, reason: result.reason, auditId: result.auditId }, 'MQTT scene command refused');
        return;
      case 'failed':
        if (result.error instanceof SupersededError) logger.info({ ...context, scene: result.sceneId, supersededBy: result.error.supersededBy, auditId: result.auditId }, 'MQTT scene command superseded by a newer one');
        else logger.error({ ...context, scene: result.sceneId, detail: result.outcome.detail, auditId: result.auditId }, 'MQTT scene command failed; the wall keeps its scene');
    }
  }

  dispose(): void {
    this.options.telemetry.setCommandHandler(undefined);
    this.stateSubscription.dispose();
  }
}
