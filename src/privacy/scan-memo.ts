import { hash } from 'node:crypto';
import type { DetectorFailure, ScanResult, Span } from './pii-types.js';

// ES2024's String.prototype.isWellFormed (Node 20 has it; the project's lib is ES2022).
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();
const NO_FAILURES = Object.freeze([]) as unknown as DetectorFailure[];
/** The scan of most texts: nothing found. One frozen object for all of them, not one kept per text. */
const NOTHING_FOUND: ScanResult = Object.freeze({ spans: Object.freeze([]) as unknown as Span[], failures: NO_FAILURES });

/** Scans remembered at most. */
export const MEMO_ENTRIES = 4096;
/** Spans held over all remembered scans: a text dense with values costs memory in proportion. */
export const MEMO_SPANS = 65_536;

/**
 * The scan of texts a client sends again. A chat client resends the whole conversation each turn
 * (the system prompt, every earlier message), so without this each turn rescans all the turns
 * before it; an application sends one system prompt with every call. The scan is a pure function
 * of the text for a given scanner (detectors are built once at start-up), so its result may be
 * kept. Keyed by the text's SHA-256: the text itself is not kept beyond its request, and two
 * texts that share a key are, for practical purposes, the same text. A scan in which a detector
 * failed is not kept (the next one may succeed). The spans kept are frozen: callers read them and
 * build new arrays, never change them.
 */
export class ScanMemo {
  // Two generations: hits and new scans go to `recent`; when it holds half of the room, it becomes
  // `older` and the former `older` is dropped whole. A hit in `older` moves to `recent`. So what was
  // used within the last half-room of scans stays, and dropping costs nothing per entry (taking
  // the oldest entry of one Map instead made its iterator skip every deleted slot: ~30 µs a miss).
  #recent = new Map<string, ScanResult>();
  #older = new Map<string, ScanResult>();
  #recentSpans = 0;
  #olderSpans = 0;

  constructor(
    readonly maxEntries = MEMO_ENTRIES,
    readonly maxSpans = MEMO_SPANS,
  ) {}

  /** The key of `text`, or null when it cannot be keyed exactly (a lone surrogate: UTF-8 would fold it into U+FFFD). */
  keyOf(text: string): string | null {
    return wellFormed(text) ? hash('sha256', text, 'base64') : null;
  }

  get(key: string): ScanResult | undefined {
    const found = this.#recent.get(key);
    if (found !== undefined) return found;
    const old = this.#older.get(key);
    if (old !== undefined) {
      this.#older.delete(key);
      this.#olderSpans -= old.spans.length;
      this.#add(key, old);
    }
    return old;
  }

  set(key: string, result: ScanResult): ScanResult {
    if (result.failures.length > 0 || result.spans.length > this.maxSpans / 2) return result;
    // Frozen where they are (a scan's spans are its own: nothing else holds them), not copied.
    for (const span of result.spans) Object.freeze(span);
    const kept: ScanResult = result.spans.length === 0 ? NOTHING_FOUND : Object.freeze({ spans: Object.freeze(result.spans) as Span[], failures: NO_FAILURES });
    if (this.#recent.has(key) || this.#older.has(key)) return kept;
    this.#add(key, kept);
    return kept;
  }

  #add(key: string, result: ScanResult): void {
    if (this.#recent.size >= this.maxEntries / 2 || this.#recentSpans + result.spans.length > this.maxSpans / 2) {
      this.#older = this.#recent;
      this.#olderSpans = this.#recentSpans;
      this.#recent = new Map();
      this.#recentSpans = 0;
    }
    this.#recent.set(key, result);
    this.#recentSpans += result.spans.length;
  }

  /** Scans held (at most `maxEntries`, holding at most `maxSpans` spans). */
  get size(): number {
    return this.#recent.size + this.#older.size;
  }
}
