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

export interface VersionSourceOptions {
  /**
   * A counter shared by every instance (`increment(name)` gives each caller its own 1, 2...): the
   * canary split then counts the requests of all instances, so `--canary 10` is 10% of them all.
   * Without it (one instance) this process counts its own requests.
   */
  sharedTurns?: { increment(name: string): Promise<number> };
  /** How long a name's pointer and versions are kept in memory; 0 (default): read on every look-up. */
  cacheMs?: number;
  clock?: () => number;
  /**
   * The store's change stamp (SqlClient.changeStamp, SQLite): `refresh` takes it before reading and
   * skips the read when it equals the one taken before the last read that succeeded (no write has
   * committed since, so the pointers are what that read saw). Without it: read on every refresh.
   */
  changeStamp?: () => string;
  /** Told when the shared counter fails (this process's own count is used meanwhile). */
  onError?: (what: string, error: Error) => void;
}

/** The catalog's view of the registry, plus what a cluster needs to keep it current. */
export interface RegistryVersionSource extends VersionSource {
  refresh(): Promise<void>;
  /** Forgets what is cached of `name` (or of every name): the next look-up reads the store. */
  invalidate(name?: string): void;
  /** Takes a shared turn for each name now, so that the first request of each already has one. */
  prime(names: readonly string[]): Promise<void>;
}

/**
 * The catalog's view of the registry. The upstream model id is `NAME@vN`, so the
 * `x-flambeau-model` header and the request log's `upstream_model` say which version answered.
 * `refresh` reads every pointer in one query (the spine calls it once per request, so a promote,
 * rollback or canary made by the CLI or another instance applies to the next request); `resolve`
 * answers from what it read. A failed read keeps the last view (the request goes on). With
 * `cacheMs` (a cluster whose bus drops the cache on change), the view is re-read only when it is
 * older than that or was invalidated. With `changeStamp` (SQLite), a refresh reads only when a write
 * has committed since the last read (by this process or another): a change committed before a
 * request starts still applies to it, and an idle registry costs a `PRAGMA data_version`, not a query.
 *
 * With `sharedTurns`, each instance holds one turn taken from the shared counter for its next
 * request of a name, and takes the next one when that request starts: every turn goes to one
 * request of one instance, so the split is the configured share across instances. When the
 * counter cannot be reached, this process's own count is used.
 */
export function createVersionSource(registry: VersionRegistry, store: ModelStore, options: VersionSourceOptions = {}): RegistryVersionSource {
  // The canary split counts requests that reached a model, not catalog look-ups: one request
  // looks a name up several times (router, budget, target), and all must see the same version.
  const turns = new Map<string, number>();
  const held = new Map<string, number>();
  // Turns being taken from the shared counter, by name: `refresh` (once per request, before any
  // look-up) waits for them, so that a request never falls back to this process's own count just
  // because the previous request's turn is still on its way back from Redis.
  const taking = new Map<string, Promise<void>>();
  const cacheMs = options.cacheMs ?? 0;
  const clock = options.clock ?? Date.now;
  const shared = options.sharedTurns;
  let live: Awaited<ReturnType<VersionRegistry['live']>> = new Map();
  let freshUntil = -Infinity;
  // The change stamp taken before the last read that succeeded (undefined: read next time).
  let readAt: string | undefined;

  function take(name: string): Promise<void> {
    if (shared === undefined) return Promise.resolve();
    const pending = taking.get(name);
    if (pending !== undefined) return pending;
    const taken = shared
      .increment(`canary:${name}`)
      .then(
        (turn) => void held.set(name, turn),
        (error: unknown) => options.onError?.('shared canary counter', error as Error),
      )
      .finally(() => taking.delete(name));
    taking.set(name, taken);
    return taken;
  }

  return {
    async refresh() {
      if (taking.size > 0) await Promise.all(taking.values());
      if (cacheMs > 0 && clock() < freshUntil) return;
      const stamp = options.changeStamp?.();
      if (stamp !== undefined && stamp === readAt) return;
      try {
        live = await registry.live();
        freshUntil = clock() + cacheMs;
        readAt = stamp;
      } catch (error) {
        readAt = undefined;
        options.onError?.('model versions read', error as Error);
      }
    },
    resolve(name) {
      const entry = live.get(name);
      if (entry === undefined) return undefined;
      const number = versionForTurn(entry.pointer, held.get(name) ?? turns.get(name) ?? 0);
      const version = entry.versions.find((v) => v.version === number);
      if (version === undefined) return undefined;
      if (shared !== undefined && !held.has(name)) void take(name);
      return { version: version.version, binding: bindingOf(version, store) };
    },
    served(name) {
      turns.set(name, (turns.get(name) ?? 0) + 1);
      if (shared === undefined) return;
      held.delete(name);
      void take(name);
    },
    invalidate() {
      // One read brings every pointer back, so dropping one name drops the whole view.
      freshUntil = -Infinity;
      readAt = undefined;
    },
    async prime(names) {
      await Promise.all(names.map((name) => take(name)));
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
