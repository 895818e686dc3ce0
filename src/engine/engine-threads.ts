import { availableParallelism } from 'node:os';
import type { ModelConfig, ProviderConfig } from '../config/gateway-config.js';

/** Cores this process may run on (affinity-aware, unlike `os.cpus().length`). */
export function availableCores(): number {
  return Math.max(1, availableParallelism());
}

/**
 * CPU threads of a local model whose config sets none: every available core but one, which stays
 * free for the gateway itself (HTTP, privacy scans, SQLite), and at least 1.
 *
 * Why not node-llama-cpp's default: it is `max(4, math cores)` for chat contexts and 6 for
 * embedding contexts, so a 2-core laptop ran 4-6 spin-waiting ggml threads on 2 cores; when the
 * threads outnumber the free cores, ggml's spin-wait barriers collapse generation (measured: 40
 * tokens of stories260K took 30-83 s, against 1.5-2.6 s with 1 or 2 threads).
 */
export function defaultThreads(cores: number = availableCores()): number {
  return Math.max(1, Math.floor(cores) - 1);
}

/** The threads a model runs with: its own setting, else the engine's, else `defaultThreads()`. */
export function effectiveThreads(modelThreads: number | undefined, engineThreads: number | null | undefined, cores: number = availableCores()): number {
  return modelThreads ?? engineThreads ?? defaultThreads(cores);
}

/**
 * One line per configured thread count above `cores` (`engine.threads`, then the `threads` of each
 * model of a `llamacpp` provider). Such a value is honoured, but llama.cpp's threads then compete
 * for cores and generation slows down many times over, so start-up and `flambeau config check` say it.
 */
export function threadsWarnings(
  config: {
    engine: { threads: number | null };
    providers: readonly Pick<ProviderConfig, 'id' | 'type'>[];
    models: readonly Pick<ModelConfig, 'name' | 'provider' | 'threads'>[];
  },
  cores: number = availableCores(),
): string[] {
  const engineThreads = config.engine.threads;
  const local = new Set(config.providers.filter((p) => p.type === 'llamacpp').map((p) => p.id));
  const models = config.models.filter((m) => local.has(m.provider));
  const advice = `leave it unset (default here: ${defaultThreads(cores)}) or set at most ${cores}`;
  const over = (value: number) =>
    `${value} threads but only ${cores} CPU core${cores === 1 ? ' is' : 's are'} available: llama.cpp's threads would compete for cores and generation slows down many times over; ${advice}.`;
  const warnings: string[] = [];
  if (engineThreads !== null && engineThreads > cores) warnings.push(`engine.threads asks for ${over(engineThreads)}`);
  for (const model of models) {
    if (model.threads !== undefined && model.threads > cores) warnings.push(`model '${model.name}' asks for ${over(model.threads)}`);
  }
  return warnings;
}
