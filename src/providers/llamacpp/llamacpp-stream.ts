import { randomBytes } from 'node:crypto';
import type { EngineChatEvent, EngineStopReason, EngineUsage } from '../../engine/engine.js';
import type { ChatEvent, Finish, Warning } from '../spec.js';

/**
 * Engine events -> our ChatEvents, one method per engine event kind. Tool calls get an OpenAI
 * style id (`call_<random>`) and their name on their first delta only.
 */
export class LlamaCppStreamTranslator {
  readonly #warnings: Warning[];
  readonly #newId: () => string;
  readonly #callIds = new Map<number, string>();

  constructor(warnings: Warning[], newId: () => string = newCallId) {
    this.#warnings = warnings;
    this.#newId = newId;
  }

  translate(event: EngineChatEvent): ChatEvent | null {
    switch (event.type) {
      case 'start':
        return this.onStart(event.cachedPromptTokens);
      case 'text':
        return this.onText(event.text);
      case 'tool-call':
        return this.onToolCall(event.index, event.name, event.argsDelta);
      case 'end':
        return this.onEnd(event.stopReason, event.usage);
    }
  }

  onStart(cachedInputTokens: number): ChatEvent {
    return { type: 'stream-start', warnings: this.#warnings, cachedInputTokens };
  }

  onText(text: string): ChatEvent | null {
    return text.length === 0 ? null : { type: 'text-delta', text };
  }

  onToolCall(index: number, name: string, argsDelta: string): ChatEvent {
    if (this.#callIds.has(index)) return { type: 'tool-call-delta', index, argsDelta };
    const id = this.#newId();
    this.#callIds.set(index, id);
    return { type: 'tool-call-delta', index, id, name, argsDelta };
  }

  onEnd(stopReason: EngineStopReason, usage: EngineUsage): ChatEvent {
    const { inputTokens, outputTokens, cachedInputTokens } = usage;
    return { type: 'stream-end', finish: toFinish(stopReason), usage: { inputTokens, outputTokens, estimated: false, cachedInputTokens } };
  }
}

export function toFinish(stopReason: EngineStopReason): Finish {
  switch (stopReason) {
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
      return { reason: 'stop', raw: stopReason };
    case 'maxTokens':
      return { reason: 'length', raw: stopReason };
    case 'functionCalls':
      return { reason: 'tool-calls', raw: stopReason };
    case 'abort':
      return { reason: 'other', raw: stopReason };
  }
}

function newCallId(): string {
  return `call_${randomBytes(12).toString('base64url')}`;
}
