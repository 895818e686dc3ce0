import type { ModelConfig, ProviderConfig } from '../config/gateway-config.js';
import { useLocalProvider } from '../config/local-provider.js';
import type { ResolvedVersion, VersionSource } from './model-catalog.js';
import type { ModelStore } from './store/model-store.js';
import { versionForTurn, type ModelVersion, type VersionRegistry } from './versions/version-registry.js';

/** The binding of one version: its blob, its settings, and a model id naming the version. */
export function bindingOf(version: ModelVersion, store: ModelStore): ResolvedVersion['binding'] {
  const binding: ResolvedVersion['binding'] = { path: store.blobPath(version.sha256), model: `${version.name}@v${version.version}` };
  const s = version.settings;
  if (s.context !== undefined) binding.context = s.context;
  if (s.threads !== undefined) binding.threads = s.threads;
  if (s.parallel !== undefined) binding.parallel = s.parallel;
  if (s.chat_template !== undefined) binding.chatTemplate = s.chat_template;
  if (s.max_tokens !== undefined) binding.maxTokens = s.max_tokens;
  return binding;
}

/**
 * The catalog's view of the registry. The upstream model id is `NAME@vN`, so the
 * `x-flambeau-model` header and the request log's `upstream_model` say which version answered.
 * `refresh` reads every pointer in one query (the spine calls it once per request, so a promote,
 * rollback or canary made by the CLI or another instance applies to the next request); `resolve`
 * answers from what it read. A failed read keeps the last view (the request goes on).
 */
export function createVersionSource(registry: VersionRegistry, store: ModelStore, options: { onError?: (error: unknown) => void } = {}): VersionSource {
  // The canary split counts requests that reached a model, not catalog look-ups: one request
  // looks a name up several times (router, budget, target), and all must see the same version.
  const turns = new Map<string, number>();
  let live: Awaited<ReturnType<VersionRegistry['live']>> = new Map();
  return {
    async refresh() {
      try {
        live = await registry.live();
      } catch (error) {
        options.onError?.(error);
      }
    },
    resolve(name) {
      const entry = live.get(name);
      if (entry === undefined) return undefined;
      const number = versionForTurn(entry.pointer, turns.get(name) ?? 0);
      const version = entry.versions.find((v) => v.version === number);
      return version === undefined ? undefined : { version: version.version, binding: bindingOf(version, store) };
    },
    served(name) {
      turns.set(name, (turns.get(name) ?? 0) + 1);
    },
  };
}

/**
 * Adds every served name of the registry that the config does not already declare as a model of
 * the local provider (config/local-provider.ts: the first `llamacpp` one, else an implicit one).
 * A name the config declares keeps its settings, and its versions (if any) still apply through
 * the catalog. Returns new arrays; the inputs are not changed.
 */
export async function withRegisteredModels(
  models: readonly ModelConfig[],
  providers: readonly ProviderConfig[],
  registry: VersionRegistry,
  store: ModelStore,
): Promise<{ models: ModelConfig[]; providers: ProviderConfig[] }> {
  const outModels = [...models];
  const outProviders = [...providers];
  const names = (await registry.names()).filter((name) => !models.some((m) => m.name === name));
  if (names.length === 0) return { models: outModels, providers: outProviders };
  const local = useLocalProvider(outProviders);
  for (const name of names) {
    const pointer = await registry.pointer(name);
    const current = pointer === undefined ? undefined : (await registry.versions(name)).find((v) => v.version === pointer.current);
    if (current === undefined) continue;
    outModels.push({ name, provider: local.id, price: null, origin: 'home', ...bindingOf(current, store), model: `${name}@v${current.version}` });
  }
  return { models: outModels, providers: outProviders };
}
