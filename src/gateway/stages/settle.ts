import { labelOf } from '../../audit/name-label.js';
import { costOverHold, requestRecordOf, storedForm } from '../../audit/request-outcome.js';
import type { GatewayDeps } from '../gateway-deps.js';
import type { GatewayRequest } from '../request.js';
import { endTrace } from '../trace-request.js';
import { costUsd } from '../../auth/price.js';

export type SettleDeps = Pick<GatewayDeps, 'recorder' | 'ledger' | 'limiter' | 'logger' | 'catalog' | 'router' | 'requestLog' | 'metrics'>;

/**
 * Stage 9: prices the answer and records the request before its last byte, so that an
 * acknowledged request is on disk. Throws `store_unavailable` (503): then do not acknowledge.
 */
export async function settle(request: GatewayRequest, deps: SettleDeps): Promise<void> {
  const { outcome } = request;
  if (request.target !== null && outcome.usage !== null) outcome.costUsd = costUsd(request.target.price, outcome.usage);
  await record(request, deps);
}

/**
 * Records a request that ends without `settle`: refused, failed, or closed by the client (the
 * HTTP edge calls it when the response closes). `status` is what was sent (499: nothing was).
 */
export async function settleClosed(request: GatewayRequest, closed: { status: number; finished: boolean }, deps: SettleDeps): Promise<void> {
  const { outcome } = request;
  if (outcome.status === 0) outcome.status = closed.status;
  if (!closed.finished && outcome.errorCode === null) outcome.errorCode = 'client_closed';
  await record(request, deps);
}

/**
 * Writes the usage row, audit record and (for logged endpoints) request log row in one
 * transaction, settling or releasing the budget hold; then gives the rate limiter the real
 * token count. Once per request.
 */
async function record(request: GatewayRequest, deps: SettleDeps): Promise<void> {
  if (request.recorded) return;
  request.recorded = true;
  const { outcome, reservation } = request;
  outcome.latencyMs = performance.now() - request.t0;
  outcome.modelKnown = outcome.model !== null && isServedModel(outcome.model, deps);
  const success = outcome.status >= 200 && outcome.status < 300 && outcome.errorCode === null;
  if (reservation !== null && !success && outcome.usage === null) await deps.ledger.release(reservation);
  const settled = reservation !== null && (success || outcome.usage !== null) ? { reservation } : undefined;
  if (costOverHold(outcome)) {
    deps.logger.warn('accounting anomaly: a request cost more than its budget hold', {
      requestId: outcome.requestId,
      keyId: outcome.principal?.keyId ?? null,
      team: outcome.principal?.team?.id ?? null,
      heldUsd: outcome.heldUsd,
      actualUsd: outcome.costUsd,
    });
  }
  // Counted once the outcome is final; a request whose record fails is counted all the same.
  try {
    await recordOutcome(outcome, settled, deps);
  } finally {
    deps.metrics?.observeRequest(outcome);
    endTrace(request);
  }
  if (request.grant !== null && outcome.usage !== null) {
    const tokens = (outcome.usage.inputTokens ?? 0) + (outcome.usage.outputTokens ?? 0);
    void deps.limiter.record(request.grant, tokens).catch(() => undefined);
  }
}

/** The usage row, audit record and request log row (or, audit off, the hold settled and the log row batched). */
async function recordOutcome(
  outcome: GatewayRequest['outcome'],
  settled: { reservation: NonNullable<GatewayRequest['reservation']> } | undefined,
  deps: SettleDeps,
): Promise<void> {
  if (deps.recorder !== null) await deps.recorder.recordRequestOutcome(outcome, settled);
  else {
    // Audit off: no trail to keep in step with, so the request log stays batched (best-effort).
    if (settled !== undefined) await deps.ledger.settle(settled.reservation, outcome.costUsd);
    if (outcome.log !== undefined)
      deps.requestLog.append(
        requestRecordOf(
          storedForm(outcome, (value) => labelOf(value, null)),
          outcome.log,
        ),
      );
  }
}

/** A name the gateway serves: a catalog entry or a route (`auto`, exposed routes). */
function isServedModel(name: string, deps: Pick<GatewayDeps, 'catalog' | 'router'>): boolean {
  let names = servedNames.get(deps.catalog);
  if (names === undefined) {
    names = new Set(deps.catalog.list().map((entry) => entry.name));
    servedNames.set(deps.catalog, names);
  }
  return names.has(name) || deps.router.virtualModels.includes(name);
}

// The catalog's configured names never change while it lives (`ModelCatalog.list()`): one set each.
const servedNames = new WeakMap<GatewayDeps['catalog'], ReadonlySet<string>>();
