import { builtinDetectorsFor, CUSTOM_RANK, TYPE_RANK } from './detectors/builtin-detectors.js';
import { createCustomRegexDetector } from './detectors/custom-regex-detector.js';
import { createWordListDetector } from './detectors/word-list-detector.js';
import type { Detector, DetectorFailure, ScanResult, Span } from './pii-types.js';
import { recallLevel } from './detectors/recall-level.js';
import { countText } from './text-counts.js';
import type { PrivacyConfig } from './privacy-config.js';

export interface Scanner {
  /** Types this scanner looks for, built-in and custom. */
  readonly types: readonly string[];
  /** Runs every enabled detector; never throws for a detector's failure (see `failures`). */
  scan(text: string): ScanResult;
}

export interface ScannerOptions {
  /** Replaces the detectors built from the config (tests, experiments). */
  detectors?: Detector[];
}

/** What the scanner reads of the config: `recall` and `cloud` set the recall level (see recall-level.ts). */
export type ScannerConfig = Pick<PrivacyConfig, 'detect' | 'custom'> & Partial<Pick<PrivacyConfig, 'recall' | 'cloud'>>;

/** Builds the detectors the config enables: the listed built-in types plus every custom one. */
export function detectorsFor(config: ScannerConfig): Detector[] {
  const detectors = builtinDetectorsFor(config.detect, recallLevel(config));
  for (const spec of config.custom) {
    detectors.push(
      'pattern' in spec
        ? createCustomRegexDetector({ type: spec.type, pattern: spec.pattern, ...(spec.flags === undefined ? {} : { flags: spec.flags }) })
        : createWordListDetector({ type: spec.type, words: spec.words, caseSensitive: spec.case_sensitive === true }),
    );
  }
  return detectors;
}

/**
 * A scanner over the enabled detectors. Each detector makes one linear pass; the spans are then
 * sorted once and overlaps resolved cluster by cluster, so the whole scan is O(n log n) in the
 * number of spans and linear in the text.
 */
export function createScanner(config: ScannerConfig, options: ScannerOptions = {}): Scanner {
  const detectors = options.detectors ?? detectorsFor(config);
  // The counts pass is paid only when a detector can be skipped on them.
  const prefiltered = detectors.some((d) => d.mayMatch !== undefined);
  return {
    // Frozen: a list that cannot change may be looked up by identity (pseudonymize.ts's matchers).
    types: Object.freeze([...new Set(detectors.map((d) => d.type))]),
    scan(text) {
      const failures: DetectorFailure[] = [];
      const all: Span[] = [];
      if (text.length === 0) return { spans: [], failures };
      const counts = prefiltered ? countText(text) : undefined;
      for (const detector of detectors) {
        if (counts !== undefined && detector.mayMatch !== undefined && !detector.mayMatch(counts)) continue;
        try {
          for (const span of detector.detect(text)) if (span.end > span.start) all.push(span);
        } catch (error) {
          failures.push({ detector: detector.name, type: detector.type, errorName: error instanceof Error ? error.name : typeof error });
        }
      }
      return { spans: resolveOverlaps(all), failures };
    },
  };
}

function rank(span: Span): number {
  return TYPE_RANK[span.type as keyof typeof TYPE_RANK] ?? CUSTOM_RANK;
}

/** Higher rank, then longer, then earlier wins. */
function better(a: Span, b: Span): boolean {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra > rb;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  return la !== lb ? la > lb : a.start < b.start;
}

/**
 * Keeps a set of non-overlapping spans, sorted by start. Spans are grouped into clusters of
 * transitively overlapping spans (a few at most in real text); inside a cluster the best spans
 * are taken greedily.
 */
export function resolveOverlaps(spans: Span[]): Span[] {
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  let cluster: Span[] = [];
  let clusterEnd = -1;
  for (const span of spans) {
    if (span.start >= clusterEnd && cluster.length > 0) {
      pickFromCluster(cluster, out);
      cluster = [];
    }
    cluster.push(span);
    clusterEnd = Math.max(clusterEnd, span.end);
  }
  pickFromCluster(cluster, out);
  return out;
}

function pickFromCluster(cluster: Span[], out: Span[]): void {
  if (cluster.length === 1) {
    out.push(cluster[0]!);
    return;
  }
  const kept: Span[] = [];
  for (const span of [...cluster].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0))) {
    if (kept.every((k) => span.end <= k.start || span.start >= k.end)) kept.push(span);
  }
  kept.sort((a, b) => a.start - b.start);
  out.push(...kept);
}
