import { RecentMemo, textKey } from '../memo/recent-memo.js';
import type { DetectorFailure, ScanResult, Span } from './pii-types.js';

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
 * kept, by the text's SHA-256 (`textKey`: the text itself is not kept beyond its request). A scan
 * in which a detector failed is not kept (the next one may succeed). The spans kept are frozen:
 * callers read them and build new arrays, never change them.
 */
export class ScanMemo {
  readonly #memo: RecentMemo<ScanResult>;

  constructor(
    readonly maxEntries = MEMO_ENTRIES,
    readonly maxSpans = MEMO_SPANS,
  ) {
    this.#memo = new RecentMemo({ maxEntries, maxWeight: maxSpans, weight: (result) => result.spans.length });
  }

  /** The key of `text`, or null when it cannot be keyed exactly (see `textKey`). */
  keyOf(text: string): string | null {
    return textKey(text);
  }

  get(key: string): ScanResult | undefined {
    return this.#memo.get(key);
  }

  /** Keeps `result` under `key` (frozen, or the shared nothing-found result) and returns what was kept. */
  set(key: string, result: ScanResult): ScanResult {
    if (result.failures.length > 0 || result.spans.length > this.maxSpans / 2) return result;
    // Frozen where they are (a scan's spans are its own: nothing else holds them), not copied.
    for (const span of result.spans) Object.freeze(span);
    const kept: ScanResult = result.spans.length === 0 ? NOTHING_FOUND : Object.freeze({ spans: Object.freeze(result.spans) as Span[], failures: NO_FAILURES });
    this.#memo.set(key, kept);
    return kept;
  }

  /** Scans held (at most `maxEntries`, holding at most `maxSpans` spans). */
  get size(): number {
    return this.#memo.size;
  }
}
