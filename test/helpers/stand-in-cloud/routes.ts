// Which endpoint a request is for. GET /v1/models exists in both protocols: the Anthropic one is
// recognised by its headers, as the real hosts are told apart by their base URL.
import { anthropicMessagesRoute } from './anthropic-messages.js';
import { anthropicModelsRoute, anthropicWire } from './anthropic-wire.js';
import { openAiChatRoute } from './openai-chat.js';
import { openAiEmbeddingsRoute, openAiModelsRoute, openAiWire } from './openai-wire.js';
import type { ProtocolWire, Route } from './plan.js';

export interface RouteMatch {
  wire: ProtocolWire;
  /** Undefined for an unknown method or path. */
  route: Route | undefined;
}

function looksAnthropic(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined;
}

export function matchRoute(method: string, path: string, headers: Record<string, string | string[] | undefined>): RouteMatch {
  const anthropic = looksAnthropic(headers);
  if (method === 'POST' && path === '/v1/chat/completions') return { wire: openAiWire, route: openAiChatRoute };
  if (method === 'POST' && path === '/v1/embeddings') return { wire: openAiWire, route: openAiEmbeddingsRoute };
  if (method === 'POST' && path === '/v1/messages') return { wire: anthropicWire, route: anthropicMessagesRoute };
  if (method === 'GET' && path === '/v1/models') {
    return anthropic ? { wire: anthropicWire, route: anthropicModelsRoute } : { wire: openAiWire, route: openAiModelsRoute };
  }
  return { wire: anthropic ? anthropicWire : openAiWire, route: undefined };
}
