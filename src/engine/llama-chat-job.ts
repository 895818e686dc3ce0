import {
  LlamaChat,
  type ChatHistoryItem,
  type LlamaChatResponseFunctionCallParamsChunk,
  type LlamaContextSequence,
  type LlamaGrammar,
  type TokenMeterState,
} from 'node-llama-cpp';
import { FlambeauError } from '../errors/index.js';
import type { EngineChatEvent, EngineChatJob, EngineStopReason, EngineUsage } from './engine.js';
import type { LoadedModel } from './loaded-model.js';

interface CallStream {
  name: string;
  /** Trailing whitespace held back: the grammar lets the model pad after the JSON. */
  pendingSpace: string;
  sentArgs: boolean;
}

/**
 * One chat generation inside the engine process, on one sequence of a loaded model. Usage is
 * exact: `inputTokens` is the rendered prompt (template, tool documentation) tokenized as
 * LlamaChat does; `outputTokens` the tokens sampled (each costs one decode with logits, counted
 * by the sequence's token meter), the end-of-generation token included.
 */
export class LlamaChatJob {
  readonly #loaded: LoadedModel;
  readonly #job: EngineChatJob;
  readonly #template: string | undefined;
  readonly #emit: (event: EngineChatEvent) => void;
  #sequence: LlamaContextSequence | null = null;
  #meterBefore: TokenMeterState | null = null;
  #promptTokens = 0;
  #reusedTokens = 0;
  #text = '';
  readonly #calls: CallStream[] = [];

  constructor(loaded: LoadedModel, job: EngineChatJob, template: string | undefined, emit: (event: EngineChatEvent) => void) {
    this.#loaded = loaded;
    this.#job = job;
    this.#template = template;
    this.#emit = emit;
  }

