import { FlambeauError } from '../../errors/index.js';
import type { Detector, Span } from '../pii-types.js';

export interface CustomRegexSpec {
  type: string;
  pattern: string;
  /** Regex flags among `i`, `m`, `s`, `u`; `g` is always added. */
  flags?: string;
}

export interface CustomRegexOptions {
  /** Milliseconds clock (default: performance.now); tests pass a fake one. */
  now?: () => number;
}

/**
 * Time a custom detector may take on one text: 20 ms plus 100 ms per megabyte, some fifty times
 * what a sane pattern needs. Beyond it the detector fails, so the `on_detector_error` policy
 * applies instead of a rewrite that may have missed values.
 */
export function customRegexBudgetMs(textLength: number): number {
  return 20 + (100 * textLength) / 1_048_576;
}

/** Matches between two reads of the clock. */
const CLOCK_EVERY = 64;

/**
 * A detector from a config regex (order numbers of a client, internal ids...). A capture group,
 * when the pattern has one, marks the sensitive part; else the whole match. Empty matches are
 * skipped. The pattern was compiled and screened for catastrophic backtracking by the config
 * schema (config/sections/custom-regex-probe.ts). The time budget is checked between matches: it
 * bounds a pattern that is slow over a long text, not one execution stuck on a single match,
 * which JavaScript cannot interrupt (hence the screening at load).
 */
export function createCustomRegexDetector(spec: CustomRegexSpec, options: CustomRegexOptions = {}): Detector {
  const flags = `${(spec.flags ?? '').replace(/[gy]/g, '')}g`;
  const regex = new RegExp(spec.pattern, flags);
  const name = `custom-regex:${spec.type}`;
  const now = options.now ?? (() => performance.now());
  return {
    name,
    type: spec.type,
    detect(text) {
      const spans: Span[] = [];
      const deadline = now() + customRegexBudgetMs(text.length);
      let matches = 0;
      for (const m of text.matchAll(regex)) {
        if (++matches % CLOCK_EVERY === 0 && now() > deadline) overBudget(name, text.length);
        const group = m.length > 1 ? m.slice(1).find((g) => g !== undefined && g.length > 0) : undefined;
        const start = group === undefined ? m.index : m.index + m[0].indexOf(group);
        const length = group === undefined ? m[0].length : group.length;
        if (length > 0) spans.push({ type: spec.type, start, end: start + length, detector: name });
      }
      if (now() > deadline) overBudget(name, text.length);
      return spans;
    },
  };
}

function overBudget(detector: string, textLength: number): never {
  throw new FlambeauError('internal', `The custom detector ${detector} exceeded its time budget.`, {
    details: { detector, budgetMs: Math.round(customRegexBudgetMs(textLength)), textLength },
  });
}
