import type { ScanResult, Span } from './pii-types.js';
import { resolveOverlaps, type Scanner } from './scanner.js';
import { originalRange, scanViewOf } from './scan-view.js';
import type { ScanMemo } from './scan-memo.js';

/**
 * Scanning a whole request can take a second or more (4 MB of dense personal data, or 100k tiny
 * messages, each with its fixed cost). The scan is therefore written as a generator that yields
 * at points where the event loop may run: the gateway drives it with `runPaced` (other requests
 * and `/healthz` are served in between), tests and small inputs with `runSync`.
 */
export type Paced<T> = Generator<void, T, void>;

/** Work units (about one character of text each) between two pauses: a few ms of scanning. */
export const UNITS_PER_SLICE = 64 * 1024;
/** The fixed cost of one string (every detector starts once), in units. */
export const UNITS_PER_STRING = 256;
/** A longer text is scanned in chunks of this many characters, so that a pause can fall inside it. */
export const CHUNK_CHARS = 128 * 1024;
/**
 * Each chunk is scanned with this much of its neighbours' text on both sides: a value that
 * straddles a chunk edge is found whole (no detector's value is this long) and detectors see
 * the context they look at (the character before, the next word).
 */
export const CHUNK_OVERLAP = 2048;

/** Counts work; says when a pause is due. */
export class Pacer {
  #spent = 0;

  /** True when the work since the last pause reached a slice. */
  spend(units: number): boolean {
    this.#spent += units;
    if (this.#spent < UNITS_PER_SLICE) return false;
    this.#spent = 0;
    return true;
  }
}

/** Runs a paced computation to its end without pausing. */
export function runSync<T>(work: Paced<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done === true) return step.value;
  }
}

/** Runs a paced computation, letting the event loop run at each pause. */
export async function runPaced<T>(work: Paced<T>): Promise<T> {
  for (;;) {
    const step = work.next();
    if (step.done === true) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * Scans the normalised view of `text` (see scan-view.ts) and returns spans of the ORIGINAL text,
 * sorted and non-overlapping. Long texts are scanned chunk by chunk (view included) with pauses
 * in between. With a `memo`, a text of one chunk scanned before by the same scanner is not
 * scanned again (its key, a SHA-256, costs about 1/30 of a scan).
 */
export function* scanPaced(scanner: Scanner, text: string, pacer: Pacer, memo?: ScanMemo): Paced<ScanResult> {
  if (text.length <= CHUNK_CHARS) {
    const key = memo === undefined || text.length === 0 ? null : memo.keyOf(text);
    const known = key === null ? undefined : memo?.get(key);
    if (known !== undefined) {
      if (pacer.spend((text.length >> 5) + 1)) yield;
      return known;
    }
    const scanned = scanWindow(scanner, text, 0);
    const result = key === null || memo === undefined ? scanned : memo.set(key, scanned);
    if (pacer.spend(text.length + UNITS_PER_STRING)) yield;
    return result;
  }
  const spans: Span[] = [];
  const failures: ScanResult['failures'] = [];
  for (let core = 0; core < text.length; core += CHUNK_CHARS) {
    const from = Math.max(0, core - CHUNK_OVERLAP);
    const to = Math.min(text.length, core + CHUNK_CHARS + CHUNK_OVERLAP);
    const part = scanWindow(scanner, text.slice(from, to), from);
    // A span belongs to the chunk its start falls in; the neighbours only give context.
    for (const span of part.spans) if (span.start >= core && span.start < core + CHUNK_CHARS) spans.push(span);
    for (const f of part.failures) if (!failures.some((g) => g.detector === f.detector)) failures.push(f);
    if (pacer.spend(to - from + UNITS_PER_STRING)) yield;
  }
  return { spans: resolveOverlaps(spans), failures };
}

/** Scans the view of `window`; spans come back as offsets of the original text (`window` starts at `offset`). */
function scanWindow(scanner: Scanner, window: string, offset: number): ScanResult {
  const view = scanViewOf(window);
  const result = scanner.scan(view.text);
  if (view.segments === undefined && offset === 0) return result;
  return {
    spans: result.spans.map((span) => {
      const range = originalRange(view, span.start, span.end);
      return { ...span, start: range.start + offset, end: range.end + offset };
    }),
    failures: result.failures,
  };
}
