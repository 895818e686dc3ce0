import { FlambeauError } from '../../errors/index.js';
import { parseSse } from '../http/sse-parser.js';
import { unreadableUpstream } from '../http/unreadable-upstream.js';
import type { ChatEvent, Finish, Usage } from '../spec.js';
import { describeOpenAiError, fromOpenAiFinish, fromOpenAiUsage, parseOpenAiChunk, type OpenAiChunk, type OpenAiToolCall } from './openai-wire.js';

/**
 * Translates an OpenAI `chat.completion.chunk` SSE stream into our events. The stream must end
 * with `[DONE]` or at least a finish reason; anything else is an upstream that broke mid-way. A
 * frame that is not JSON or not a chunk is thrown as `upstream_failed`.
 */
export async function* translateOpenAiStream(body: AsyncIterable<Buffer>, label: string): AsyncGenerator<ChatEvent> {
  const translator = new OpenAiStreamTranslator(label);
  yield { type: 'stream-start', warnings: [] };
  for await (const sse of parseSse(body)) {
    // Read on to the end of the body after [DONE] (normally nothing): leaving the loop would
    // destroy the socket and lose the keep-alive connection.
    if (translator.done) continue;
    if (sse.data === '[DONE]') {
      translator.done = true;
      continue;
    }
    let chunk: OpenAiChunk;
    try {
      chunk = parseOpenAiChunk(sse.data);
    } catch (error) {
      throw unreadableUpstream(label, 'a stream event', error);
    }
    // A plain loop: `yield*` over an array costs an async-from-sync iterator per frame.
    for (const event of translator.chunk(chunk)) yield event;
  }
  yield translator.end();
}

/** The state of one stream: what a chunk adds, and the closing event. */
export class OpenAiStreamTranslator {
  done = false;
  #finish: Finish | undefined;
  #usage: Usage = { inputTokens: null, outputTokens: null, estimated: false };
  readonly #label: string;

  constructor(label: string) {
    this.#label = label;
  }

  chunk(chunk: OpenAiChunk): ChatEvent[] {
    if (chunk.error !== undefined && chunk.error !== null) this.#error(chunk.error);
    if (chunk.usage !== undefined && chunk.usage !== null) this.#usage = fromOpenAiUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (choice === undefined) return [];
    const out: ChatEvent[] = [];
    const delta = choice.delta;
    if (typeof delta?.content === 'string' && delta.content !== '') out.push({ type: 'text-delta', text: delta.content });
    if (delta?.tool_calls !== undefined && delta.tool_calls !== null) for (const call of delta.tool_calls) out.push(toolCallDelta(call));
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) this.#finish = fromOpenAiFinish(choice.finish_reason);
    return out;
  }

  /** The closing event; throws when the upstream said neither `[DONE]` nor a finish reason. */
  end(): ChatEvent {
    if (!this.done && this.#finish === undefined) {
      throw new FlambeauError('upstream_failed', `${this.#label} ended the stream before it was complete.`, { details: { provider: this.#label } });
    }
    return { type: 'stream-end', finish: this.#finish ?? { reason: 'other' }, usage: this.#usage };
  }

  #error(error: NonNullable<OpenAiChunk['error']>): never {
    throw new FlambeauError('upstream_failed', `${this.#label} reported an error mid-stream: ${describeOpenAiError(error)}`, {
      details: { provider: this.#label },
    });
  }
}

function toolCallDelta(call: OpenAiToolCall): ChatEvent {
  const event: ChatEvent = { type: 'tool-call-delta', index: call.index ?? 0, argsDelta: call.function?.arguments ?? '' };
  if (call.id !== undefined && call.id !== null) event.id = call.id;
  if (call.function?.name !== undefined && call.function.name !== null) event.name = call.function.name;
  return event;
}
