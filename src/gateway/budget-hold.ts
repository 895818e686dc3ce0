import type { Price } from '../auth/price.js';
import { costUsd, worstCaseCostUsd } from '../auth/price.js';
import type { ModelCatalog } from '../models/model-catalog.js';
import type { ChatRequest, Usage } from '../providers/spec.js';

/** A model's price, or null when it is free: unpriced, or device-local (never held by a cloud budget). */
export function priceOf(catalog: ModelCatalog, model: string): Price | null {
  const entry = catalog.get(model);
  return entry.locality === 'device' ? null : entry.config.price;
}

/**
 * The most this request can cost over every candidate it may reach (fallbacks, cascade): what
 * the budget holds before the first call. `inputTokenBound` must be a bound, not an estimate
 * (`inputTokenBound()` of usage-estimate.ts: routing's `tokens` fact is a guess a caller can
 * steer). Output is bounded by the request's max_tokens, else the model's, else
 * `defaultMaxOutputTokens`.
 */
export function worstCaseChatCost(catalog: ModelCatalog, request: ChatRequest, inputTokenBound: number, candidates: readonly string[], defaultMaxOutputTokens: number): number {
  let worst = 0;
  for (const model of candidates) {
    const maxOutput = request.maxTokens ?? catalog.get(model).config.maxTokens ?? defaultMaxOutputTokens;
    worst = Math.max(worst, worstCaseCostUsd(priceOf(catalog, model), inputTokenBound, maxOutput));
  }
  return worst;
}

export function actualCost(catalog: ModelCatalog, model: string, usage: Usage): number {
  return costUsd(priceOf(catalog, model), usage);
}
