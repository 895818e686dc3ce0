import type { Engine, EngineModelSpec } from '../../engine/engine.js';
import { FlambeauError } from '../../errors/index.js';
import type { ChatEvent, ChatModel, ChatRequest, ChatResult, Locality, ModelBinding, ToolCall } from '../spec.js';
import { toEngineJob } from './llamacpp-request.js';
import { LlamaCppStreamTranslator } from './llamacpp-stream.js';

/**
 * A GGUF model on the embedded engine. `stream` yields `stream-start` once the model is loaded
 * and the prompt fits, so load failures, a full queue or an oversized prompt are thrown before
 * any event; `generate` collects the same stream.
 */
export class LlamaCppChatModel implements ChatModel {
  readonly provider: string;
  readonly model: string;
  readonly locality: Locality;
  readonly #binding: ModelBinding;
  readonly #spec: EngineModelSpec;
  readonly #engine: Engine;

  constructor(provider: string, locality: Locality, binding: ModelBinding, spec: EngineModelSpec, engine: Engine) {
    this.provider = provider;
    this.model = binding.model;
    this.locality = locality;
    this.#binding = binding;
    this.#spec = spec;
    this.#engine = engine;
  }

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    const { job, warnings } = toEngineJob(request, this.#binding);
    const translator = new LlamaCppStreamTranslator(warnings);
    for await (const event of this.#engine.chat(this.#spec, job, signal)) {
      const translated = translator.translate(event);
      if (translated) yield translated;
    }
  }

  async generate(request: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
    return collectChatResult(this.stream(request, signal));
  }
}

/** Folds a ChatEvent stream into a ChatResult (tool-call deltas joined by index). */
export async function collectChatResult(events: AsyncIterable<ChatEvent>): Promise<ChatResult> {
  let text = '';
  const calls: ToolCall[] = [];
  let result: Omit<ChatResult, 'text' | 'toolCalls'> | null = null;
  let warnings: ChatResult['warnings'] = [];
  for await (const event of events) {
    switch (event.type) {
      case 'stream-start':
        warnings = event.warnings;
        break;
      case 'text-delta':
        text += event.text;
        break;
      case 'tool-call-delta': {
        const call = (calls[event.index] ??= { id: event.id ?? '', name: event.name ?? '', arguments: '' });
        call.arguments += event.argsDelta;
        break;
      }
      case 'stream-end':
        result = { finish: event.finish, usage: event.usage, warnings };
        break;
    }
  }
  if (!result) throw new FlambeauError('internal', 'The local model stream ended without a result.');
  const toolCalls = calls.filter((call): call is ToolCall => call !== undefined);
  return { text: text.length === 0 && toolCalls.length > 0 ? null : text, toolCalls, ...result };
}
