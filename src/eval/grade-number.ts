import type { Answer, Expectation, Verdict } from './eval-case.js';

// A number as models write them: sign, digits with optional thousands groups (comma, point,
// space, no-break spaces), an optional decimal part after a point or a comma, an exponent.
const NUMBER = /[-+\u2212]?(?:\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+|\d+)(?:[.,]\d+)?(?:[eE][-+]?\d+)?/g;

/**
 * The number an answer gives: the whole answer when it is one, else the last number in it (a
 * model that reasons aloud states its result last). Null when there is none.
 */
export function answerNumber(text: string): number | null {
  const matches = text.slice(-20_000).match(NUMBER);
  const last = matches?.[matches.length - 1];
  return last === undefined ? null : toNumber(last);
}

function toNumber(written: string): number | null {
  const s = written.replace('−', '-').replace(/[ \u00a0\u202f]/g, '');
  const commas = s.split(',').length - 1;
  const points = s.split('.').length - 1;
  let decimal: ',' | '.' | null = null;
  // Both kinds: the last one is the decimal mark ("1,234.5", "1.234,5"). One kind, repeated:
  // thousands ("1,234,567"). One comma before exactly three digits: thousands, as models write
  // "1,500"; otherwise the single mark is decimal ("3,5", "3.142").
  if (commas > 0 && points > 0) decimal = s.lastIndexOf(',') > s.lastIndexOf('.') ? ',' : '.';
  else if (commas === 1) decimal = /,\d{3}(?:[eE]|$)/.test(s) ? null : ',';
  else if (points === 1) decimal = '.';
  const plain = decimal === null ? s.replace(/[.,]/g, '') : s.replaceAll(decimal === ',' ? '.' : ',', '').replace(decimal, '.');
  const value = Number(plain);
  return Number.isFinite(value) ? value : null;
}

export function gradeNumber(answer: Answer, expect: Extract<Expectation, { kind: 'number' }>): Verdict {
  const value = answerNumber(answer.text);
  if (value === null) return { pass: false, reason: 'no number in the answer' };
  const off = Math.abs(value - expect.value);
  const pass = off <= expect.tolerance + Number.EPSILON * Math.max(1, Math.abs(expect.value));
  return { pass, reason: pass ? `within ${expect.tolerance} of the expected number` : `off by ${Number(off.toPrecision(6))} (tolerance ${expect.tolerance})` };
}
