import type { ChatRequest } from '../providers/spec.js';
import type { GatewayRequest } from './request.js';
import { namedCollections } from './stages/retrieve.js';
import { scope } from './stages/scope.js';
import { estimateInputTokens } from './usage-estimate.js';

/**
 * The input tokens of a chat request, as the gateway estimates them (about 4 characters a token,
 * plus template tokens per message: `estimateInputTokens`), for `POST /v1/messages/count_tokens`.
 * An estimate, not the target's tokenizer: the route may differ per request and nothing is called.
 * Scoped as chat, so a key learns nothing about a model or collection it may not use.
 */
export function countInputTokens(request: GatewayRequest, chat: ChatRequest, collections: readonly string[]): number {
  const named = namedCollections(chat, collections);
  request.outcome.model = named.request.model;
  scope(request, { endpoint: 'chat', model: named.request.model, collections: named.collections });
  return estimateInputTokens(named.request);
}
