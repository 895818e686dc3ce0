import type { ProviderConfig } from './gateway-config.js';

/**
 * The provider that serves model files the config does not declare (HOME/models/*.gguf, --model,
 * pulled or imported models): the first `llamacpp` provider of the config, else an implicit one,
 * appended to `providers`. The implicit one is `local`, or `local-models` when a remote provider
 * already has that id (a user's id is never refused for a name flambeau picked). One rule for
 * loadConfig and for the gateway's registered models, so both put files under the same id.
 */
export function useLocalProvider(providers: ProviderConfig[]): ProviderConfig {
  const declared = providers.find((p) => p.type === 'llamacpp');
  if (declared !== undefined) return declared;
  const taken = new Set(providers.map((p) => p.id));
  let id = 'local';
  if (taken.has(id)) {
    id = 'local-models';
    for (let n = 2; taken.has(id); n++) id = `local-models-${n}`;
  }
  const local: ProviderConfig = { id, type: 'llamacpp', locality: 'device', headers: {}, timeouts: {}, origin: 'implicit' };
  providers.push(local);
  return local;
}
