import type { ServerResponse } from 'node:http';
import type { ChatEvent, Usage } from '../../providers/spec.js';
import { responseObject, statusOf, textPart, type FunctionCallItem, type MessageItem, type OutputItem, type ResponseHead } from './response-object.js';

/**
 * Writes the Responses stream: `event: <type>` + `data: <json>` frames, each with its
 * `sequence_number`. Our events are flat deltas; this class keeps the item structure the protocol
 * wants (an item is added, filled, then done). A text message closes when a function call starts;
 * function calls close when text resumes or at the end, so interleaved call deltas stay valid.
 */
export class ResponsesSseWriter {
  readonly #res: ServerResponse;
  readonly #head: ResponseHead;
  readonly #output: OutputItem[] = [];
  #sequence = 0;
  #message: { item: MessageItem; index: number; text: string } | null = null;
  /** Open function calls by our event's call index. */
  readonly #calls = new Map<number, { item: FunctionCallItem; index: number }>();
  #callCount = 0;
  #messageCount = 0;
  #final: Record<string, unknown> | undefined;

  constructor(res: ServerResponse, head: ResponseHead) {
    this.#res = res;
    this.#head = head;
  }

  /** response.created and response.in_progress. Returns false when the socket buffer is full. */
  start(): boolean {
    const response = responseObject(this.#head, { status: 'in_progress', output: [], usage: null });
    this.#send('response.created', { response });
    return this.#send('response.in_progress', { response });
  }

  write(event: ChatEvent): boolean {
    switch (event.type) {
      case 'stream-start':
        return true;
      case 'text-delta':
        if (event.text === '') return true;
        return this.#text(event.text);
      case 'tool-call-delta':
        return this.#toolCall(event);
      case 'stream-end':
        return this.#finish(event.finish, event.usage);
    }
  }

  /**
   * A failure after the first byte: OpenAI's `response.failed` carrying the error, then close.
   * (The OpenAI SDKs and the AI SDK read the error from it.)
   */
  fail(error: { code: string; message: string }): void {
    const response = responseObject(this.#head, { status: 'failed', output: this.#output, usage: null, error });
    this.#res.end(this.#frame('response.failed', { response }));
  }

  #text(delta: string): boolean {
    this.#closeCalls();
    if (this.#message === null) {
      const n = this.#messageCount++;
      const id = `msg_${this.#head.id.slice(5)}${n === 0 ? '' : `_${n}`}`;
      const item: MessageItem = { type: 'message', id, status: 'in_progress', role: 'assistant', content: [] };
      const index = this.#output.push(item) - 1;
      this.#message = { item, index, text: '' };
      this.#send('response.output_item.added', { output_index: index, item: { ...item, content: [] } });
      this.#send('response.content_part.added', { item_id: id, output_index: index, content_index: 0, part: textPart('') });
    }
    const message = this.#message;
    message.text += delta;
    return this.#send('response.output_text.delta', { item_id: message.item.id, output_index: message.index, content_index: 0, delta, logprobs: [] });
  }

  #toolCall(event: Extract<ChatEvent, { type: 'tool-call-delta' }>): boolean {
    let open = this.#calls.get(event.index);
    if (open === undefined) {
      this.#closeMessage('completed');
      const n = this.#callCount++;
      const item: FunctionCallItem = {
        type: 'function_call',
        id: `fc_${this.#head.id.slice(5)}_${n}`,
        call_id: event.id ?? `call_${this.#head.id.slice(5)}_${n}`,
        name: event.name ?? '',
        arguments: '',
        status: 'in_progress',
      };
      open = { item, index: this.#output.push(item) - 1 };
      this.#calls.set(event.index, open);
      this.#send('response.output_item.added', { output_index: open.index, item: { ...item } });
    }
    if (event.argsDelta === '') return true;
    open.item.arguments += event.argsDelta;
    return this.#send('response.function_call_arguments.delta', { item_id: open.item.id, output_index: open.index, delta: event.argsDelta });
  }

  #finish(finish: Parameters<typeof statusOf>[0], usage: Usage): boolean {
    const { status, reason } = statusOf(finish);
    this.#closeMessage(status);
    this.#closeCalls();
    const response = responseObject(this.#head, { status, output: this.#output, usage, incompleteReason: reason });
    this.#final = response;
    return this.#send(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }

  /** The finished response object (completed or incomplete), once the last event was written. */
  get final(): Record<string, unknown> | undefined {
    return this.#final;
  }

  /** Ends the HTTP response (the protocol has no `[DONE]` line). */
  end(): void {
    this.#res.end();
  }

  #closeMessage(status: 'completed' | 'incomplete'): void {
    const message = this.#message;
    if (message === null) return;
    this.#message = null;
    const { item, index, text } = message;
    item.status = status;
    item.content = [textPart(text)];
    this.#send('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text, logprobs: [] });
    this.#send('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part: textPart(text) });
    this.#send('response.output_item.done', { output_index: index, item });
  }

  #closeCalls(): void {
    for (const { item, index } of this.#calls.values()) {
      item.status = 'completed';
      this.#send('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: item.name, arguments: item.arguments });
      this.#send('response.output_item.done', { output_index: index, item });
    }
    this.#calls.clear();
  }

  #send(type: string, fields: Record<string, unknown>): boolean {
    return this.#res.write(this.#frame(type, fields));
  }

  #frame(type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.#sequence++, ...fields })}\n\n`;
  }
}
