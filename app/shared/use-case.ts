import * as z from 'zod';
import type { JsonValue } from '../../core/audit/canonical-json';
import type { AuditEntry, AuditRecorder } from '../../core/audit/audit-recorder.port';
import { roleMay, type Permission } from '../../core/access/permissions';
import type { Awaitable } from '../../core/shared/awaitable';
import { CallsightError, isCallsightError } from '../../core/shared/errors';
import { validationError } from '../../core/shared/validation';
import { auditIdentity, isSystemActor, type Actor } from './actor';

/** What every use-case needs besides its own ports: the audit trail that its one wrapper writes to. */
export interface AuditDeps {
  readonly audit: AuditRecorder;
}

/** The object-level check passed: `subject` (e.g. the loaded call) goes on to `run`. */
export interface Allowed<S> {
  readonly allowed: true;
  readonly subject: S;
  /** Why it is allowed (an AccessReason such as `own_call`); recorded in the audit event. */
  readonly reason?: string;
  readonly target?: string | null;
}

/** The object-level check failed: `error` is what the caller gets, `reason` what the audit trail records. */
export interface Denied {
  readonly allowed: false;
  readonly reason: string;
  readonly error: CallsightError;
  readonly target?: string | null;
}

export type Decision<S> = Allowed<S> | Denied;

export function allow<S>(subject: S, reason?: string, target?: string | null): Allowed<S> {
  return { allowed: true, subject, ...(reason ? { reason } : {}), ...(target !== undefined ? { target } : {}) };
}

export function deny(reason: string, error: CallsightError, target?: string | null): Denied {
  return { allowed: false, reason, error, ...(target !== undefined ? { target } : {}) };
}

/** Facts the allowed event records about what the use-case did (counts, ids); never personal data. */
export interface AuditNote {
  readonly target?: string | null;
  readonly reason?: string;
  readonly details?: Readonly<Record<string, JsonValue>>;
}

export interface UseCaseContext<D, I> {
  readonly deps: D;
  readonly actor: Actor;
  readonly input: I;
}

/** What `run` gets besides the context: the subject `authorize` loaded, and the allowed event to write itself. */
export interface RunContext<D, I, S> extends UseCaseContext<D, I> {
  readonly subject: S;
  /**
   * The allowed event of this invocation, for a use-case whose effect and event must commit together (a deletion
   * and its certificate): it writes the entry inside its own transaction, and the wrapper then writes nothing
   * after a successful run. Still exactly one event: if `run` fails, its transaction (with the entry) rolls back
   * and the wrapper records the error.
   */
  takeAllowedEvent(note?: AuditNote): AuditEntry;
}

/**
 * One user action. The wrapper (`defineUseCase`) runs, in this order, and writes exactly one audit event whatever
 * the outcome:
 * 1. the role check: `permission` read from core/access (`system`: only system actors); system actors pass;
 * 2. input validation with `input` (VALIDATION_FAILED naming every problem, `invalidInput` starting the message);
 * 3. `authorize`: object-level checks (own call, team, review scope, two-person rule) that may load the subject;
 * 4. `run`, then the allowed event with `audited(output)`.
 * A denial records `denied` with its reason; a failure records `error` with the error code (FORBIDDEN thrown by
 * `run` counts as `denied`); the error then reaches the caller unchanged.
 */
export interface UseCaseSpec<D, I, O, S, In> {
  /** `capability.action`, unique: `retention.plan`, `quality.submit-evaluation`. */
  readonly name: string;
  /** The audit action (snake_case), e.g. `plan_retention`, `view`. */
  readonly action: string;
  readonly permission: Permission | 'system';
  /**
   * Parses what callers pass (HTTP body or query, CLI options) into the use-case's input: any zod schema, the
   * contract's `zod/mini` ones (core/api) or classic ones; messages come from classic zod's English locale.
   */
  readonly input?: z.core.$ZodType<I, In>;
  /** Starts the VALIDATION_FAILED message, e.g. `Invalid query` or `Legal hold rejected`; default `Invalid input`. */
  readonly invalidInput?: string;
  /** FORBIDDEN message when the role may not; default `Your role (<role>) may not <action in words>`. */
  readonly forbidden?: string;
  /** What the event names as target (`call:c_1`, `settings:retention`), from the parsed input. */
  target?(input: I, actor: Actor): string | null;
  authorize?(ctx: UseCaseContext<D, I>): Awaitable<Decision<S>>;
  run(ctx: RunContext<D, I, S>): Awaitable<O>;
  audited?(output: O, input: I): AuditNote;
}

/** A use-case bound to its ports: call it with the actor and the raw input. */
export type UseCase<In, O> = ((actor: Actor, input: In) => Promise<O>) & { readonly useCaseName: string };

const USE_CASE = Symbol.for('callsight.use-case');

/** A use-case as defined in app/: its spec and `bind`, which hands it the ports it needs. */
export interface UseCaseDefinition<D, In, O> {
  readonly [USE_CASE]: true;
  readonly name: string;
  readonly action: string;
  readonly permission: Permission | 'system';
  bind(deps: D & AuditDeps): UseCase<In, O>;
}

