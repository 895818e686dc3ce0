import { toNano } from '../auth/budget-columns.js';
import type { BudgetLedger, Reservation } from '../auth/budget-ledger.js';
import { actorOf } from '../auth/principal.js';
import { FlambeauError } from '../errors/index.js';
import type { SqlExecutor } from '../store/sql.js';
import { createTurnBatcher } from '../store/turn-batch.js';
import type { RequestLog, RequestRecord } from '../usage/request-log.js';
import type { UsageLog } from '../usage/usage-log.js';
import type { AuditLog } from './audit-log.js';
import type { AuditRecord, RequestAuditEvent } from './audit-event.js';
import { labelOf } from './name-label.js';
import { createJournaledRecords, type RecordJournalOptions } from './journaled-records.js';
import type { Pending, RequestOutcome } from './request-outcome-shape.js';

export type { Pending, RequestOutcome } from './request-outcome-shape.js';

export interface RequestRecorder {
  /** The stored form of a client string the gateway does not serve (see `labelOf`). */
  label(value: string): string;
  /**
   * Makes the request's record durable: its usage row, audit record, request log row and budget
   * settlement. Call it before the response's last byte, so that no acknowledged request is
   * unrecorded; it throws `store_unavailable` (503): then do not acknowledge the request.
   *
   * Without a journal, the rows are written in ONE transaction holding the audit chain, a group
   * commit of the outcomes recorded in the same turn of the event loop (each under its own
   * savepoint), and it resolves with the audit record once that has committed (SQLite WAL +
   * synchronous=NORMAL, or PostgreSQL: survives a kill -9). With a journal (decision 0019), it
   * resolves with null once the outcome is appended to this process's journal file (same
   * durability); the rows are written later, in larger groups, and `flush` waits for them.
   */
  recordRequestOutcome(outcome: RequestOutcome, settle?: { reservation: Reservation }): Promise<AuditRecord | null>;
  /**
   * Resolves once every outcome acknowledged so far is in the store's tables (this process's, and
   * those left in the journals of dead processes of this home): call it before any read of usage,
   * the audit chain, the request log or budget spend. Throws `store_unavailable`.
   */
  flush(): Promise<void>;
  /** Replays the journals of this home that no live process owns (start-up, then periodically). */
  replayOrphans(): Promise<number>;
  /** Applies what is pending and removes this process's journal (shutdown); keeps it if the store fails. */
  close(): Promise<void>;
}

