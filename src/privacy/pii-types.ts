/**
 * The vocabulary of the privacy domain: what a detector finds and how the scanner reports it.
 * Values found are never part of these shapes except `Span` offsets into the caller's own text,
 * so findings and scan reports are safe to log.
 */

import type { BuiltinPiiType } from '../config/sections/privacy-section.js';
import type { TextCounts } from './text-counts.js';

/** The built-in detectable types: declared with the `privacy:` section it validates. */
export { BUILTIN_PII_TYPES, type BuiltinPiiType } from '../config/sections/privacy-section.js';

/** A built-in type or a custom one from the config (upper-case letters, digits and `_`). */
export type PiiType = BuiltinPiiType | (string & {});

/** One finding: `text.slice(start, end)` is the sensitive value. Offsets are UTF-16 indexes. */
export interface Span {
  type: PiiType;
  start: number;
  end: number;
  /** 0..1; detectors without a notion of confidence leave it out (meaning 1). */
  score?: number;
  /** Name of the detector that produced the span. */
  detector: string;
}

/**
 * A detector is a small pure module: given a text, the spans of one type. It must run in linear
 * time in the text length (the scanner runs it on up to megabytes in the request path).
 *
 * Built-in detectors keep their global regexes as module constants, reset `lastIndex` to 0 and
 * loop on `exec`: `String#matchAll` copies the regex on every call, which for a large pattern costs
 * more than scanning a short text. This is safe because `detect` is synchronous: nothing else can
 * iterate the same regex before it returns. (Patterns that can match the empty string need the
 * care matchAll takes; custom detectors keep matchAll.)
 */
export interface Detector {
  readonly name: string;
  readonly type: PiiType;
  detect(text: string): Span[];
  /**
   * A necessary condition on the text's counts (see text-counts.ts): false only when `detect`
   * cannot find anything in a text with these counts, and the scanner then skips it. Declared
   * next to the patterns it is derived from; text-counts.test.ts checks it never drops a span.
   */
  mayMatch?(counts: TextCounts): boolean;
}

/** Count of occurrences per type. Safe to log: no values. */
export type Findings = Record<string, number>;

/** A detector that threw. Only names are kept: an error message could quote the text. */
export interface DetectorFailure {
  detector: string;
  type: PiiType;
  errorName: string;
}

export interface ScanResult {
  /** Non-overlapping, sorted by start. */
  spans: Span[];
  failures: DetectorFailure[];
}

/** What to do with a finding, per locality of the model that will read the text. */
export type PrivacyAction = 'pseudonymize' | 'redact' | 'block' | 'allow';

/** Adds the spans' counts to `into` and returns it. */
export function countFindings(spans: readonly Span[], into: Findings = {}): Findings {
  for (const span of spans) into[span.type] = (into[span.type] ?? 0) + 1;
  return into;
}
