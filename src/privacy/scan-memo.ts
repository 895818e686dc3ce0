import { hash } from 'node:crypto';
import type { DetectorFailure, ScanResult, Span } from './pii-types.js';

// ES2024's String.prototype.isWellFormed (Node 20 has it; the project's lib is ES2022).
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();
const NO_FAILURES = Object.freeze([]) as unknown as DetectorFailure[];

/** Scans remembered (the least recently used dropped first, approximately). */
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
  readonly #entries = new Map<string, { result: ScanResult; used: boolean }>();
  #spans = 0;

  constructor(
    readonly maxEntries = MEMO_ENTRIES,
    readonly maxSpans = MEMO_SPANS,
  ) {}

  /** The key of `text`, or null when it cannot be keyed exactly (a lone surrogate: UTF-8 would fold it into U+FFFD). */
  keyOf(text: string): string | null {
    return wellFormed(text) ? hash('sha256', text, 'base64') : null;
  }

  get(key: string): ScanResult | undefined {
    const found = this.#entries.get(key);
    if (found === undefined) return undefined;
    // Marked, not moved: moving an entry to the back on every hit cost ~1 µs; eviction gives a
    // marked entry a second chance instead (the "clock" approximation of least recently used).
    found.used = true;
    return found.result;
  }

  set(key: string, result: ScanResult): ScanResult {
    if (result.failures.length > 0 || result.spans.length > this.maxSpans) return result;
    const kept: ScanResult = Object.freeze({ spans: Object.freeze(result.spans.map((s) => Object.freeze({ ...s }))) as Span[], failures: NO_FAILURES });
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#spans -= old.result.spans.length;
    }
    this.#entries.set(key, { result: kept, used: false });
    this.#spans += kept.spans.length;
    // Oldest first; one used since it was last looked at goes to the back, unmarked. Ends: each
    // entry is moved at most once before it comes round unmarked.
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#spans <= this.maxSpans) break;
      this.#entries.delete(oldest);
      if (entry.used && oldest !== key) {
        entry.used = false;
        this.#entries.set(oldest, entry);
      } else this.#spans -= entry.result.spans.length;
    }
    return kept;
  }

  get size(): number {
    return this.#entries.size;
  }
}
