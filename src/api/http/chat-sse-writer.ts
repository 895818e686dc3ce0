import type { ServerResponse } from 'node:http';
import type { ChatEvent, Usage } from '../../providers/spec.js';
import { wireFinish, wireUsageJson } from './chat-completion-response.js';
import { writeCorked } from './stream-out.js';

/**
 * Writes OpenAI `chat.completion.chunk` events. The prefix of every chunk is serialised once;
 * each event then costs one small JSON.stringify of its delta.
 */
export class ChatSseWriter {
  readonly #res: ServerResponse;
  readonly #head: string;
  readonly #includeUsage: boolean;
  /**
   * Our `flambeau` extension (citations), sent on the chunk that carries the finish reason and
   * again on the usage chunk when there is one: clients read it from the last chunk they get.
   */
  readonly #extension: string;
  #usage: Usage | undefined;

  constructor(res: ServerResponse, id: string, created: number, model: string, includeUsage: boolean, extension?: Record<string, unknown>) {
    this.#res = res;
    this.#extension = extension === undefined ? '' : `,"flambeau":${JSON.stringify(extension)}`;
    this.#head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":`;
    this.#includeUsage = includeUsage;
  }

  /** Returns false when the socket buffer is full; the caller waits for 'drain'. */
  start(): boolean {
    return this.#choice('{"role":"assistant","content":"","refusal":null}', 'null');
  }

  write(event: ChatEvent): boolean {
    switch (event.type) {
      case 'stream-start':
        return true;
      case 'text-delta':
        return event.text === '' ? true : this.#choice(`{"content":${JSON.stringify(event.text)}}`, 'null');
      case 'tool-call-delta': {
        const call: Record<string, unknown> = { index: event.index };
        if (event.id !== undefined) {
          call.id = event.id;
          call.type = 'function';
        }
        const fn: Record<string, string> = { arguments: event.argsDelta };
        if (event.name !== undefined) fn.name = event.name;
        call.function = fn;
        return this.#choice(`{"tool_calls":[${JSON.stringify(call)}]}`, 'null');
      }
      case 'stream-end':
        this.#usage = event.usage;
        return this.#choice('{}', JSON.stringify(wireFinish(event.finish)), this.#extension);
    }
  }

  /** Usage chunk (when asked for, with the extension) and `[DONE]`. */
  end(): void {
    let tail = '';
    if (this.#includeUsage && this.#usage !== undefined) tail += `${this.#head}[],"usage":${wireUsageJson(this.#usage)}${this.#extension}}\n\n`;
    this.#res.end(`${tail}data: [DONE]\n\n`);
  }

  /** One error event, then close: how a failure after the first byte reaches OpenAI clients. */
  fail(body: unknown): void {
    this.#res.end(`data: ${JSON.stringify(body)}\n\n`);
  }

  #choice(delta: string, finish: string, extension = ''): boolean {
    return writeCorked(this.#res, `${this.#head}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]${extension}}\n\n`);
  }
}
