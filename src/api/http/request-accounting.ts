import type { IncomingMessage, ServerResponse } from 'node:http';
import { labelOf } from '../../audit/name-label.js';
import { costOverHold, requestRecordOf, storedForm, type RequestOutcome, type RequestRecorder } from '../../audit/request-outcome.js';
import type { BudgetLedger } from '../../auth/budget-ledger.js';
import type { KeyStore } from '../../auth/key-store.js';
import { keyIdOf } from '../../auth/key-token.js';
import type { Endpoint } from '../../auth/principal.js';
import { rateLimitHeadersOf, type RateLimiter } from '../../auth/rate-limiter.js';
import { checkScope } from '../../auth/scope.js';
import { FlambeauError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import type { ModelCatalog } from '../../models/model-catalog.js';
import type { Router } from '../../router/router.js';
import type { RequestLog } from '../../usage/request-log.js';
import type { RequestContext } from './request-context.js';

export interface AccountingDeps {
  keys: KeyStore;
  ledger: BudgetLedger;
  limiter: RateLimiter;
  /** Null when `audit.enabled` is false: holds are then settled directly, nothing is written. */
  recorder: RequestRecorder | null;
  /** Where accounting anomalies are reported (facts only, never text). */
  logger: Logger;
  /** The served names: any other model name a client sends is stored as a label, never raw. */
  catalog: ModelCatalog;
  router: Router;
  requestLog: RequestLog;
}

/**
 * Who is calling: the key's principal, or 401. A failed attempt is audited at once (who it
 * claimed to be, never the secret); a store failure is 503, never a 401.
 */
export function authenticateRequest(req: IncomingMessage, ctx: RequestContext, deps: AccountingDeps, endpoint: Endpoint | null): void {
  try {
    const principal = deps.keys.authenticate(req.headers.authorization);
    ctx.principal = principal;
    ctx.caller = { keyId: principal.keyId, keyName: principal.name, team: principal.team?.id ?? null };
  } catch (error) {
    if (error instanceof FlambeauError && error.code === 'unauthenticated') {
      const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
      ctx.claimedKeyId = token === undefined ? null : keyIdOf(token);
    }
    throw error;
  }
  if (endpoint !== null) checkScope(ctx.principal, { endpoint });
}

/** Counts the request against its key's and team's per-minute limits; sets the x-ratelimit-* headers either way. */
export async function admitRequest(res: ServerResponse, ctx: RequestContext, deps: AccountingDeps, estimatedTokens: number): Promise<void> {
  if (ctx.principal === null) return;
  try {
    ctx.grant = await deps.limiter.check(ctx.principal, estimatedTokens);
  } catch (error) {
    if (error instanceof FlambeauError) for (const [name, value] of Object.entries(rateLimitHeadersOf(error))) res.setHeader(name, value);
    throw error;
  }
  for (const [name, value] of Object.entries(ctx.grant.headers)) res.setHeader(name, value);
}

/**
 * Writes the request's usage row, audit record and (for logged endpoints) request log row in one
 * transaction, settling its budget hold.
 * Called before the last byte of a success (so an acknowledged request is always on disk), or
 * when the response closes for anything else. Throws `store_unavailable`: then do not acknowledge.
 */
export function recordRequest(ctx: RequestContext, deps: AccountingDeps): void {
  if (ctx.recorded) return;
  ctx.recorded = true;
  const success = ctx.status >= 200 && ctx.status < 300 && ctx.errorCode === null;
  if (ctx.reservation !== null && !success && ctx.usage === null) deps.ledger.release(ctx.reservation);
  const settle = ctx.reservation !== null && (success || ctx.usage !== null) ? { reservation: ctx.reservation } : undefined;
  const heldUsd = ctx.reservation?.amountUsd ?? null;
  if (costOverHold({ costUsd: ctx.costUsd, heldUsd })) {
    deps.logger.warn('accounting anomaly: a request cost more than its budget hold', {
      requestId: ctx.id,
      keyId: ctx.principal?.keyId ?? null,
      team: ctx.principal?.team?.id ?? null,
      heldUsd,
      actualUsd: ctx.costUsd,
    });
  }
  const outcome: RequestOutcome = {
    requestId: ctx.id,
    startedAt: ctx.startedAt,
    principal: ctx.principal,
    claimedKeyId: ctx.claimedKeyId,
    endpoint: ctx.endpoint,
    endpointKnown: ctx.endpointKnown,
    model: ctx.model,
    modelKnown: ctx.model !== null && isServedModel(ctx.model, deps),
    route: ctx.route,
    provider: ctx.target?.provider ?? null,
    upstreamModel: ctx.target?.model ?? null,
    locality: ctx.target?.locality ?? null,
    privacy: ctx.privacyFindings === null ? null : { action: ctx.privacyAction, findings: ctx.privacyFindings },
    status: ctx.status,
    errorCode: ctx.errorCode,
    usage: ctx.usage,
    costUsd: ctx.costUsd,
    heldUsd,
    latencyMs: performance.now() - ctx.t0,
    ...(ctx.logged ? { log: { ttftMs: ctx.ttftMs, streamed: ctx.streamed } } : {}),
  };
  if (deps.recorder !== null) deps.recorder.recordRequestOutcome(outcome, settle);
  else {
    // Audit off: no trail to keep in step with, so the request log stays batched (best-effort).
    if (settle !== undefined) deps.ledger.settle(settle.reservation, ctx.costUsd);
    if (outcome.log !== undefined) deps.requestLog.append(requestRecordOf(storedForm(outcome, (value) => labelOf(value, null)), outcome.log));
  }
  if (ctx.grant !== null && ctx.usage !== null) {
    const tokens = (ctx.usage.inputTokens ?? 0) + (ctx.usage.outputTokens ?? 0);
    void deps.limiter.record(ctx.grant, tokens).catch(() => undefined);
  }
}

/** A name the gateway serves: a catalog entry or a route (`auto`, exposed routes). */
function isServedModel(name: string, deps: AccountingDeps): boolean {
  return deps.router.virtualModels.includes(name) || deps.catalog.list().some((entry) => entry.name === name);
}
