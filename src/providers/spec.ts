/**
 * The provider extension point. Treat changes here as breaking: update every provider in the
 * same commit. The gateway holds only these types; wire formats live in each provider folder.
 */

import type { Locality } from '../config/provider-types.js';
import type { ModelBinding } from '../config/gateway-config.js';

/** Where a model runs. Declared in the config, never guessed from a URL or a name. */
export type { Locality } from '../config/provider-types.js';

export interface TextPart {
  type: 'text';
  text: string;
}
export interface ImagePart {
  type: 'image';
  url: string;
  detail?: 'auto' | 'low' | 'high';
}
export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, exactly as the model produced it (may be invalid JSON: keep the raw value). */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string | TextPart[]; name?: string }
  | { role: 'user'; content: string | ContentPart[]; name?: string }
  | { role: 'assistant'; content: string | TextPart[] | null; toolCalls?: ToolCall[]; name?: string }
  | { role: 'tool'; toolCallId: string; content: string | TextPart[] };

export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

/** Our chat request: what every provider understands. Settings a provider cannot honour give a Warning. */
export interface ChatRequest {
  /** Upstream model id (the gateway resolves client names to this). */
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  user?: string;
  /**
   * Request fields that we do not model, keyed by their OpenAI wire name (e.g. `logprobs`,
   * `reasoning_effort`). OpenAI-compatible providers forward them unchanged; others warn.
   */
  passthrough?: Record<string, unknown>;
}

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'filtered' | 'other';
export interface Finish {
  reason: FinishReason;
  raw?: string;
}

/** Unknown is not zero: null when nobody counted; `estimated` when we counted ourselves. */
export interface Usage {
  inputTokens: number | null;
  outputTokens: number | null;
  estimated: boolean;
  /**
   * Of `inputTokens`, those the target read from a prompt cache instead of evaluating them again:
   * the local engine's KV cache, OpenAI's `prompt_tokens_details.cached_tokens`, Anthropic's
   * `cache_read_input_tokens`. Absent when the target did not say.
   */
  cachedInputTokens?: number;
}

export interface Warning {
  kind: 'unsupported' | 'approximated';
  setting: string;
  detail?: string;
}

export type ChatEvent =
  /** `cachedInputTokens`: as in Usage, when the target knows it before the first token (the local engine does). */
  | { type: 'stream-start'; warnings: Warning[]; cachedInputTokens?: number }
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argsDelta: string }
  | { type: 'stream-end'; finish: Finish; usage: Usage };

export interface ChatResult {
  text: string | null;
  toolCalls: ToolCall[];
  finish: Finish;
  usage: Usage;
  warnings: Warning[];
}

/**
 * One model of one provider. `stream` yields `stream-start` first and `stream-end` last; failures
 * are thrown as FlambeauError (upstream_failed / upstream_timeout / engine_unavailable ...).
 * Both honour `signal`: an abort stops the upstream work (closes the socket, stops generation).
 */
export interface ChatModel {
  readonly provider: string;
  readonly model: string;
  readonly locality: Locality;
  generate(request: ChatRequest, signal: AbortSignal): Promise<ChatResult>;
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent>;
}

export interface EmbedRequest {
  model: string;
  input: string[];
  dimensions?: number;
  user?: string;
}

export interface EmbedResult {
  /** One vector per input, in input order. */
  vectors: Float32Array[];
  usage: Usage;
}

export interface EmbeddingModel {
  readonly provider: string;
  readonly model: string;
  readonly locality: Locality;
  embed(request: EmbedRequest, signal: AbortSignal): Promise<EmbedResult>;
}

/** What `/v1/models` and `flambeau models` show about a model beyond its name. */
export interface ModelStatus {
  loaded?: boolean;
  /** Local models: requests waiting in the engine's queue for a free sequence. */
  queued?: number;
  detail?: string;
  /** Local models: the CPU threads the engine runs the model with (configured, or the machine's default). */
  threads?: number;
}

/** A configured provider instance. Created once at start-up by the registry. */
export interface Provider {
  readonly id: string;
  readonly type: string;
  readonly locality: Locality;
  chatModel(model: ModelBinding): ChatModel;
  /** Undefined when the provider has no embeddings endpoint. */
  embeddingModel?(model: ModelBinding): EmbeddingModel;
  status?(model: ModelBinding): ModelStatus;
  /**
   * Loads the model now and keeps it loaded (`engine.preload`), for providers that load models
   * (the embedded engine); `status().loaded` says when it is. Throws as a request would.
   */
  preload?(model: ModelBinding, signal: AbortSignal): Promise<void>;
  /** A cheap reachability check of a remote provider (e.g. its models list); throws when down. */
  probe?(signal: AbortSignal): Promise<void>;
  /** Releases pools, child processes. */
  close(): Promise<void>;
}

/** A configured model as the provider sees it (paths already resolved); declared with the config it comes from. */
export type { ModelBinding } from '../config/gateway-config.js';