export function createRequestRecorder(deps: {
  usage: UsageLog;
  audit: AuditLog;
  ledger?: BudgetLedger;
  requestLog?: RequestLog;
  clock?: () => number;
  labelKey?: Buffer | null;
  /** Most requests written by one group commit (default 64). */
  maxGroup?: number;
  /** Keep `content` in the journal (`audit.include_content`); otherwise it is dropped before it reaches the disk. */
  includeContent?: boolean;
  /** Journal the outcomes and apply them later, in groups (SQLite store only, decision 0019). */
  journal?: RecordJournalOptions;
}): RequestRecorder {
  const label = (value: string) => labelOf(value, deps.labelKey ?? null);
  const maxGroup = deps.maxGroup ?? 64;

  /** One request's rows, inside the transaction that holds the chain. */
  async function write(tx: SqlExecutor, { outcome, settle, actor, at }: Pending): Promise<AuditRecord> {
    // Keys in canonical (sorted) order: the audit body's serialiser then sorts nothing (it does
    // when the rare `injection` or `content` is added after them).
    const tokens = outcome.usage === null ? null : { estimated: outcome.usage.estimated, input: outcome.usage.inputTokens, output: outcome.usage.outputTokens };
    const event: RequestAuditEvent = {
      actor,
      costUsd: outcome.costUsd,
      endpoint: outcome.endpoint,
      latencyMs: Math.round(outcome.latencyMs * 1000) / 1000,
      locality: outcome.locality,
      model: outcome.model,
      outcome: { code: outcome.errorCode, status: outcome.status },
      privacy: outcome.privacy,
      provider: outcome.provider,
      requestId: outcome.requestId,
      route: outcome.route,
      tokens,
      type: 'request',
      upstreamModel: outcome.upstreamModel,
    };
    if (outcome.injection !== undefined && outcome.injection.length > 0) event.injection = outcome.injection;
    if (outcome.content !== undefined) event.content = outcome.content;
    const record = await deps.audit.append(event, at ?? deps.clock?.(), tx);
    // An anonymous actor is a request that did not authenticate: nothing was used.
    if (actor.kind !== 'anonymous')
      await deps.usage.append(
        {
          requestId: outcome.requestId,
          at: outcome.startedAt,
          keyId: actor.keyId,
          team: actor.team,
          endpoint: outcome.endpoint,
          model: outcome.model,
          provider: outcome.provider,
          upstreamModel: outcome.upstreamModel,
          locality: outcome.locality,
          inputTokens: tokens?.input ?? null,
          outputTokens: tokens?.output ?? null,
          tokensEstimated: tokens?.estimated ?? false,
          costUsd: outcome.costUsd,
          latencyMs: outcome.latencyMs,
          status: outcome.status,
          errorCode: outcome.errorCode,
          // The audit record carries the same cost and tokens: verify cross-checks them.
          auditSeq: record.seq,
        },
        tx,
      );
    if (outcome.log !== undefined) await deps.requestLog?.write(requestRecordOf(outcome, outcome.log), tx);
    if (costOverHold(outcome)) {
      await deps.audit.append(
        { type: 'accounting', anomaly: 'cost_over_hold', requestId: outcome.requestId, actor, heldUsd: outcome.heldUsd ?? 0, costUsd: outcome.costUsd },
        at ?? deps.clock?.(),
        tx,
      );
    }
    if (settle !== undefined && deps.ledger === undefined)
      throw new FlambeauError('internal', 'recordRequestOutcome was given a reservation but the recorder has no budget ledger.');
    return record;
  }

  /** The budget settlements of the outcomes written, after their rows, in the same transaction. */
  async function settleAll(tx: SqlExecutor, written: readonly Pending[]): Promise<void> {
    const settlements: { reservation: Reservation; actualCostUsd: number }[] = [];
    for (const { outcome, settle } of written) if (settle !== undefined) settlements.push({ reservation: settle.reservation, actualCostUsd: outcome.costUsd });
    if (settlements.length > 0) await deps.ledger?.settleMany(settlements, tx);
  }

  // Group commit: the outcomes recorded during one turn of the event loop are written by one
  // transaction when it ends (setImmediate), each under its own savepoint; each caller's promise
  // settles once that transaction has committed. One group is written at a time; outcomes that
  // arrive meanwhile form the next.
  const recordInGroup = createTurnBatcher<Pending, AuditRecord>({
    maxGroup,
    writeOne: (only) =>
      deps.audit.atomically(async (tx) => {
        const record = await write(tx, only);
        await settleAll(tx, [only]);
        return record;
      }),
    writeGroup: (group) => deps.audit.atomicallyEach(group, write, settleAll),
  });

  const journaled =
    deps.journal === undefined
      ? null
      : createJournaledRecords({
          audit: deps.audit,
          rows: { write, settleAll },
          options: deps.journal,
          ...(deps.clock === undefined ? {} : { clock: deps.clock }),
        });

  return {
    label,
    recordRequestOutcome(given, settle) {
      const stored = storedForm(given, label);
      if (!Number.isFinite(stored.costUsd) || !Number.isFinite(stored.latencyMs)) {
        return Promise.reject(
          new FlambeauError('internal', `recordRequestOutcome needs a finite costUsd and latencyMs (got ${stored.costUsd}, ${stored.latencyMs}).`),
        );
      }
      const actor = actorOf(stored.principal, stored.claimedKeyId ?? null);
      if (journaled === null) return recordInGroup({ outcome: stored, settle, actor, at: undefined });
      // Refused before it is journaled: applied later it could only be dropped.
      if (settle !== undefined && deps.ledger === undefined)
        return Promise.reject(new FlambeauError('internal', 'recordRequestOutcome was given a reservation but the recorder has no budget ledger.'));
      // What reaches the disk: no prompt or answer text unless the audit keeps it.
      const outcome = stored.content === undefined || deps.includeContent === true ? stored : { ...stored, content: undefined };
      return journaled.submit({ outcome, settle, actor, at: deps.clock?.() ?? Date.now() }).then(() => null);
    },
    flush: async () => void (await journaled?.flush()),
    replayOrphans: () => journaled?.replayOrphans() ?? Promise.resolve(0),
    close: () => journaled?.close() ?? Promise.resolve(),
  };
}

/** True when the request cost more than its hold: the hold was not the bound it should be. */
export function costOverHold(outcome: Pick<RequestOutcome, 'costUsd' | 'heldUsd'>): boolean {
  return outcome.heldUsd != null && toNano(outcome.costUsd) > toNano(outcome.heldUsd);
}

/** The outcome as stored: a model name or path the gateway does not serve becomes its label. */
export function storedForm(outcome: RequestOutcome, label: (value: string) => string): RequestOutcome {
  const model = outcome.model === null || outcome.modelKnown === true ? outcome.model : label(outcome.model);
  const endpoint = outcome.endpointKnown === false ? label(outcome.endpoint) : outcome.endpoint;
  return model === outcome.model && endpoint === outcome.endpoint ? outcome : { ...outcome, model, endpoint };
}

/** The request log's row, derived from the same outcome as the usage row and the audit record. */
export function requestRecordOf(outcome: RequestOutcome, log: NonNullable<RequestOutcome['log']>): RequestRecord {
  return {
    id: outcome.requestId,
    startedAt: outcome.startedAt,
    endpoint: outcome.endpoint,
    model: outcome.model,
    provider: outcome.provider,
    upstreamModel: outcome.upstreamModel,
    locality: outcome.locality,
    status: outcome.status,
    errorCode: outcome.errorCode,
    inputTokens: outcome.usage?.inputTokens ?? null,
    outputTokens: outcome.usage?.outputTokens ?? null,
    tokensEstimated: outcome.usage?.estimated ?? false,
    latencyMs: outcome.latencyMs,
    ttftMs: log.ttftMs,
    streamed: log.streamed,
    privacyAction: outcome.privacy?.action ?? null,
    privacyFindings: outcome.privacy?.findings ?? null,
    injection: outcome.injection === undefined || outcome.injection.length === 0 ? null : outcome.injection,
  };
}
