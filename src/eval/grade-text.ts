import type { Answer, Expectation, Verdict } from './eval-case.js';

/** Regexes run on at most this much of an answer: the load-time probe screens patterns, this bounds the input. */
export const REGEX_INPUT_CHARS = 100_000;

/** NFC, trimmed, runs of whitespace made one space: "Paris\n" equals "Paris". */
function normal(text: string, ignoreCase: boolean): string {
  const folded = text.normalize('NFC').replace(/\s+/g, ' ').trim();
  return ignoreCase ? folded.toLocaleLowerCase() : folded;
}

export function gradeEquals(answer: Answer, expect: Extract<Expectation, { kind: 'equals' }>): Verdict {
  const pass = normal(answer.text, expect.ignoreCase) === normal(expect.value, expect.ignoreCase);
  return { pass, reason: pass ? 'equal to the expected text' : `differs from the expected text (${answer.text.length} characters)` };
}

export function gradeContains(answer: Answer, expect: Extract<Expectation, { kind: 'contains' | 'not_contains' }>): Verdict {
  const haystack = normal(answer.text, expect.ignoreCase);
  const found = expect.values.filter((value) => haystack.includes(normal(value, expect.ignoreCase)));
  if (expect.kind === 'contains') {
    const missing = expect.values.length - found.length;
    return missing === 0
      ? { pass: true, reason: `contains all ${expect.values.length} expected text(s)` }
      : { pass: false, reason: `misses ${missing} of ${expect.values.length} expected text(s)` };
  }
  return found.length === 0
    ? { pass: true, reason: `contains none of the ${expect.values.length} forbidden text(s)` }
    : { pass: false, reason: `contains ${found.length} of ${expect.values.length} forbidden text(s)` };
}

export function gradeRegex(answer: Answer, expect: Extract<Expectation, { kind: 'regex' }>): Verdict {
  // A fresh copy: a shared `g`/`y` regex would carry lastIndex between answers (flags allow neither, but cheap insurance).
  const regex = new RegExp(expect.regex.source, expect.regex.flags);
  const pass = regex.test(answer.text.slice(0, REGEX_INPUT_CHARS));
  return { pass, reason: pass ? 'matches the pattern' : 'does not match the pattern' };
}
