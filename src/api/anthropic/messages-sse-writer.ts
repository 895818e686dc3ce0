import type { ServerResponse } from 'node:http';
import { FlambeauError } from '../../errors/index.js';
import type { ChatEvent } from '../../providers/spec.js';
import { messagesUsage, stopReason, toolUseId } from './messages-response.js';

/**
 * Writes the Messages API stream: `message_start`, `ping`, then one content block per text run or
 * tool call (`content_block_start`, `content_block_delta` with `text_delta` / `input_json_delta`,
 * `content_block_stop`), `message_delta` (stop reason, usage) and `message_stop`. Blocks are
 * sequential, as Anthropic's: a tool call's deltas arriving after another block began are an
 * upstream fault.
 */
export class MessagesSseWriter {
  readonly #res: ServerResponse;
  readonly #id: string;
  readonly #model: string;
  /** Index of the next block; the open block, if any. */
  #next = 0;
  #open: OpenBlock | null = null;
  readonly #closedTools = new Set<number>();

  constructor(res: ServerResponse, id: string, model: string) {
    this.#res = res;
    this.#id = id;
    this.#model = model;
  }

  /** Input tokens are not known before the end: message_start says 0, message_delta the count. */
  start(): boolean {
    const message = {
      id: this.#id,
      type: 'message',
      role: 'assistant',
      model: this.#model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return this.#event('message_start', { type: 'message_start', message }) && this.#event('ping', { type: 'ping' });
  }

  /** Returns false when the socket buffer is full; the caller waits for 'drain'. */
  write(event: ChatEvent): boolean {
    switch (event.type) {
      case 'stream-start':
        return true;
      case 'text-delta':
        return event.text === '' ? true : this.#text(event.text);
      case 'tool-call-delta':
        return this.#tool(event);
      case 'stream-end': {
        this.#close();
        const usage = messagesUsage(event.usage);
        return this.#event('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: stopReason(event.finish), stop_sequence: null },
          usage,
        });
      }
    }
  }

  end(): void {
    this.#res.end(frame('message_stop', { type: 'message_stop' }));
  }

  /** One `error` event, then close: how a failure after the first byte reaches Anthropic clients. */
  fail(body: unknown): void {
    this.#res.end(frame('error', body));
  }

  #text(text: string): boolean {
    let ok = true;
    if (this.#open?.kind !== 'text') {
      this.#close();
      ok = this.#begin({ kind: 'text' }, { type: 'text', text: '' });
    }
    return this.#event('content_block_delta', { type: 'content_block_delta', index: this.#next - 1, delta: { type: 'text_delta', text } }) && ok;
  }

  #tool(event: Extract<ChatEvent, { type: 'tool-call-delta' }>): boolean {
    let ok = true;
    if (this.#open?.kind !== 'tool' || this.#open.tool !== event.index) {
      if (this.#closedTools.has(event.index)) {
        throw new FlambeauError(
          'upstream_failed',
          'The upstream interleaved the arguments of several tool calls; the Messages API streams one block at a time.',
        );
      }
      this.#close();
      const id = event.id ?? toolUseId(this.#id, event.index);
      ok = this.#begin({ kind: 'tool', tool: event.index }, { type: 'tool_use', id, name: event.name ?? '', input: {} });
    }
    if (event.argsDelta === '') return ok;
    const delta = { type: 'input_json_delta', partial_json: event.argsDelta };
    return this.#event('content_block_delta', { type: 'content_block_delta', index: this.#next - 1, delta }) && ok;
  }

  #begin(open: OpenBlock, block: Record<string, unknown>): boolean {
    this.#open = open;
    const index = this.#next++;
    return this.#event('content_block_start', { type: 'content_block_start', index, content_block: block });
  }

  #close(): void {
    if (this.#open === null) return;
    if (this.#open.kind === 'tool') this.#closedTools.add(this.#open.tool);
    this.#open = null;
    this.#event('content_block_stop', { type: 'content_block_stop', index: this.#next - 1 });
  }

  #event(name: string, data: unknown): boolean {
    return this.#res.write(frame(name, data));
  }
}

type OpenBlock = { kind: 'text' } | { kind: 'tool'; tool: number };

function frame(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