  /** Tokens counted so far; null before generation started. */
  usage(): EngineUsage | null {
    if (!this.#sequence || !this.#meterBefore) return null;
    return {
      inputTokens: this.#promptTokens,
      cachedInputTokens: this.#reusedTokens,
      outputTokens: this.#sequence.tokenMeter.diff(this.#meterBefore).usedOutputTokens,
    };
  }

  async run(grammar: LlamaGrammar | undefined, signal: AbortSignal): Promise<void> {
    const { wrapper, functions, prompt, maxTokens } = this.#prepare();
    const { sequence, reusedTokens } = this.#loaded.takeSequence(prompt);
    this.#sequence = sequence;
    this.#reusedTokens = reusedTokens;
    this.#meterBefore = sequence.tokenMeter.getState();
    let chat: LlamaChat | null = null;
    try {
      chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
      this.#emit({ type: 'start', promptTokens: prompt.length, cachedPromptTokens: reusedTokens, contextSize: this.#loaded.context.contextSize });
      const response = await chat.generateResponse(this.#job.history, {
        ...this.#samplingOptions(maxTokens),
        signal,
        onTextChunk: (text) => this.#onText(text),
        ...(functions
          ? {
              functions,
              onFunctionCallParamsChunk: (chunk: LlamaChatResponseFunctionCallParamsChunk) => this.#onParams(chunk),
              ...(this.#job.maxParallelFunctionCalls ? { maxParallelFunctionCalls: this.#job.maxParallelFunctionCalls } : {}),
            }
          : grammar
            ? { grammar }
            : {}),
      });
      // Text held back by stop-trigger detection and released only in the final response.
      if (response.response.length > this.#text.length && response.response.startsWith(this.#text)) {
        this.#onText(response.response.slice(this.#text.length));
      }
      (response.functionCalls ?? []).forEach((call, index) => this.#closeCall(index, call.functionName, call.params));
      const usage = this.usage() ?? { inputTokens: prompt.length, cachedInputTokens: reusedTokens, outputTokens: 0 };
      const stopReason: EngineStopReason = (response.functionCalls?.length ?? 0) > 0 ? 'functionCalls' : response.metadata.stopReason;
      chat.dispose();
      this.#loaded.releaseSequence(sequence);
      this.#emit({ type: 'end', stopReason, usage });
    } catch (thrown) {
      chat?.dispose();
      // An aborted generation leaves a usable state (the next prompt is aligned to it); after an
      // error, start the sequence afresh.
      if (!signal.aborted) await sequence.clearHistory().catch(() => undefined);
      this.#loaded.releaseSequence(sequence);
      throw signal.aborted ? new FlambeauError('client_closed', 'The request was cancelled.') : thrown;
    }
  }

  /** Renders and tokenizes the prompt as LlamaChat will, and bounds the answer to the context. */
  #prepare() {
    const wrapper = this.#loaded.chatWrapper(this.#template);
    const functions = this.#job.functions && Object.keys(this.#job.functions).length > 0 ? this.#job.functions : undefined;
    const prompt = wrapper
      .generateContextState({ chatHistory: withModelTurn(this.#job.history), ...(functions ? { availableFunctions: functions } : {}) })
      .contextText.tokenize(this.#loaded.model.tokenizer);
    const contextSize = this.#loaded.context.contextSize;
    // LlamaChat needs prompt + 1 free cell, else it silently drops history (context shift).
    if (prompt.length + 2 > contextSize) {
      throw new FlambeauError('invalid_request', `The prompt is ${prompt.length} tokens; this model's context holds ${contextSize} (prompt and answer).`, {
        param: 'messages',
        details: { promptTokens: prompt.length, contextSize },
      });
    }
    // Capped so generation ends before the context is full (a context shift would rewrite history).
    const maxTokens = Math.max(1, Math.min(this.#job.sampling.maxTokens ?? Number.POSITIVE_INFINITY, contextSize - prompt.length - 1));
    this.#promptTokens = prompt.length;
    return { wrapper, functions, prompt, maxTokens };
  }

  #samplingOptions(maxTokens: number) {
    const s = this.#job.sampling;
    const penalize = (s.presencePenalty ?? 0) !== 0 || (s.frequencyPenalty ?? 0) !== 0;
    return {
      maxTokens,
      temperature: s.temperature,
      ...(s.topP === undefined ? {} : { topP: s.topP }),
      ...(s.topK === undefined ? {} : { topK: s.topK }),
      ...(s.minP === undefined ? {} : { minP: s.minP }),
      ...(s.seed === undefined ? {} : { seed: s.seed }),
      ...(s.stop && s.stop.length > 0 ? { customStopTriggers: s.stop } : {}),
      // OpenAI semantics: no penalty unless asked, then over every token generated so far
      // (LlamaChat's default is a 1.1 repeat penalty over the last 64 tokens).
      repeatPenalty: penalize
        ? {
            penalty: 1,
            lastTokens: maxTokens,
            penalizeNewLine: true,
            presencePenalty: s.presencePenalty ?? 0,
            frequencyPenalty: s.frequencyPenalty ?? 0,
          }
        : (false as const),
    };
  }

  #onText(text: string): void {
    if (text.length === 0) return;
    this.#text += text;
    this.#emit({ type: 'text', text });
  }

  #onParams(chunk: LlamaChatResponseFunctionCallParamsChunk): void {
    let call = this.#calls[chunk.callIndex];
    const first = call === undefined;
    call ??= this.#calls[chunk.callIndex] = { name: chunk.functionName, pendingSpace: '', sentArgs: false };
    const joined = call.pendingSpace + chunk.paramsChunk;
    const body = joined.trimEnd();
    call.pendingSpace = joined.slice(body.length);
    if (body.length > 0) call.sentArgs = true;
    if (body.length > 0 || first) this.#emit({ type: 'tool-call', index: chunk.callIndex, name: call.name, argsDelta: body });
  }

  /** A call whose arguments never streamed (a function without parameters) still gets them: its params or `{}`. */
  #closeCall(index: number, name: string, params: unknown): void {
    if (this.#calls[index]?.sentArgs) return;
    this.#calls[index] = { name, pendingSpace: '', sentArgs: true };
    this.#emit({ type: 'tool-call', index, name, argsDelta: params === undefined ? '{}' : JSON.stringify(params) });
  }
}

/** LlamaChat answers as the last history item; it appends an empty model turn when needed. */
function withModelTurn(history: ChatHistoryItem[]): ChatHistoryItem[] {
  return history.at(-1)?.type === 'model' ? history : [...history, { type: 'model', response: [] }];
}
