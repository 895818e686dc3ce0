import { FlambeauError } from '../errors/index.js';
import type { ModelConfig } from '../config/gateway-config.js';
import type { ChatModel, EmbeddingModel, Locality, ModelStatus, Provider } from '../providers/spec.js';

/** A servable model: the client-facing name bound to one provider. */
export interface CatalogEntry {
  name: string;
  config: ModelConfig;
  provider: Provider;
  locality: Locality;
  chat: ChatModel;
  /** Undefined when the provider cannot embed. */
  embedding: EmbeddingModel | undefined;
  status(): ModelStatus;
}

export interface ModelCatalog {
  list(): CatalogEntry[];
  /** Throws `model_not_found` (404) naming the model. */
  get(name: string): CatalogEntry;
}

export function createModelCatalog(models: ModelConfig[], providers: Map<string, Provider>): ModelCatalog {
  const entries = new Map<string, CatalogEntry>();
  for (const config of models) {
    const provider = providers.get(config.provider);
    if (provider === undefined) throw new FlambeauError('config_invalid', `model ${config.name}: provider ${config.provider} is not configured.`);
    entries.set(config.name, {
      name: config.name,
      config,
      provider,
      locality: provider.locality,
      chat: provider.chatModel(config),
      embedding: provider.embeddingModel?.(config),
      status: () => provider.status?.(config) ?? {},
    });
  }
  return {
    list: () => [...entries.values()],
    get(name) {
      const entry = entries.get(name);
      if (entry === undefined) {
        throw new FlambeauError('model_not_found', `The model \`${name}\` does not exist or you do not have access to it.`, { param: 'model', details: { model: name } });
      }
      return entry;
    },
  };
}
