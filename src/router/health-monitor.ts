import type { Logger } from '../log/logger.js';
import type { Provider } from '../providers/spec.js';
import type { CircuitBreakers } from './circuit-breaker.js';

/**
 * Probes remote providers in the background so that a dead cloud is known before a user waits
 * on it, and a recovered one closes its breaker without waiting for live traffic to risk it.
 */
export function startHealthMonitor(options: { providers: readonly Provider[]; breakers: CircuitBreakers; intervalMs: number; logger: Logger }): {
  stop(): void;
  checkNow(): Promise<void>;
} {
  const probed = options.providers.filter((p) => p.probe !== undefined);
  let running: Promise<void> | undefined;
  const controller = new AbortController();
  const checkNow = (): Promise<void> => {
    running ??= Promise.all(
      probed.map(async (provider) => {
        try {
          await provider.probe?.(AbortSignal.any([controller.signal, AbortSignal.timeout(Math.max(1000, Math.min(options.intervalMs, 10_000)))]));
          if (options.breakers.state(provider.id) !== 'closed') options.logger.info('provider healthy again', { provider: provider.id });
          options.breakers.onSuccess(provider.id);
        } catch {
          if (controller.signal.aborted) return;
          options.breakers.onFailure(provider.id);
        }
      }),
    ).then(() => {
      running = undefined;
    });
    return running;
  };
  const timer = options.intervalMs > 0 && probed.length > 0 ? setInterval(() => void checkNow(), options.intervalMs) : undefined;
  timer?.unref();
  return {
    stop() {
      if (timer !== undefined) clearInterval(timer);
      controller.abort();
    },
    checkNow,
  };
}
