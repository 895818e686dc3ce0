import type { ServerResponse } from 'node:http';
import type { ChatEvent, ToolCall } from '../../providers/spec.js';
import { doneFields, wireToolCalls, type OllamaKind } from './ollama-answer.js';

/**
 * Writes an Ollama stream: one JSON object per line (`application/x-ndjson`), content pieces with
 * `done: false`, then one line with `done: true` and the counts. Ollama sends tool calls whole, so
 * their fragments are gathered and sent on one line before the last.
 */
export class OllamaNdjsonWriter {
  readonly #res: ServerResponse;
  readonly #kind: OllamaKind;
  readonly #model: string;
  readonly #startedAt: number;
  readonly #now: () => number;
  readonly #extension: Record<string, unknown> | undefined;
  #firstTokenAt: number | null = null;
  readonly #calls: { id: string; name: string; arguments: string }[] = [];

  constructor(res: ServerResponse, kind: OllamaKind, model: string, startedAt: number, extension?: Record<string, unknown>, now: () => number = Date.now) {
    this.#res = res;
    this.#extension = extension;
    this.#kind = kind;
    this.#model = JSON.stringify(model);
    this.#startedAt = startedAt;
    this.#now = now;
  }

  /** Returns false when the socket buffer is full; the caller waits for 'drain'. */
  write(event: ChatEvent): boolean {
    switch (event.type) {
      case 'stream-start':
        return true;
      case 'text-delta':
        if (event.text === '') return true;
        this.#firstTokenAt ??= this.#now();
        return this.#line(this.#content(event.text), '"done":false');
      case 'tool-call-delta': {
        this.#firstTokenAt ??= this.#now();
        const call = (this.#calls[event.index] ??= { id: event.id ?? `call_${event.index}`, name: '', arguments: '' });
        if (event.name !== undefined) call.name += event.name;
        call.arguments += event.argsDelta;
        return true;
      }
      case 'stream-end': {
        if (this.#kind === 'chat' && this.#calls.length > 0) {
          const calls: ToolCall[] = this.#calls.filter((c) => c !== undefined);
          this.#line(`"message":{"role":"assistant","content":"","tool_calls":${JSON.stringify(wireToolCalls(calls))}}`, '"done":false');
        }
        const fields = doneFields(event.finish, event.usage, { startedAt: this.#startedAt, firstTokenAt: this.#firstTokenAt, endedAt: this.#now() });
        if (this.#kind === 'generate') fields.context = [];
        if (this.#extension !== undefined) fields.flambeau = this.#extension;
        const tail = JSON.stringify(fields).slice(1, -1);
        return this.#line(this.#content(''), tail);
      }
    }
  }

  end(): void {
    this.#res.end();
  }

  /** How a failure after the first byte reaches Ollama clients: one `{"error": ...}` line, then close. */
  fail(message: string): void {
    this.#res.end(`${JSON.stringify({ error: message })}\n`);
  }

  #content(text: string): string {
    const piece = JSON.stringify(text);
    return this.#kind === 'chat' ? `"message":{"role":"assistant","content":${piece}}` : `"response":${piece}`;
  }

  #line(body: string, tail: string): boolean {
    return this.#res.write(`{"model":${this.#model},"created_at":"${new Date(this.#now()).toISOString()}",${body},${tail}}\n`);
  }
}
