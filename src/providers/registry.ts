import type { ProviderConfig } from '../config/gateway-config.js';
import type { ProviderType } from '../config/provider-types.js';
import type { Engine } from '../engine/engine.js';
import { createAnthropicProvider } from './anthropic/anthropic-provider.js';
import { createLlamaCppProvider } from './llamacpp/llamacpp-provider.js';
import { createOpenAiCompatibleProvider } from './openai-compatible/openai-provider.js';
import type { Provider } from './spec.js';

export interface ProviderDeps {
  /** Created on demand: only configs with a llamacpp provider start the engine. */
  engine: () => Engine;
}

type ProviderFactory = (config: ProviderConfig, deps: ProviderDeps) => Provider;

/** The settings every remote (HTTP) provider takes from its config entry. */
function remoteSettings(config: ProviderConfig) {
  return {
    id: config.id,
    baseUrl: config.baseUrl ?? '',
    locality: config.locality,
    headers: config.headers,
    timeouts: config.timeouts,
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    ...(config.maxConnections === undefined ? {} : { maxConnections: config.maxConnections }),
  };
}

/**
 * One line per provider type (config/provider-types.ts lists them): the only place that knows
 * every factory. A `Record` over the type union, so a type without a factory does not compile.
 */
const FACTORIES: Record<ProviderType, ProviderFactory> = {
  'openai-compatible': (config) => createOpenAiCompatibleProvider(remoteSettings(config)),
  anthropic: (config) =>
    createAnthropicProvider({ ...remoteSettings(config), ...(config.anthropicVersion === undefined ? {} : { anthropicVersion: config.anthropicVersion }) }),
  llamacpp: (config, deps) => createLlamaCppProvider({ id: config.id, locality: config.locality, engine: deps.engine() }),
};

export function createProvider(config: ProviderConfig, deps: ProviderDeps): Provider {
  return FACTORIES[config.type](config, deps);
}
