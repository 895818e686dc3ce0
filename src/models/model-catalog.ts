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
  /** The version answering this request, for names with versions (see {@link VersionSource}). */
  version?: number;
}

export interface ModelCatalog {
  list(): CatalogEntry[];
  /** Throws `model_not_found` (404) naming the model. */
  get(name: string): CatalogEntry;
  /** Re-reads which versions answer (model pointers in the store): the spine calls it once per request, before routing. */
  refreshVersions(): Promise<void>;
}

/**
 * Tells the catalog, at request time, which version of a served name answers: a file and its
 * settings. `undefined`: the name has no versions and is served as configured.
 */
export interface VersionSource {
  resolve(name: string): ResolvedVersion | undefined;
  /** Told when a versioned entry starts a chat: the request turn of `name` is over (canary split). */
  served?(name: string): void;
  /** Reads the pointers again (the store may be shared by other processes and instances). */
  refresh?(): Promise<void>;
}

export interface ResolvedVersion {
  version: number;
  /** Applied over the configured binding: `path` and the version's settings; `model` names the version. */
  binding: Partial<Pick<ModelConfig, 'model' | 'path' | 'context' | 'threads' | 'parallel' | 'chatTemplate' | 'maxTokens'>>;
}

/**
 * `options.versions`: `get(name)` asks it on every call, so a promote, rollback or canary takes
 * effect on the next request without a restart; the engine loads the new file by path, and the
 * old one unloads by its idle timeout. `list()` stays the configured bindings.
 */
export function createModelCatalog(models: ModelConfig[], providers: Map<string, Provider>, options: { versions?: VersionSource } = {}): ModelCatalog {
  const entries = new Map<string, CatalogEntry>();
  for (const config of models) {
    const provider = providers.get(config.provider);
    if (provider === undefined) throw new FlambeauError('config_invalid', `model ${config.name}: provider ${config.provider} is not configured.`);
    entries.set(config.name, entryOf(config, provider));
  }
  // One entry per (name, version binding): chat models are built once, not per request.
  const versioned = new Map<string, CatalogEntry>();
  return {
    list: () => [...entries.values()],
    refreshVersions: async () => {
      await options.versions?.refresh?.();
    },
    get(name) {
      const entry = entries.get(name);
      if (entry === undefined) {
        throw new FlambeauError('model_not_found', `The model \`${name}\` does not exist or you do not have access to it.`, {
          param: 'model',
          details: { model: name },
        });
      }
      const resolved = options.versions?.resolve(name);
      if (resolved === undefined) return entry;
      const key = `${name}\u0000${resolved.version}\u0000${JSON.stringify(resolved.binding)}`;
      let found = versioned.get(key);
      if (found === undefined) {
        const base = entryOf({ ...entry.config, ...resolved.binding }, entry.provider);
        const served = options.versions?.served?.bind(options.versions);
        found = { ...base, chat: served === undefined ? base.chat : countingChatModel(base.chat, () => served(name)), version: resolved.version };
        versioned.set(key, found);
      }
      return found;
    },
  };
}

/** Reports each generation it starts (the canary split counts answered requests). */
function countingChatModel(inner: ChatModel, onStart: () => void): ChatModel {
  return {
    provider: inner.provider,
    model: inner.model,
    locality: inner.locality,
    generate(request, signal) {
      onStart();
      return inner.generate(request, signal);
    },
    stream(request, signal) {
      onStart();
      return inner.stream(request, signal);
    },
  };
}

function entryOf(config: ModelConfig, provider: Provider): CatalogEntry {
  return {
    name: config.name,
    config,
    provider,
    locality: provider.locality,
    chat: provider.chatModel(config),
    embedding: provider.embeddingModel?.(config),
    status: () => provider.status?.(config) ?? {},
  };
}
