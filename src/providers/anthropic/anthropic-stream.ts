import { FlambeauError } from '../../errors/index.js';
import { parseSse } from '../http/sse-parser.js';
import { unreadableUpstream } from '../http/unreadable-upstream.js';
import type { ChatEvent, Finish, Warning } from '../spec.js';
import {
  describeAnthropicError,
  fromAnthropicStopReason,
  fromAnthropicUsage,
  parseAnthropicStreamEvent,
  type AnthropicStreamEvent,
  type AnthropicUsage,
  type StreamEvent,
} from './anthropic-wire.js';

export interface AnthropicStreamOptions {
  /** Provider id, for error messages. */
  label: string;
  /** Sent in `stream-start`. */
  warnings: Warning[];
  /** The forced JSON-answer tool (responseFormat emulation): its input streams out as text. */
  jsonToolName?: string | undefined;
}

/**
 * Translates an Anthropic Messages SSE stream into our events, whatever the chunk boundaries.
 * `stream-start` waits for `message_start`, so an upstream `error` event sent before it fails the
 * call before any event (the gateway can still answer with a real status). The stream must end
 * with `message_stop`; an `error` event or an early end is thrown as `upstream_failed`.
 */
export async function* translateAnthropicStream(body: AsyncIterable<Buffer | string>, options: AnthropicStreamOptions): AsyncGenerator<ChatEvent> {
  const translator = new AnthropicStreamTranslator(options);
  for await (const sse of parseSse(body)) {
    // After message_stop we keep reading to the end of the body (so the keep-alive socket is
    // reused) but nothing more counts.
    if (translator.stopped) continue;
    let event: AnthropicStreamEvent;
    try {
      event = parseAnthropicStreamEvent(sse.data);
    } catch (error) {
      throw unreadableUpstream(options.label, 'a stream event', error);
    }
    yield* translator.handle(event);
  }
  yield translator.end();
}

type BlockState = { kind: 'text' } | { kind: 'tool'; ordinal: number } | { kind: 'json' } | { kind: 'skipped' };

/** The state of one stream: one method per upstream event kind. */
export class AnthropicStreamTranslator {
  stopped = false;
  #started = false;
  readonly #blocks = new Map<number, BlockState>();
  #toolCalls = 0;
  #usage: AnthropicUsage = {};
  #stopReason: string | null | undefined;
  readonly #options: AnthropicStreamOptions;

  constructor(options: AnthropicStreamOptions) {
    this.#options = options;
  }

  handle(event: AnthropicStreamEvent): ChatEvent[] {
    switch (event.type) {
      case 'message_start':
        return this.messageStart(event.event);
      case 'content_block_start':
        return this.contentBlockStart(event.event);
      case 'content_block_delta':
        return this.contentBlockDelta(event.event);
      case 'message_delta':
        return this.messageDelta(event.event);
      case 'message_stop':
        return this.messageStop();
      case 'error':
        return this.error(event.event);
      // ping, content_block_stop and event types added later carry nothing for us.
      default:
        return [];
    }
  }

  messageStart(event: StreamEvent<'message_start'>): ChatEvent[] {
    this.#mergeUsage(event.message.usage);
    return this.#start();
  }

  contentBlockStart(event: StreamEvent<'content_block_start'>): ChatEvent[] {
    const block = event.content_block;
    const out = this.#start();
    if (block.type === 'text') {
      this.#blocks.set(event.index, { kind: 'text' });
      if (block.text !== undefined && block.text !== '') out.push({ type: 'text-delta', text: block.text });
    } else if (block.type === 'tool_use' && block.name === this.#options.jsonToolName) {
      this.#blocks.set(event.index, { kind: 'json' });
      const initial = initialInput(block.input);
      if (initial !== '') out.push({ type: 'text-delta', text: initial });
    } else if (block.type === 'tool_use') {
      // Our index is the tool call's ordinal, as in OpenAI's tool_calls, not the content block's.
      const ordinal = this.#toolCalls++;
      this.#blocks.set(event.index, { kind: 'tool', ordinal });
      out.push({ type: 'tool-call-delta', index: ordinal, id: block.id ?? `toolu_${ordinal}`, name: block.name ?? '', argsDelta: initialInput(block.input) });
    } else {
      // thinking, redacted_thinking, server tools: not part of our events.
      this.#blocks.set(event.index, { kind: 'skipped' });
    }
    return out;
  }

  contentBlockDelta(event: StreamEvent<'content_block_delta'>): ChatEvent[] {
    const block = this.#blocks.get(event.index);
    const { delta } = event;
    const out = this.#start();
    if (delta.type === 'text_delta' && delta.text !== undefined && delta.text !== '' && (block === undefined || block.kind === 'text')) {
      out.push({ type: 'text-delta', text: delta.text });
    } else if (delta.type === 'input_json_delta' && delta.partial_json !== undefined) {
      if (block === undefined) {
        throw new FlambeauError('upstream_failed', `${this.#options.label} streamed tool input for a block it never started.`, {
          details: { provider: this.#options.label },
        });
      }
      if (delta.partial_json === '') return out;
      if (block.kind === 'tool') out.push({ type: 'tool-call-delta', index: block.ordinal, argsDelta: delta.partial_json });
      else if (block.kind === 'json') out.push({ type: 'text-delta', text: delta.partial_json });
    }
    return out;
  }

  messageDelta(event: StreamEvent<'message_delta'>): ChatEvent[] {
    if (event.delta?.stop_reason !== undefined && event.delta.stop_reason !== null) this.#stopReason = event.delta.stop_reason;
    // Counts in message_delta are cumulative: they replace, never add to, earlier ones.
    this.#mergeUsage(event.usage);
    return this.#start();
  }

  messageStop(): ChatEvent[] {
    this.stopped = true;
    return this.#start();
  }

  error(event: StreamEvent<'error'>): never {
    const { type, message } = describeAnthropicError(event);
    const label = this.#options.label;
    throw new FlambeauError('upstream_failed', `${label} reported an error mid-stream (${type}): ${message}`, {
      details: { provider: label, upstreamType: type },
    });
  }

  /** The closing event; throws when the upstream never said `message_stop`. */
  end(): ChatEvent {
    if (!this.stopped) {
      const label = this.#options.label;
      throw new FlambeauError('upstream_failed', `${label} ended the stream before it was complete.`, { details: { provider: label } });
    }
    return { type: 'stream-end', finish: this.#finish(), usage: fromAnthropicUsage(this.#usage) };
  }

  #finish(): Finish {
    const finish = fromAnthropicStopReason(this.#stopReason);
    // The forced JSON tool is our answer, not a tool call the client must run.
    if (finish.reason === 'tool-calls' && this.#toolCalls === 0 && this.#options.jsonToolName !== undefined) return { reason: 'stop', raw: finish.raw };
    return finish;
  }

  #start(): ChatEvent[] {
    if (this.#started) return [];
    this.#started = true;
    return [{ type: 'stream-start', warnings: this.#options.warnings }];
  }

  #mergeUsage(usage: AnthropicUsage | null | undefined): void {
    if (usage === null || usage === undefined) return;
    for (const [key, value] of Object.entries(usage) as [keyof AnthropicUsage, number | null | undefined][]) {
      if (typeof value === 'number') this.#usage[key] = value;
    }
  }
}

/** A tool_use block normally starts with `input: {}` and streams its input; a non-empty start input counts. */
function initialInput(input: unknown): string {
  if (typeof input !== 'object' || input === null || Object.keys(input).length === 0) return '';
  return JSON.stringify(input);
}
