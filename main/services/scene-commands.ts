// Activating a scene as someone: the one way the HTTP API and MQTT commands switch the wall, through the command path, every refusal audited with its reason.
import type { ClientRole } from '../../common/contract/index.ts';
import type { CommandPath, Outcome } from '../core/command-path.ts';
import { decideSceneActivation, type SceneRefusal, type SceneRefusalCode } from '../core/scene-command.ts';
import type { SwitchOutcome, WallRuntime } from '../core/wall-runtime.ts';

/** Who asks: a signed-in user, a token, an MQTT identity ... (a Principal of identities.ts fits). */
export interface ScenePrincipal {
  /** What the audit log records, e.g. user:lan, mqtt:province:scada. */
  readonly actor: string;
  readonly role: ClientRole;
}

/** A scene by id, or the one before the current one. */
export type SceneTarget = { readonly scene: string } | { readonly previous: true };

export type SceneActivation =
  | { readonly kind: 'done'; readonly auditId: number; readonly sceneId: string; readonly outcome: SwitchOutcome }
  /** `reason` is what the audit log records; `scenes` the layout's, for an answer to an unknown scene. */
  | { readonly kind: 'refused'; readonly auditId: number; readonly code: SceneRefusalCode; readonly reason: string; readonly scenes: readonly string[] }
  /** Execution failed: superseded by a newer command, the layout changed, the commit was not durable ... (`error` says which). */
  | { readonly kind: 'failed'; readonly auditId: number; readonly sceneId: string; readonly error: unknown; readonly outcome: Outcome };

export type SceneRefused = Extract<SceneActivation, { kind: 'refused' }>;

export interface SceneCommandsOptions {
  readonly runtime: Pick<WallRuntime, 'layout' | 'scene' | 'activate'>;
  readonly commands: CommandPath;
}

/** Never called: the command path executes nothing it refused. */
const refusedAlready = () => Promise.reject(new Error('a refused command was executed'));

export class SceneCommands {
  constructor(private readonly options: SceneCommandsOptions) {}

  private get scenes(): string[] {
    return this.options.runtime.layout?.scenes.map((scene) => scene.id) ?? [];
  }

  /**
   * Switches the wall to `target` as `principal` (undefined: not signed in), from `origin` (a remote address,
   * mqtt:<broker id> ...), as `scene.activate` (`scene.previous` for the previous scene). Every call leaves one audit
   * record, written by the command path: refused (not signed in, unknown scene, no previous scene, role not taken by
   * the scene), or the switch's outcome. Resolves when the commit is durable and the screens reported.
   */
  async activate(principal: ScenePrincipal | undefined, origin: string, target: SceneTarget): Promise<SceneActivation> {
    const { runtime, commands } = this.options;
    const previous = 'previous' in target;
    const requested = previous ? runtime.scene.previousSceneId : target.scene;
    const decision = decideSceneActivation(principal?.role, runtime.layout, previous ? { previous: requested } : { scene: target.scene }, principal?.actor);
    const result = await commands.run<SwitchOutcome>(
      { id: principal?.actor, origin },
      {
        action: previous ? 'scene.previous' : 'scene.activate',
        ...(requested === null ? {} : { target: requested }),
        request: { scene: requested, ...(previous ? { previous: true } : {}) },
        authorise: () => (decision.ok ? undefined : decision.reason),
        execute: () => (decision.ok ? runtime.activate(decision.sceneId) : refusedAlready()),
      },
    );
    switch (result.kind) {
      case 'done':
        return { kind: 'done', auditId: result.auditId, sceneId: result.value.sceneId, outcome: result.value };
      case 'refused':
        // Refused with no refusal of ours: the command path's own (not signed in).
        return { kind: 'refused', auditId: result.auditId, code: decision.ok ? 'not_signed_in' : decision.code, reason: result.reason, scenes: this.scenes };
      case 'failed':
        return { kind: 'failed', auditId: result.auditId, sceneId: decision.ok ? decision.sceneId : (requested ?? ''), error: result.error, outcome: result.outcome };
    }
  }

  /**
   * Refuses a scene command that could not even name a scene properly (an unreadable MQTT payload, a publish the
   * broker dropped), through the command path like every refusal: audited as `scene.activate`, refused, with `reason`.
   * `request` must hold no secret.
   */
  async refuse(actor: string, origin: string, refusal: SceneRefusal & { readonly request: unknown; readonly target?: string }): Promise<SceneRefused> {
    const result = await this.options.commands.run(
      { id: actor, origin },
      {
        action: 'scene.activate',
        ...(refusal.target === undefined ? {} : { target: refusal.target }),
        request: refusal.request,
        authorise: () => refusal.reason,
        execute: refusedAlready,
      },
    );
    return { kind: 'refused', auditId: result.auditId, code: refusal.code, reason: refusal.reason, scenes: this.scenes };
  }
}
