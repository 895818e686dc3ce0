import { access } from 'node:fs/promises';
import type { Llama, LlamaGrammar } from 'node-llama-cpp';
import { FlambeauError } from '../errors/index.js';
import type { EmbedPath } from './batch-embedder.js';
import type { EngineChatJob } from './engine.js';
import type { ResolvedModelSpec } from './engine-protocol.js';
import { LoadedModel, type ContextThreads } from './loaded-model.js';
import { scrubbed } from './wire-error.js';

/** Context size per sequence when the model spec sets none: llama.cpp's "auto", capped here. */
const DEFAULT_MAX_CONTEXT = 4096;
/** Compiled JSON-schema grammars kept for reuse (they are per Llama, not per model). */
const GRAMMAR_CACHE_SIZE = 64;

/** What the runtime tells the gateway about its models. */
export interface RuntimeEvents {
  loadChanged(key: string, loaded: boolean): void;
  threads(key: string, threads: ContextThreads): void;
  /** A degraded path the operator should know about (never request text). */
  warn?(message: string): void;
}

interface Slot {
  /** Loads and unloads of one model run one after the other. */
  chain: Promise<unknown>;
  loaded: LoadedModel | null;
}

/**
 * Inside the engine process: the models loaded by key, and the grammar cache. `model()` loads
 * on first use; `unload()` frees the model, its contexts and sequences. The gateway decides when
 * to unload (idle timer) and never has requests running on a model it unloads.
 */
export class LlamaRuntime {
  readonly #llama: Promise<Llama>;
  readonly #embedPath: Promise<EmbedPath>;
  readonly #events: RuntimeEvents;
  readonly #slots = new Map<string, Slot>();
  readonly #grammars = new Map<string, Promise<LlamaGrammar>>();

  /** `embedPath`: how models embed, known once `llama` resolved (default: one text per decode). */
  constructor(llama: Promise<Llama>, events: RuntimeEvents, embedPath?: Promise<EmbedPath>) {
    this.#llama = llama;
    this.#events = events;
    this.#embedPath = (embedPath ?? Promise.resolve({ kind: 'per-text', reason: 'not asked for' } as const)).catch((thrown: unknown) => ({
      kind: 'per-text' as const,
      reason: scrubbed(thrown),
    }));
  }

  model(key: string, spec: ResolvedModelSpec): Promise<LoadedModel> {
    const slot = this.#slot(key);
    const next = slot.chain.then(async () => {
      if (slot.loaded) return slot.loaded;
      slot.loaded = await this.#load(key, spec);
      this.#events.loadChanged(key, true);
      return slot.loaded;
    });
    slot.chain = next.catch(() => undefined);
    return next;
  }

  unload(key: string): Promise<void> {
    const slot = this.#slot(key);
    const next = slot.chain.then(async () => {
      const loaded = slot.loaded;
      slot.loaded = null;
      await loaded?.dispose();
      this.#events.loadChanged(key, false);
    });
    slot.chain = next.catch(() => undefined);
    return next;
  }

  async grammar(spec: NonNullable<EngineChatJob['grammar']>): Promise<LlamaGrammar> {
    const llama = await this.#started();
    const cacheKey = spec.type === 'json' ? 'json' : JSON.stringify(spec.schema);
    let grammar = this.#grammars.get(cacheKey);
    if (!grammar) {
      // The schema was checked against node-llama-cpp's subset by the provider; its generic
      // parameter only serves type inference of the parsed output, which we do not use.
      grammar = spec.type === 'json' ? llama.getGrammarFor('json') : llama.createGrammarForJsonSchema(spec.schema as never);
      grammar.catch(() => this.#grammars.delete(cacheKey));
      this.#grammars.set(cacheKey, grammar);
      if (this.#grammars.size > GRAMMAR_CACHE_SIZE) this.#grammars.delete(this.#grammars.keys().next().value ?? '');
    }
    try {
      return await grammar;
    } catch (thrown) {
      throw new FlambeauError('invalid_request', 'The response format schema could not be turned into a grammar.', {
        param: 'response_format',
        details: { reason: scrubbed(thrown) },
      });
    }
  }

  async #started(): Promise<Llama> {
    try {
      return await this.#llama;
    } catch (thrown) {
      throw new FlambeauError('engine_unavailable', 'The llama.cpp engine could not start.', { details: { reason: scrubbed(thrown) } });
    }
  }

  #slot(key: string): Slot {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { chain: Promise.resolve(), loaded: null };
      this.#slots.set(key, slot);
    }
    return slot;
  }

  async #load(key: string, spec: ResolvedModelSpec): Promise<LoadedModel> {
    try {
      await access(spec.path);
    } catch {
      throw new FlambeauError('model_not_found', `The model file of '${spec.name}' does not exist or cannot be read.`, {
        details: { model: spec.name },
      });
    }
    const llama = await this.#started();
    const embedPath = await this.#embedPath;
    // A model's own `threads` wins over the engine's budget, which would otherwise cap it
    // (node-llama-cpp clamps a context's threads to `maxThreads`); start-up warns when it exceeds the cores.
    if (llama.maxThreads !== 0 && spec.threads > llama.maxThreads) llama.maxThreads = spec.threads;
    try {
      const model = await llama.loadModel({ modelPath: spec.path });
      try {
        const context = await model.createContext({
          contextSize: spec.contextSize ?? { max: DEFAULT_MAX_CONTEXT },
          sequences: spec.parallel,
          threads: spec.threads,
        });
        return new LoadedModel(
          model,
          context,
          spec,
          (threads) => this.#events.threads(key, threads),
          embedPath,
          (message) => this.#events.warn?.(message),
        );
      } catch (thrown) {
        await model.dispose();
        throw thrown;
      }
    } catch (thrown) {
      throw new FlambeauError('engine_unavailable', `The llama.cpp engine could not load '${spec.name}'.`, {
        details: { model: spec.name, reason: scrubbed(thrown) },
      });
    }
  }
}
