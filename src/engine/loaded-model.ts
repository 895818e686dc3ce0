import {
  JinjaTemplateChatWrapper,
  resolveChatWrapper,
  specializedChatWrapperTypeNames,
  type SpecializedChatWrapperTypeName,
  type ChatWrapper,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { FlambeauError } from '../errors/index.js';
import { BatchEmbedContext, type EmbedPath } from './batch-embedder.js';
import type { ResolvedModelSpec } from './engine-protocol.js';
import { scrubbed } from './wire-error.js';

/** The threads llama.cpp's contexts of one model use (`embedding`: null until that context exists). */
export interface ContextThreads {
  chat: number;
  embedding: number | null;
}

/**
 * How a model embeds: many texts per llama_decode through the native addon (batch-embedder.ts),
 * or node-llama-cpp's embedding context, one text per decode (when the addon is not there).
 */
export type Embedding = { kind: 'batched'; context: BatchEmbedContext } | { kind: 'per-text'; context: LlamaEmbeddingContext };

/**
 * One loaded model in the engine process: its chat context with `parallel` sequences, an
 * embedding context made on first use (batched when `embedPath` has the addon), and the chat
 * wrappers resolved so far. `onThreads` hears the threads its contexts use, at once and again
 * when the embedding context is made.
 */
export class LoadedModel {
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly #spec: ResolvedModelSpec;
  readonly #free: LlamaContextSequence[] = [];
  readonly #wrappers = new Map<string, ChatWrapper>();
  readonly #onThreads: (threads: ContextThreads) => void;
  readonly #embedPath: EmbedPath;
  readonly #warn: (message: string) => void;
  #embedding: Promise<Embedding> | null = null;

  constructor(
    model: LlamaModel,
    context: LlamaContext,
    spec: ResolvedModelSpec,
    onThreads: (threads: ContextThreads) => void = () => {},
    embedPath: EmbedPath = { kind: 'per-text', reason: 'not asked for' },
    warn: (message: string) => void = () => {},
  ) {
    this.model = model;
    this.context = context;
    this.#spec = spec;
    this.#onThreads = onThreads;
    this.#embedPath = embedPath;
    this.#warn = warn;
    for (let i = 0; i < context.totalSequences; i++) this.#free.push(context.getSequence());
    onThreads({ chat: context.idealThreads, embedding: null });
  }

  /**
   * A free sequence, preferring the one whose cached tokens share the longest prefix with the
   * prompt (a follow-up turn then re-evaluates only the new messages). The gateway admits at
   * most `parallel` chats per model, so one is always free.
   */
  takeSequence(promptTokens: Token[]): { sequence: LlamaContextSequence; reusedTokens: number } {
    let best = -1;
    let bestShared = -1;
    this.#free.forEach((sequence, index) => {
      const shared = sequence.compareContextTokens(promptTokens).firstDifferentIndex;
      if (shared > bestShared) [best, bestShared] = [index, shared];
    });
    const [sequence] = best < 0 ? [] : this.#free.splice(best, 1);
    if (!sequence) throw new FlambeauError('engine_unavailable', `No free sequence for '${this.#spec.name}'; retry.`);
    // The last prompt token is evaluated again even when all of them are in the cache: its logits
    // are what the first answer token is sampled from.
    return { sequence, reusedTokens: Math.max(0, Math.min(bestShared, promptTokens.length - 1)) };
  }

  releaseSequence(sequence: LlamaContextSequence): void {
    if (!sequence.disposed) this.#free.push(sequence);
  }

  /** 'auto'/unset: the GGUF's template (node-llama-cpp's resolution); a wrapper name; or Jinja text. */
  chatWrapper(template: string | undefined): ChatWrapper {
    const key = template ?? 'auto';
    let wrapper = this.#wrappers.get(key);
    if (!wrapper) {
      wrapper = this.#resolveWrapper(key);
      this.#wrappers.set(key, wrapper);
    }
    return wrapper;
  }

  /** The embedding context, made on first use; a failed attempt is retried on the next call. */
  embedding(): Promise<Embedding> {
    if (!this.#embedding) {
      this.#embedding = this.#makeEmbedding();
      this.#embedding.then(
        (embedding) =>
          this.#onThreads({
            chat: this.context.idealThreads,
            embedding: embedding.kind === 'batched' ? embedding.context.threads : embeddingThreads(embedding.context),
          }),
        () => {
          this.#embedding = null;
        },
      );
    }
    return this.#embedding;
  }

  async #makeEmbedding(): Promise<Embedding> {
    const contextSize = this.context.contextSize;
    if (this.#embedPath.kind === 'batched') {
      try {
        const context = await BatchEmbedContext.create(this.#embedPath.addon, {
          modelPath: this.#spec.path,
          gpuLayers: this.model.gpuLayers,
          contextSize,
          threads: this.#spec.threads,
        });
        return { kind: 'batched', context };
      } catch (thrown) {
        // node-llama-cpp loaded this model; if the addon cannot, embed it one text per decode.
        this.#warn(`embeddings of '${this.#spec.name}': one text per llama_decode (the batching addon failed: ${scrubbed(thrown)})`);
      }
    }
    const context = await this.model.createEmbeddingContext({
      contextSize,
      // A non-causal (pooled) embedding needs the whole input in one batch; llama.cpp aborts otherwise.
      batchSize: contextSize,
      // Explicit: node-llama-cpp's default for embedding contexts is 6 threads, whatever the machine.
      threads: this.#spec.threads,
    });
    return { kind: 'per-text', context };
  }

  async dispose(): Promise<void> {
    const embedding = this.#embedding;
    this.#embedding = null;
    await (await embedding?.catch(() => null))?.context.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }

  #resolveWrapper(template: string): ChatWrapper {
    if (template === 'auto') return resolveChatWrapper(this.model);
    if (/\{\{|\{%/.test(template)) {
      try {
        return new JinjaTemplateChatWrapper({ template, tokenizer: this.model.tokenizer });
      } catch (thrown) {
        throw new FlambeauError('invalid_request', `The chat template of '${this.#spec.name}' is not a usable Jinja template.`, {
          details: { model: this.#spec.name, reason: scrubbed(thrown) },
        });
      }
    }
    if (isWrapperName(template)) return resolveChatWrapper(this.model, { type: template });
    throw new FlambeauError(
      'invalid_request',
      `Unknown chat template '${template}' for '${this.#spec.name}': use a node-llama-cpp wrapper name (e.g. llama3.1, chatML, llama2Chat, gemma), Jinja template text, or 'auto'.`,
      { details: { model: this.#spec.name } },
    );
  }
}

/**
 * node-llama-cpp 3.21 keeps the embedding context's inner LlamaContext internal; its threads are
 * read for the status only, and null if a later version moves them.
 */
function embeddingThreads(embedding: LlamaEmbeddingContext): number | null {
  const inner = (embedding as unknown as { _llamaContext?: { idealThreads?: unknown } })._llamaContext;
  return typeof inner?.idealThreads === 'number' ? inner.idealThreads : null;
}

function isWrapperName(name: string): name is SpecializedChatWrapperTypeName {
  return (specializedChatWrapperTypeNames as readonly string[]).includes(name);
}
