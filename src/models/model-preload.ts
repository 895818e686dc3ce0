import { FlambeauError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import type { ModelConfig } from '../config/gateway-config.js';
import type { Provider } from '../providers/spec.js';

/** What `/readyz` reports about `engine.preload`: models not loaded yet, and those that could not be. */
export interface PreloadState {
  loading: string[];
  failed: { model: string; code: string }[];
}

export interface ModelPreload {
  state(): PreloadState;
  /** Stops the loads still running (shutdown). */
  cancel(): void;
}

/**
 * Starts loading the `engine.preload` models, without waiting: the server listens meanwhile and
 * `/readyz` answers 503 naming them until each is loaded. A model counts as loading until its
 * provider says it is loaded, so after an engine crash (the engine loads preloaded models again)
 * readiness drops until it is back. A name that is not a served model of a provider that loads
 * models (`llamacpp`) is a configuration error, thrown at once.
 */
export function startPreload(names: readonly string[], models: readonly ModelConfig[], providers: ReadonlyMap<string, Provider>, logger: Logger): ModelPreload {
  const targets = names.map((name) => {
    const binding = models.find((m) => m.name === name);
    const provider = binding === undefined ? undefined : providers.get(binding.provider);
    if (binding === undefined || provider?.preload === undefined) {
      throw new FlambeauError(
        'config_invalid',
        binding === undefined
          ? `engine.preload: no served model is named "${name}".`
          : `engine.preload: "${name}" is served by a ${provider?.type ?? 'missing'} provider; only llamacpp models load into the engine.`,
        { param: 'engine.preload' },
      );
    }
    return { name, binding, provider, preload: provider.preload.bind(provider) };
  });
  const controller = new AbortController();
  const failed = new Map<string, string>();
  const settled = new Set<string>();
  for (const { name, binding, preload } of targets) {
    const started = performance.now();
    preload(binding, controller.signal).then(
      () => {
        settled.add(name);
        logger.info('model preloaded', { model: name, ms: Math.round(performance.now() - started) });
      },
      (error: unknown) => {
        settled.add(name);
        if (controller.signal.aborted) return;
        const code = error instanceof FlambeauError ? error.code : 'internal';
        failed.set(name, code);
        logger.error('model preload failed', { model: name, code, reason: error instanceof Error ? error.message : String(error) });
      },
    );
  }
  return {
    state: () => ({
      loading: targets
        .filter(({ name, binding, provider }) => !failed.has(name) && (!settled.has(name) || provider.status?.(binding).loaded !== true))
        .map((t) => t.name),
      failed: [...failed].map(([model, code]) => ({ model, code })),
    }),
    cancel: () => controller.abort(),
  };
}
