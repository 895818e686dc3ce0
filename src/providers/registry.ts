import type { ProviderConfig } from '../config/gateway-config.js';
import type { Engine } from '../engine/engine.js';
import { createAnthropicProvider } from './anthropic/anthropic-provider.js';
import { createLlamaCppProvider } from './llamacpp/llamacpp-provider.js';
import { createOpenAiCompatibleProvider } from './openai-compatible/openai-provider.js';
import type { Provider } from './spec.js';

export interface ProviderDeps {
  /** Created on demand: only configs with a llamacpp provider start the engine. */
  engine: () => Engine;
}

/** One line per provider type: the only place that knows them all. */
export function createProvider(config: ProviderConfig, deps: ProviderDeps): Provider {
  const remote = {
    id: config.id,
    baseUrl: config.baseUrl ?? '',
    locality: config.locality,
    headers: config.headers,
    timeouts: config.timeouts,
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    ...(config.maxConnections === undefined ? {} : { maxConnections: config.maxConnections }),
  };
  switch (config.type) {
    case 'openai-compatible':
      return createOpenAiCompatibleProvider(remote);
    case 'anthropic':
      return createAnthropicProvider({ ...remote, ...(config.anthropicVersion === undefined ? {} : { anthropicVersion: config.anthropicVersion }) });
    case 'llamacpp':
      return createLlamaCppProvider({ id: config.id, locality: config.locality, engine: deps.engine() });
  }
}

export const PROVIDER_TYPES = ['openai-compatible', 'anthropic', 'llamacpp'] as const;