export function isUseCaseDefinition(value: unknown): value is UseCaseDefinition<unknown, unknown, unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[USE_CASE] === true;
}

/** Defines a use-case; the only way one is made, so that every use-case is audited the same way. */
export function defineUseCase<D, I, O, S = undefined, In = I>(spec: UseCaseSpec<D, I, O, S, In>): UseCaseDefinition<D, In, O> {
  return {
    [USE_CASE]: true,
    name: spec.name,
    action: spec.action,
    permission: spec.permission,
    bind(deps) {
      const run = async (actor: Actor, raw: In): Promise<O> => {
        const entryOf = (outcome: AuditEntry['outcome'], target: string | null, reason?: string, details?: AuditNote['details']): AuditEntry => ({
          tenantId: actor.tenantId,
          ...auditIdentity(actor),
          action: spec.action,
          target,
          outcome,
          ...(reason ? { reason } : {}),
          ...(details ? { details } : {}),
        });
        const record = (outcome: AuditEntry['outcome'], target: string | null, reason?: string, details?: AuditNote['details']) =>
          deps.audit(entryOf(outcome, target, reason, details));
        const parsed = spec.input ? z.safeParse(spec.input, raw) : ({ success: true, data: raw as unknown as I } as const);
        let target = parsed.success && spec.target ? spec.target(parsed.data, actor) : null;

        if (!mayAttempt(actor, spec.permission)) {
          await record('denied', target, spec.permission === 'system' ? 'system_only' : 'role_not_permitted');
          throw new CallsightError('FORBIDDEN', spec.forbidden ?? forbiddenMessage(actor, spec.action));
        }
        if (!parsed.success) {
          await record('error', target, 'validation_failed');
          throw validationError(spec.invalidInput ?? 'Invalid input', parsed.error);
        }
        const input = parsed.data;
        try {
          const decision: Decision<S> = spec.authorize
            ? await spec.authorize({ deps, actor, input })
            : allow(undefined as S);
          if (decision.target !== undefined) target = decision.target;
          if (!decision.allowed) {
            await record('denied', target, decision.reason);
            throw new DeniedSignal(decision.error);
          }
          let taken = false;
          const takeAllowedEvent = (note: AuditNote = {}): AuditEntry => {
            if (taken) throw new Error(`${spec.name} took its allowed audit event twice; a use-case writes exactly one.`);
            taken = true;
            return entryOf('allowed', note.target !== undefined ? note.target : target, note.reason ?? decision.reason, note.details);
          };
          const output = await spec.run({ deps, actor, input, subject: decision.subject, takeAllowedEvent });
          if (!taken) {
            const note = spec.audited?.(output, input) ?? {};
            await record('allowed', note.target !== undefined ? note.target : target, note.reason ?? decision.reason, note.details);
          }
          return output;
        } catch (error) {
          if (error instanceof DeniedSignal) throw error.error;
          if (isCallsightError(error)) {
            await record(error.code === 'FORBIDDEN' ? 'denied' : 'error', target, error.code.toLowerCase());
          } else {
            await record('error', target, 'internal');
          }
          throw error;
        }
      };
      return Object.assign(run, { useCaseName: spec.name });
    },
  };
}

/** Carries a denial past the catch that audits failures, so that it is recorded once, as denied. */
class DeniedSignal {
  constructor(readonly error: CallsightError) {}
}

function mayAttempt(actor: Actor, permission: Permission | 'system'): boolean {
  if (isSystemActor(actor)) return true;
  if (permission === 'system') return false;
  return roleMay(actor.role, permission);
}

function forbiddenMessage(actor: Actor, action: string): string {
  const role = isSystemActor(actor) ? actor.id : actor.role;
  return `Your role (${role}) may not ${action.replace(/_/g, ' ')}`;
}

type DepsOf<T> = T extends UseCaseDefinition<infer D, never, unknown> ? (unknown extends D ? object : D) : never;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The ports every definition of `T` needs, together. */
export type PortsOf<T extends Record<string, UseCaseDefinition<never, never, unknown>>> = UnionToIntersection<DepsOf<T[keyof T]>>;

/** The bound use-cases of a capability, keyed as its definitions are. */
export type BoundUseCases<T extends Record<string, UseCaseDefinition<never, never, unknown>>> = {
  readonly [K in keyof T]: T[K] extends UseCaseDefinition<never, infer In, infer O> ? UseCase<In, O> : never;
};

/**
 * Binds every definition of a capability to the same ports: `{ plan: planRetention, ... }` becomes
 * `{ plan: UseCase, ... }`. The ports object must hold what every definition declares (type-checked).
 */
export function bindUseCases<T extends Record<string, UseCaseDefinition<never, never, unknown>>>(
  definitions: T,
  deps: PortsOf<T> & AuditDeps,
): BoundUseCases<T> {
  const bound: Record<string, unknown> = {};
  for (const [key, definition] of Object.entries(definitions)) {
    bound[key] = (definition as unknown as UseCaseDefinition<unknown, unknown, unknown>).bind(deps as AuditDeps);
  }
  return bound as BoundUseCases<T>;
}
