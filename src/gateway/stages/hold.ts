import type { Price } from '../../auth/price.js';
import { costUsd, worstCaseCostUsd } from '../../auth/price.js';
import type { CatalogEntry, ModelCatalog } from '../../models/model-catalog.js';
import type { Findings } from '../../privacy/index.js';
import type { ChatRequest, Usage } from '../../providers/spec.js';
import type { GatewayDeps } from '../gateway-deps.js';
import type { GatewayRequest } from '../request.js';
import { embedInputTokenBound, inputTokenBound } from '../usage-estimate.js';
import type { RoutedChat } from './route.js';

/**
 * Stage 7: holds the worst case over every candidate (fallbacks, cascade) before any call: a
 * bound on everything forwarded, not routing's estimate (docs/decisions/0004-budget-hold-bound.md).
 * 402 `budget_exhausted` when the key's or team's budget cannot cover it.
 */
export async function hold(
  request: GatewayRequest,
  routed: RoutedChat,
  deps: Pick<GatewayDeps, 'ledger' | 'catalog' | 'defaultMaxOutputTokens'>,
): Promise<void> {
  const { principal } = request.outcome;
  if (principal === null) return;
  const bound = inputTokenBound(routed.request, routed.inspection.findings);
  const maxCostUsd = worstCaseChatCost(deps.catalog, routed.request, bound, routed.decision.candidates, deps.defaultMaxOutputTokens);
  await holdUsd(request, maxCostUsd, deps);
}

/** The same for embeddings, once the findings are known (placeholders may lengthen the inputs). */
export async function holdEmbed(
  request: GatewayRequest,
  model: string,
  input: readonly string[],
  findings: Findings,
  deps: Pick<GatewayDeps, 'ledger' | 'catalog'>,
): Promise<void> {
  if (request.outcome.principal === null) return;
  await holdUsd(request, worstCaseCostUsd(priceOf(deps.catalog, model), embedInputTokenBound(input, findings), 0), deps);
}

async function holdUsd(request: GatewayRequest, maxCostUsd: number, deps: Pick<GatewayDeps, 'ledger'>): Promise<void> {
  const { principal } = request.outcome;
  if (principal === null) return;
  request.reservation = await deps.ledger.reserve(principal, { maxCostUsd });
  request.outcome.heldUsd = request.reservation.amountUsd;
}

/** A model's price, or null when it is free: unpriced, or device-local (never held by a cloud budget). */
export function priceOf(catalog: ModelCatalog, model: string): Price | null {
  return priceOfEntry(catalog.get(model));
}

/** The price of a resolved catalog entry (null when free: unpriced, or device-local). */
export function priceOfEntry(entry: CatalogEntry): Price | null {
  return entry.locality === 'device' ? null : entry.config.price;
}

/**
 * The most this request can cost over every candidate it may reach (fallbacks, cascade): what
 * the budget holds before the first call. `inputTokenBound` must be a bound, not an estimate
 * (`inputTokenBound()` of usage-estimate.ts: routing's `tokens` fact is a guess a caller can
 * steer). Output is bounded by the request's max_tokens, else the model's, else
 * `defaultMaxOutputTokens`.
 */
export function worstCaseChatCost(
  catalog: ModelCatalog,
  request: ChatRequest,
  inputTokenBound: number,
  candidates: readonly string[],
  defaultMaxOutputTokens: number,
): number {
  let worst = 0;
  for (const model of candidates) {
    const entry = catalog.get(model); // once: a versioned name is resolved by a look-up
    const maxOutput = request.maxTokens ?? entry.config.maxTokens ?? defaultMaxOutputTokens;
    worst = Math.max(worst, worstCaseCostUsd(priceOfEntry(entry), inputTokenBound, maxOutput));
  }
  return worst;
}

export function actualCost(catalog: ModelCatalog, model: string, usage: Usage): number {
  return costUsd(priceOf(catalog, model), usage);
}
