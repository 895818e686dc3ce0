import type { CountryCode } from 'libphonenumber-js/max';
import type { Detector, Span } from '../pii-types.js';
import { isValidPhoneNumber } from '../validators/phone-validity.js';

/**
 * Pre-filters: cheap shapes of phone numbers, so that only real candidates are validated. Three
 * separate regexes rather than one alternation: each keeps V8's fast scan for its first character
 * (an alternation of lookbehinds made the whole pass five times slower).
 *  1. international: `+` or `00`, then digits with the usual separators (incl. a `(0)` trunk);
 *  2. French national: 0 then nine digits in pairs (`06 12 34 56 78`, `06.12.34.56.78`, `0612345678`);
 *  3. North American: `(415) 555-0132`, `415-555-0132`, `415.555.0132`, optional leading `1-`; or
 *     (group 1) UK national: 0 and an area code of 3 to 6 digits, then two groups of 3 or 4
 *     (`020 7946 0958`, `0113 496 0123`, `01603 555 218`, `07700 900461`). They share a pass: where
 *     both fit (`012 345 6789`), the North American reading is the one tried.
 */
const INTERNATIONAL = /(?:\+|\b00)[1-9]\d{0,2}(?:[ \u00a0.\-/]?(?:\(0\)|\(\d{1,4}\)|\d)){6,16}/g;
const FRENCH = /\b0[1-9](?:[ \u00a0.\-]?\d{2}){4}/g;
const NANP_OR_UK = /(?:\b1[ .-]?)?(?:\(\d{3}\)[ \u00a0]?|\b\d{3}[ .-])\d{3}[ .-]\d{4}|(\b0[1-9]\d{1,4}[ \u00a0]?\d{3,4}[ \u00a0]?\d{3,4})/g;

/** Glued to a word, a decimal, a date or a longer number: not a phone number. */
const BAD_BEFORE = /[\w.,/+-]/;
const FOLLOWED_BY_DIGIT = /\d/;

/** Phone numbers, validated with libphonenumber's metadata (national shapes as FR, US or GB numbers). */
export const phoneDetector: Detector = {
  name: 'phone',
  type: 'PHONE',
  detect(text) {
    const spans: Span[] = [];
    const verdicts = new Map<string, boolean>(); // per call only: values are not kept across requests
    const add = (m: RegExpExecArray, country: CountryCode | undefined) => {
      const raw = m[0];
      // A digit right after means a longer number (an IBAN, a card): not a phone.
      if (FOLLOWED_BY_DIGIT.test(text[m.index + raw.length] ?? '')) return;
      if (raw[0] !== '+' && BAD_BEFORE.test(text[m.index - 1] ?? '')) return;
      const length = validLength(raw, country, verdicts);
      if (length > 0) spans.push({ type: 'PHONE', start: m.index, end: m.index + length, detector: 'phone' });
    };
    for (const re of [INTERNATIONAL, FRENCH, NANP_OR_UK]) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) add(m, re === INTERNATIONAL ? undefined : re === FRENCH ? 'FR' : m[1] === undefined ? 'US' : 'GB');
    }
    // The shapes may overlap ("+1 415-555-0132" is also a NANP shape): keep the first, longest.
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    return spans.filter((span, i) => i === 0 || span.start >= spans[i - 1]!.end);
  },
};

/**
 * Length of the longest valid phone prefix of `raw`. International candidates may have swallowed
 * a following number ("+33 6 12 34 56 78 2024"): they are retried cut at each separator.
 */
function validLength(raw: string, country: CountryCode | undefined, verdicts: Map<string, boolean>): number {
  if (isValidPhone(raw, country, verdicts)) return raw.length;
  if (country !== undefined) return 0;
  for (let cut = raw.length - 1; cut >= 8; cut--) {
    if (raw[cut] === ' ' || raw[cut] === '.' || raw[cut] === '-' || raw[cut] === '\u00a0') {
      if (isValidPhone(raw.slice(0, cut), country, verdicts)) return cut;
    }
  }
  return 0;
}

/** `country` is the default country of a national number; undefined for "+" or "00" numbers. */
function isValidPhone(raw: string, country: CountryCode | undefined, verdicts: Map<string, boolean>): boolean {
  // Digits only (with a leading +): the same verdict, parsed faster.
  const digits = raw.replace('(0)', '').replace(/\D/g, '');
  const input = country === undefined ? `+${raw.startsWith('00') ? digits.slice(2) : digits}` : digits;
  const key = `${country ?? ''}${input}`;
  let valid = verdicts.get(key);
  if (valid === undefined) verdicts.set(key, (valid = isValidPhoneNumber(input, country)));
  return valid;
}
