import type { Secret } from '../../config/secret.js';
import { UpstreamClient } from '../http/upstream-client.js';
import type { UpstreamTimeouts } from '../http/upstream-timeouts.js';
import type { Locality, ModelBinding, Provider } from '../spec.js';
import { AnthropicChatModel } from './anthropic-chat-model.js';
import { DEFAULT_ANTHROPIC_MAX_TOKENS } from './anthropic-request.js';

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

export interface AnthropicSettings {
  id: string;
  /** e.g. `https://api.anthropic.com`; a trailing `/v1` is accepted too (the SDKs' convention). */
  baseUrl: string;
  /** Sent as `x-api-key`. */
  apiKey?: Secret;
  locality: Locality;
  /** Extra headers sent upstream (e.g. `anthropic-beta`). */
  headers?: Record<string, string>;
  /** The `anthropic-version` header; default `2023-06-01`. */
  anthropicVersion?: string;
  timeouts?: Partial<UpstreamTimeouts>;
  maxConnections?: number;
}

/**
 * Anthropic's Messages API (Claude), and servers that speak it. No embeddings: Anthropic has
 * none, so `embeddingModel` is absent.
 */
export function createAnthropicProvider(settings: AnthropicSettings): Provider {
  const client = new UpstreamClient({
    baseUrl: settings.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
    label: settings.id,
    timeouts: settings.timeouts,
    connections: settings.maxConnections,
  });
  const fixed: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': settings.anthropicVersion ?? DEFAULT_ANTHROPIC_VERSION,
    ...settings.headers,
  };
  const headers = (): Record<string, string> => (settings.apiKey === undefined ? fixed : { ...fixed, 'x-api-key': settings.apiKey.reveal() });
  return {
    id: settings.id,
    type: 'anthropic',
    locality: settings.locality,
    chatModel: (binding: ModelBinding) =>
      new AnthropicChatModel(settings.id, binding.model, settings.locality, client, headers, binding.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS),
    probe: (signal: AbortSignal) => client.probe('/v1/models', headers(), signal),
    close: () => client.close(),
  };
}
