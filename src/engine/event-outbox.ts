import type { EngineChatEvent } from './engine.js';

/** How long text may wait in the engine process before it leaves, in milliseconds. */
export const EVENT_WINDOW_MS = 8;
/** Text events (tokens) after which a batch leaves without waiting for the window to close. */
export const EVENT_BATCH_MAX = 32;

export interface OutboxOptions {
  windowMs: number;
  maxEvents: number;
}

/**
 * The chat events of one request on their way to the gateway, in batches (docs/decisions/0016):
 * each IPC message costs both processes a serialisation, a wake-up and, downstream, one SSE
 * frame, so text produced within `windowMs` of the batch's first piece leaves together, merged
 * into one `text` event (likewise the argument deltas of one tool call). What the client waits
 * for leaves at once: `start`, the first text or call of the answer, and `end` (with everything
 * before it). A batch also leaves after `maxEvents` pieces. A model slower than one token per
 * window (most real ones on a CPU) sends every token as it comes, as before.
 */
export class EventOutbox {
  readonly #send: (events: EngineChatEvent[]) => void;
  readonly #options: OutboxOptions;
  #events: EngineChatEvent[] = [];
  /** Pieces (text or call deltas) in the pending batch, before merging. */
  #pieces = 0;
  #timer: NodeJS.Timeout | null = null;
  #answered = false;

  constructor(send: (events: EngineChatEvent[]) => void, options: OutboxOptions = { windowMs: EVENT_WINDOW_MS, maxEvents: EVENT_BATCH_MAX }) {
    this.#send = send;
    this.#options = options;
  }

  push(event: EngineChatEvent): void {
    if (event.type === 'start' || event.type === 'end') {
      this.#events.push(event);
      this.flush();
      return;
    }
    this.#append(event);
    this.#pieces++;
    if (!this.#answered || this.#pieces >= this.#options.maxEvents) {
      this.#answered = true;
      this.flush();
    } else this.#timer ??= setTimeout(() => this.flush(), this.#options.windowMs);
  }

  /** Sends what is pending now (also before a failure is reported, so the order holds). */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pieces = 0;
    if (this.#events.length === 0) return;
    const events = this.#events;
    this.#events = [];
    this.#send(events);
  }

  /** Text after text, or a call's arguments after the same call's, join the previous event. */
  #append(event: Extract<EngineChatEvent, { type: 'text' | 'tool-call' }>): void {
    const last = this.#events.at(-1);
    if (event.type === 'text' && last?.type === 'text') last.text += event.text;
    else if (event.type === 'tool-call' && last?.type === 'tool-call' && last.index === event.index) last.argsDelta += event.argsDelta;
    else this.#events.push({ ...event });
  }
}
