import type { PrivacyGuard } from './privacy-guard.js';
import type { Findings } from './pii-types.js';

export interface ScanReportSpan {
  type: string;
  /** UTF-16 code unit offsets (JavaScript string indexes), end exclusive. */
  start: number;
  end: number;
  text: string;
  score: number;
  detector: string;
}

export interface ScanReport {
  spans: ScanReportSpan[];
  findings: Findings;
  /** Detectors that failed on this text (names only). */
  failures: string[];
}

/** What an operator sees when checking a document: every span with its value, plus counts. */
export function scanReport(guard: PrivacyGuard, text: string): ScanReport {
  const result = guard.scanText(text);
  const findings: Findings = {};
  const spans = result.spans.map((span) => {
    findings[span.type] = (findings[span.type] ?? 0) + 1;
    return { type: span.type, start: span.start, end: span.end, text: text.slice(span.start, span.end), score: span.score ?? 1, detector: span.detector };
  });
  return { spans, findings, failures: result.failures.map((f) => f.detector) };
}
