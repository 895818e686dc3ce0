import { FlambeauError } from '../../errors/index.js';
import { parseSse } from '../http/sse-parser.js';
import type { ChatEvent, Finish, Usage } from '../spec.js';
import { fromOpenAiFinish, fromOpenAiUsage, parseOpenAiChunk, type OpenAiChunk } from './openai-wire.js';

/**
 * Translates an OpenAI `chat.completion.chunk` SSE stream into our events. The stream must end
 * with `[DONE]` or at least a finish reason; anything else is an upstream that broke mid-way.
 */
export async function* translateOpenAiStream(body: AsyncIterable<Buffer>, label: string): AsyncGenerator<ChatEvent> {
  let finish: Finish | undefined;
  let usage: Usage = { inputTokens: null, outputTokens: null, estimated: false };
  let done = false;
  yield { type: 'stream-start', warnings: [] };
  for await (const sse of parseSse(body)) {
    // Read on to the end of the body after [DONE] (normally nothing): leaving the loop would
    // destroy the socket and lose the keep-alive connection.
    if (done) continue;
    if (sse.data === '[DONE]') {
      done = true;
      continue;
    }
    let chunk: OpenAiChunk;
    try {
      chunk = parseOpenAiChunk(sse.data);
    } catch {
      throw new FlambeauError('upstream_failed', `${label} sent a stream event that is not JSON.`, { details: { provider: label } });
    }
    if (chunk.error !== undefined) {
      const message = typeof chunk.error.message === 'string' ? chunk.error.message.slice(0, 300) : 'unknown error';
      throw new FlambeauError('upstream_failed', `${label} reported an error mid-stream: ${message}`, { details: { provider: label } });
    }
    if (chunk.usage !== undefined && chunk.usage !== null) usage = fromOpenAiUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (choice === undefined) continue;
    const delta = choice.delta;
    if (typeof delta?.content === 'string' && delta.content !== '') yield { type: 'text-delta', text: delta.content };
    if (delta?.tool_calls !== undefined) {
      for (const call of delta.tool_calls) {
        const event: ChatEvent = { type: 'tool-call-delta', index: call.index ?? 0, argsDelta: call.function?.arguments ?? '' };
        if (call.id !== undefined) event.id = call.id;
        if (call.function?.name !== undefined) event.name = call.function.name;
        yield event;
      }
    }
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) finish = fromOpenAiFinish(choice.finish_reason);
  }
  if (!done && finish === undefined) {
    throw new FlambeauError('upstream_failed', `${label} ended the stream before it was complete.`, { details: { provider: label } });
  }
  yield { type: 'stream-end', finish: finish ?? { reason: 'other' }, usage };
}
