import type { UpstreamClient } from '../http/upstream-client.js';
import { unreadableUpstream } from '../http/unreadable-upstream.js';
import type { ChatEvent, ChatModel, ChatRequest, ChatResult, Locality } from '../spec.js';
import { toAnthropicRequest } from './anthropic-request.js';
import { fromAnthropicMessage } from './anthropic-result.js';
import { translateAnthropicStream } from './anthropic-stream.js';
import { parseAnthropicMessage, type AnthropicMessage } from './anthropic-wire.js';

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const MESSAGES_PATH = '/v1/messages';

/** One Claude model behind `POST /v1/messages`. */
export class AnthropicChatModel implements ChatModel {
  constructor(
    readonly provider: string,
    readonly model: string,
    readonly locality: Locality,
    private readonly client: UpstreamClient,
    private readonly headers: () => Record<string, string>,
    /** Sent as `max_tokens` when the request has none (Anthropic requires it). */
    private readonly defaultMaxTokens: number,
  ) {}

  async generate(request: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
    const plan = toAnthropicRequest({ ...request, model: this.model }, { stream: false, defaultMaxTokens: this.defaultMaxTokens });
    const text = await this.client.requestText(
      { method: 'POST', path: MESSAGES_PATH, headers: this.headers(), body: JSON.stringify(plan.body), signal },
      MAX_MESSAGE_BYTES,
    );
    let message: AnthropicMessage;
    try {
      message = parseAnthropicMessage(text);
    } catch (error) {
      throw unreadableUpstream(this.provider, 'a message', error);
    }
    return fromAnthropicMessage(message, plan.warnings, plan.jsonToolName);
  }

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    const plan = toAnthropicRequest({ ...request, model: this.model }, { stream: true, defaultMaxTokens: this.defaultMaxTokens });
    const response = await this.client.request({
      method: 'POST',
      path: MESSAGES_PATH,
      headers: { ...this.headers(), accept: 'text/event-stream' },
      body: JSON.stringify(plan.body),
      signal,
    });
    try {
      yield* translateAnthropicStream(response.body, { label: this.provider, warnings: plan.warnings, jsonToolName: plan.jsonToolName });
    } catch (error) {
      throw this.client.transportError(error, signal);
    } finally {
      // The consumer may stop early (client gone): close the upstream socket's stream.
      if (!response.body.destroyed) response.body.destroy();
    }
  }
}
