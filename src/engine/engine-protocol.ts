import type { ErrorCode } from '../errors/index.js';
import type { EngineChatEvent, EngineChatJob, EngineModelSpec, EngineUsage } from './engine.js';
import type { LogLevel } from '../log/logger.js';

/**
 * Messages between the gateway and the engine process (IPC, `serialization: 'advanced'`, so
 * typed arrays cross as they are). Requests carry an `id` chosen by the gateway. What the engine
 * sends is checked against `fromWorkerSchema` (engine-wire.ts) before the gateway reads it.
 */
export type ToWorker =
  | { t: 'init'; settings: WorkerSettings }
  /** `template`: the request's chat template (one loaded model serves bindings with different ones). */
  | { t: 'chat'; id: number; key: string; spec: ResolvedModelSpec; template: string | undefined; job: EngineChatJob }
  | { t: 'embed'; id: number; key: string; spec: ResolvedModelSpec; input: string[] }
  /** Load the model now (`engine.preload`); answered by `load-done` or `failed`. */
  | { t: 'load'; id: number; key: string; spec: ResolvedModelSpec }
  | { t: 'abort'; id: number }
  | { t: 'unload'; key: string };

export type FromWorker =
  | { t: 'ready'; pid: number }
  | { t: 'fatal'; error: WireError }
  | { t: 'log'; level: LogLevel; message: string }
  | { t: 'loaded'; key: string }
  | { t: 'unloaded'; key: string }
  /** The threads llama.cpp's contexts of a loaded model use; sent after a load and after the embedding context is made. */
  | { t: 'threads'; key: string; chat: number; embedding: number | null }
  /** Chat events in order; several per message (see event-outbox.ts: a short window, first events at once). */
  | { t: 'events'; id: number; events: EngineChatEvent[] }
  | { t: 'embedded'; id: number; vectors: Float32Array[]; inputTokens: number }
  | { t: 'load-done'; id: number }
  /** The request is over in the engine (its sequence is free); `usage` as far as it got. An `end` event means the same. */
  | { t: 'failed'; id: number; error: WireError; usage: EngineUsage | null };

/** The worker's start-up settings: the first message it receives. */
export interface WorkerSettings {
  gpu: 'auto' | false;
  logLevel: LogLevel;
  /** llama.cpp's thread budget, shared by the models evaluating at once (`getLlama`'s `maxThreads`). */
  maxThreads: number;
  /** false: embed one text per decode even when the batching addon is built (default true). */
  batchEmbeddings?: boolean;
}

/** A model spec with defaults applied; `key` identifies one loaded instance. */
export interface ResolvedModelSpec extends EngineModelSpec {
  parallel: number;
  /** Always explicit: llama.cpp's own defaults oversubscribe small machines (see engine-threads.ts). */
  threads: number;
}

/** A FlambeauError as plain data. */
export interface WireError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  param?: string | null;
}

/** `chatTemplate` is left out: it is applied per request, on the same loaded model. */
export function modelKey(spec: ResolvedModelSpec): string {
  return JSON.stringify([spec.path, spec.contextSize ?? null, spec.parallel, spec.threads]);
}
