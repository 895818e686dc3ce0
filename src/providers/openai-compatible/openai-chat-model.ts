import type { UpstreamClient } from '../http/upstream-client.js';
import { unreadableUpstream } from '../http/unreadable-upstream.js';
import type { ChatEvent, ChatModel, ChatRequest, ChatResult, Locality } from '../spec.js';
import { toOpenAiBody } from './openai-request.js';
import { translateOpenAiStream } from './openai-stream.js';
import { parseOpenAiCompletion, type OpenAiCompletion } from './openai-wire.js';

const MAX_COMPLETION_BYTES = 64 * 1024 * 1024;

export class OpenAiChatModel implements ChatModel {
  constructor(
    readonly provider: string,
    readonly model: string,
    readonly locality: Locality,
    private readonly client: UpstreamClient,
    private readonly headers: () => Record<string, string>,
  ) {}

  async generate(request: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
    const text = await this.client.requestText(
      {
        method: 'POST',
        path: '/chat/completions',
        headers: this.headers(),
        body: JSON.stringify(toOpenAiBody(request, false, this.model)),
        signal,
      },
      MAX_COMPLETION_BYTES,
    );
    let parsed: OpenAiCompletion;
    try {
      parsed = parseOpenAiCompletion(text);
    } catch (error) {
      throw unreadableUpstream(this.provider, 'a completion', error);
    }
    return { text: parsed.text, toolCalls: parsed.toolCalls, finish: parsed.finish, usage: parsed.usage, warnings: [] };
  }

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    const response = await this.client.request({
      method: 'POST',
      path: '/chat/completions',
      headers: { ...this.headers(), accept: 'text/event-stream' },
      body: JSON.stringify(toOpenAiBody(request, true, this.model)),
      signal,
    });
    try {
      yield* translateOpenAiStream(response.body, this.provider);
    } catch (error) {
      throw this.client.transportError(error, signal);
    } finally {
      // The consumer may stop early (client gone): close the upstream stream. A body read to
      // its end keeps its connection for reuse.
      if (!response.body.readableEnded && !response.body.destroyed) response.body.destroy();
    }
  }
}
