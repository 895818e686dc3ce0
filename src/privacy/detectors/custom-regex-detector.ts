import type { Detector, Span } from '../pii-types.js';

export interface CustomRegexSpec {
  type: string;
  pattern: string;
  /** Regex flags among `i`, `m`, `s`, `u`; `g` is always added. */
  flags?: string;
}

/**
 * A detector from a config regex (order numbers of a client, internal ids...). A capture group,
 * when the pattern has one, marks the sensitive part; else the whole match. Empty matches are
 * skipped. The pattern was compiled once by the config schema, so it cannot throw here.
 */
export function createCustomRegexDetector(spec: CustomRegexSpec): Detector {
  const flags = `${(spec.flags ?? '').replace(/[gy]/g, '')}g`;
  const regex = new RegExp(spec.pattern, flags);
  const name = `custom-regex:${spec.type}`;
  return {
    name,
    type: spec.type,
    detect(text) {
      const spans: Span[] = [];
      for (const m of text.matchAll(regex)) {
        const group = m.length > 1 ? m.slice(1).find((g) => g !== undefined && g.length > 0) : undefined;
        const start = group === undefined ? m.index : m.index + m[0].indexOf(group);
        const length = group === undefined ? m[0].length : group.length;
        if (length > 0) spans.push({ type: spec.type, start, end: start + length, detector: name });
      }
      return spans;
    },
  };
}
