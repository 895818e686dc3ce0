import type { ChatHistoryItem, ChatModelFunctions, GbnfJsonSchema } from 'node-llama-cpp';
import type { Logger, LogLevel } from '../log/logger.js';

/**
 * The embedded llama.cpp engine. One engine serves every `llamacpp` provider of a gateway; it
 * hides where llama.cpp runs (a child process, see docs/decisions/0001-engine-out-of-process.md).
 * Models load on first use, stay loaded while used, and unload after `idleTimeoutMs` idle.
 */
export interface Engine {
  /**
   * Runs one chat generation. The request is admitted when iteration starts (no await before):
   * it runs on a free sequence of the model, waits in the queue, or throws `engine_unavailable`
   * when the queue is full. Yields `start` first and `end` last. Aborting `signal` (or leaving
   * the loop early) stops generation in the engine and frees the sequence.
   */
  chat(model: EngineModelSpec, job: EngineChatJob, signal: AbortSignal): AsyncIterable<EngineChatEvent>;
  /** One vector per input, in order, from the model's embedding context (loaded lazily). */
  embed(model: EngineModelSpec, input: string[], signal: AbortSignal): Promise<EngineEmbedResult>;
  /**
   * Loads the model (its chat context) now rather than on its first request, and keeps it loaded:
   * the idle timer never unloads it, and after an engine crash it is loaded again at once. Resolves
   * when it is loaded; throws as a request would (`model_not_found`, `engine_unavailable`).
   */
  preload(model: EngineModelSpec, signal: AbortSignal): Promise<void>;
  /** True while the model (chat or embedding context) is loaded in the engine. */
  isLoaded(model: EngineModelSpec): boolean;
  /** The CPU threads the model runs with: its spec's, else the engine's `threads`, else `defaultThreads()`. */
  threads(model: EngineModelSpec): number;
  status(): EngineStatus;
  /** Fails queued and running requests with `engine_unavailable` and stops the engine process. */
  shutdown(): Promise<void>;
}

export interface EngineOptions {
  /** Unload a model after this many milliseconds without requests. */
  idleTimeoutMs: number;
  /** `'auto'`: use a GPU when llama.cpp finds one; `false`: CPU only. */
  gpu: 'auto' | false;
  /** Requests that may wait for a sequence, over all models; more get `engine_unavailable`. Default 64. */
  maxQueue?: number;
  /**
   * CPU threads for a model whose spec sets none; unset: `defaultThreads()` (the available cores
   * but one, at least 1). Also the budget llama.cpp splits among models evaluating at once.
   */
  threads?: number | null;
  /** Level of llama.cpp's own log lines forwarded to `logger`. Default 'warn'. */
  logLevel?: LogLevel;
  /** Receives engine log lines (never prompt or answer text). Default: JSON lines on stderr. */
  logger?: Logger;
  /**
   * Embed many texts per llama_decode through the native addon when it is built (docs/decisions/0016).
   * Default true; false (benches comparing the paths) embeds one text per decode with node-llama-cpp.
   */
  batchEmbeddings?: boolean;
  /** Tests only: the engine process's entry file and node flags. Default: `engine-worker` beside this module. */
  workerEntry?: { path: string; execArgv: string[] };
}

/** How to load one model. Two specs with the same path but other settings load separately. */
export interface EngineModelSpec {
  /** The name clients use, for messages only. */
  name: string;
  /** Absolute path to the GGUF file. */
  path: string;
  /** Context size per sequence, in tokens. Default: up to 4096, as memory allows. */
  contextSize?: number;
  /** CPU threads for this model (chat and embedding contexts); unset: the engine's. */
  threads?: number;
  /** Parallel sequences (concurrent requests). Default 1. */
  parallel?: number;
  /** A node-llama-cpp chat wrapper name (`llama3.1`, `chatML`...) or Jinja template text; 'auto' or unset: from the GGUF. */
  chatTemplate?: string;
}

/** A chat request in node-llama-cpp's terms: plain data, so it can cross to the engine process. */
export interface EngineChatJob {
  history: ChatHistoryItem[];
  functions?: ChatModelFunctions;
  /** 1 forbids parallel function calls. */
  maxParallelFunctionCalls?: number;
  /** Grammar-enforced output; never together with `functions`. */
  grammar?: { type: 'json' } | { type: 'json-schema'; schema: GbnfJsonSchema };
  sampling: EngineSampling;
}

export interface EngineSampling {
  /** Upper bound; the engine also caps it so prompt + answer fit the context. */
  maxTokens?: number;
  /** 0 = greedy. */
  temperature: number;
  topP?: number;
  topK?: number;
  minP?: number;
  seed?: number;
  stop?: string[];
  /** OpenAI-style penalties over the tokens generated so far (llama.cpp's penalties sampler). */
  presencePenalty?: number;
  frequencyPenalty?: number;
}

/**
 * `start`: the model is loaded and the prompt fits; `promptTokens` counts the whole rendered
 * prompt (template and tool documentation included), `cachedPromptTokens` the part of it already
 * in the sequence's KV cache from an earlier request (same model, same leading tokens: a system
 * prompt, the turns of a conversation), which is not evaluated again. `end.usage` is exact: `outputTokens` counts
 * the tokens the model sampled, the end-of-generation token included.
 */
export type EngineChatEvent =
  | { type: 'start'; promptTokens: number; cachedPromptTokens: number; contextSize: number }
  | { type: 'text'; text: string }
  | { type: 'tool-call'; index: number; name: string; argsDelta: string }
  | { type: 'end'; stopReason: EngineStopReason; usage: EngineUsage };

/** Why a generation ended: node-llama-cpp's stop reasons, plus `functionCalls`. */
export const ENGINE_STOP_REASONS = ['eogToken', 'stopGenerationTrigger', 'customStopTrigger', 'maxTokens', 'functionCalls', 'abort'] as const;
export type EngineStopReason = (typeof ENGINE_STOP_REASONS)[number];

export interface EngineUsage {
  inputTokens: number;
  /** Of `inputTokens`, those reused from the KV cache (see the `start` event). */
  cachedInputTokens: number;
  outputTokens: number;
}

export interface EngineEmbedResult {
  vectors: Float32Array[];
  /** Tokens evaluated, BOS/EOS included, summed over inputs. */
  inputTokens: number;
}

export interface EngineStatus {
  /** Pid of the engine process while it runs. */
  pid: number | null;
  /** Engine processes started so far (a crash and a restart count two). */
  starts: number;
  models: EngineModelStatus[];
}

export interface EngineModelStatus {
  name: string;
  path: string;
  loaded: boolean;
  /** Requests running in the engine. */
  active: number;
  /** Requests waiting for a sequence. */
  queued: number;
  parallel: number;
  /** The CPU threads the gateway asks the engine for (see `Engine.threads`). */
  threads: number;
  /**
   * What llama.cpp's contexts report once made (null until then, and after an unload): the chat
   * context's threads, and the embedding context's after the first embedding request.
   */
  engineThreads: { chat: number | null; embedding: number | null };
  /** Totals since the gateway started, aborted requests included. */
  requests: number;
  inputTokens: number;
  outputTokens: number;
}
