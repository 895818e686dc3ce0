import type { Usage } from '../providers/spec.js';

/** A model's price in USD per million tokens. Device-local models have none (cost 0). */
export interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
}

/**
 * What a call cost, from its usage. Pass the completed usage (the gateway's estimate when the
 * upstream reported none); an unknown count still counts as 0 here. `price` null means free.
 */
export function costUsd(price: Price | null, usage: Pick<Usage, 'inputTokens' | 'outputTokens'>): number {
  if (price === null) return 0;
  return ((usage.inputTokens ?? 0) * price.inputPerMTok + (usage.outputTokens ?? 0) * price.outputPerMTok) / 1_000_000;
}

/**
 * The most a call can cost: every input token it may be billed plus every output token it may
 * generate. What the budget reserves before the call; both counts must be bounds (an input
 * bound, not an estimate; the effective `max_tokens`), or the reservation is not one.
 */
export function worstCaseCostUsd(price: Price | null, inputTokenBound: number, maxOutputTokens: number): number {
  return costUsd(price, { inputTokens: inputTokenBound, outputTokens: maxOutputTokens });
}
