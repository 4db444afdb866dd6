// The one path of every control action: validate -> authorise -> audit (durable) -> execute -> result, so nothing acts unrecorded.
import type { AuditResult, Scheduler } from '../../common/contract/index.ts';

export type { AuditResult };

/** Who asks, and from where. `id` is what the audit log records (e.g. `env:admin`); anonymous callers have none. */
export interface Actor {
  readonly id: string | undefined;
  /** Remote address, `cli`, `console` ... */
  readonly origin: string;
}

/** The audit log, durable when each call returns (the state database). */
export interface AuditLog {
  appendAudit(entry: { at: number; actor: string; origin: string; action: string; target?: string; request: unknown }): number;
  recordOutcome(auditId: number, outcome: { at: number; result: AuditResult; detail?: unknown }): void;
}

export interface Command<Result> {
  /** What is done, e.g. `scene.activate`. */
  readonly action: string;
  readonly target?: string;
  /** The validated parameters, as recorded (never a secret). */
  readonly request: unknown;
  /** Why this actor may not do it (a role too low, a forged request), or undefined when it may. */
  authorise?(): string | undefined;
  execute(): Promise<Result>;
}

/** How an execution error reads in the audit log and the answer. */
export interface Outcome {
  readonly result: AuditResult;
  readonly detail?: unknown;
}

export type CommandResult<Result> =
  | { readonly kind: 'done'; readonly auditId: number; readonly value: Result }
  | { readonly kind: 'refused'; readonly auditId: number; readonly reason: string }
  | { readonly kind: 'failed'; readonly auditId: number; readonly error: unknown; readonly outcome: Outcome };

export class CommandPath {
  constructor(
    private readonly audit: AuditLog,
    private readonly scheduler: Scheduler,
    /** Classifies an execution error for the record: superseded, or failed with a reason. */
    private readonly classify: (error: unknown) => Outcome,
  ) {}

  async run<Result>(actor: Actor, command: Command<Result>): Promise<CommandResult<Result>> {
    const record = {
      at: this.scheduler.now(),
      actor: actor.id ?? 'anonymous',
      origin: actor.origin,
      action: command.action,
      ...(command.target === undefined ? {} : { target: command.target }),
      request: command.request,
    };
    const refusal = actor.id === undefined ? 'not signed in: send Authorization: Bearer <token>, or sign in on the console' : command.authorise?.();
    if (refusal !== undefined) {
      const auditId = this.audit.appendAudit(record);
      this.audit.recordOutcome(auditId, { at: this.scheduler.now(), result: 'refused', detail: { reason: refusal } });
      return { kind: 'refused', auditId, reason: refusal };
    }
    // Written before anything happens: a crash mid-command still leaves its record (pending).
    const auditId = this.audit.appendAudit(record);
    try {
      const value = await command.execute();
      this.audit.recordOutcome(auditId, { at: this.scheduler.now(), result: 'ok', detail: value });
      return { kind: 'done', auditId, value };
    } catch (error) {
      const outcome = this.classify(error);
      this.audit.recordOutcome(auditId, { at: this.scheduler.now(), ...outcome });
      return { kind: 'failed', auditId, error, outcome };
    }
  }
}
