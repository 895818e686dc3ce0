import type { EngineChatEvent } from './engine.js';

/** At most one batch of text per this many milliseconds, per request. */
export const EVENT_WINDOW_MS = 16;
/** Text events (tokens) after which a batch leaves without waiting for the window to close. */
export const EVENT_BATCH_MAX = 64;

export interface OutboxOptions {
  windowMs: number;
  maxEvents: number;
  /** Milliseconds, monotonic. Default `performance.now`. */
  now?: () => number;
}

/**
 * The chat events of one request on their way to the gateway, throttled (docs/decisions/0016):
 * each IPC message costs both processes a serialisation and a wake-up and, downstream, one SSE
 * frame through the gateway's stages. A piece of text (or of a tool call's arguments) leaves at
 * once when nothing left in the last `windowMs`; otherwise it waits until `windowMs` after the
 * last batch, merged with the pieces that come meanwhile into one `text` event (one delta per
 * tool call). So a model slower than one token per window (most real ones on a CPU) sends every
 * token as it comes, without added delay, and a fast one sends one batch per window. `start`,
 * the first piece of the answer and `end` (with everything before it) leave at once; a batch
 * also leaves once it holds `maxEvents` pieces.
 */
export class EventOutbox {
  readonly #send: (events: EngineChatEvent[]) => void;
  readonly #options: OutboxOptions;
  #events: EngineChatEvent[] = [];
  /** Pieces (text or call deltas) in the pending batch, before merging. */
  #pieces = 0;
  #timer: NodeJS.Timeout | null = null;
  #answered = false;
  #lastSent = Number.NEGATIVE_INFINITY;
  readonly #now: () => number;

  constructor(send: (events: EngineChatEvent[]) => void, options: OutboxOptions = { windowMs: EVENT_WINDOW_MS, maxEvents: EVENT_BATCH_MAX }) {
    this.#send = send;
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
  }

  push(event: EngineChatEvent): void {
    if (event.type === 'start' || event.type === 'end') {
      this.#events.push(event);
      this.flush();
      return;
    }
    this.#append(event);
    this.#pieces++;
    if (this.#timer !== null && this.#pieces < this.#options.maxEvents) return;
    const wait = this.#lastSent + this.#options.windowMs - this.#now();
    if (!this.#answered || wait <= 0 || this.#pieces >= this.#options.maxEvents) {
      this.#answered = true;
      this.flush();
    } else this.#timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is pending now (also before a failure is reported, so the order holds). */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pieces = 0;
    if (this.#events.length === 0) return;
    const events = this.#events;
    this.#events = [];
    this.#lastSent = this.#now();
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
