import type { Detector, Span } from '../pii-types.js';

/**
 * E-mail addresses. Anchored on `@` with indexOf (the rarest character of an address), then
 * expanded left over the local part and right over dotted domain labels: linear in the text.
 */
export const emailDetector: Detector = {
  name: 'email',
  type: 'EMAIL',
  detect(text) {
    const spans: Span[] = [];
    let at = text.indexOf('@');
    let floor = 0; // never expand left over an accepted address (keeps the scan linear)
    while (at !== -1) {
      let start = at;
      while (start > floor && isLocalChar(text.charCodeAt(start - 1))) start--;
      while (start < at && text.charCodeAt(start) === 46 /* . */) start++;
      const end = domainEnd(text, at + 1);
      if (start < at && end > at + 1) {
        spans.push({ type: 'EMAIL', start, end, detector: 'email' });
        floor = end;
      }
      at = text.indexOf('@', Math.max(at + 1, end));
    }
    return spans;
  },
};

/** RFC 5322 "atext" minus rarities, plus letters with accents (internationalised local parts). */
function isLocalChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 46 ||
    c === 95 ||
    c === 45 ||
    c === 43 ||
    c === 37 ||
    c === 39 ||
    (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)
  );
}

function isLabelChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * End offset of `label(.label)+` starting at `from` whose last label (the TLD) has 2+ letters,
 * or `from` when there is none. Trailing dots and hyphens (sentence punctuation) are left out.
 */
function domainEnd(text: string, from: number): number {
  let i = from;
  let lastGoodEnd = from;
  let labels = 0;
  for (;;) {
    const labelStart = i;
    while (i < text.length && isLabelChar(text.charCodeAt(i))) i++;
    if (i === labelStart || text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) break;
    labels++;
    if (labels >= 2 && i - labelStart >= 2 && isLetter(text.charCodeAt(i - 1)) && isLetter(text.charCodeAt(i - 2))) lastGoodEnd = i;
    if (text.charCodeAt(i) !== 46 || !isLabelChar(text.charCodeAt(i + 1))) break;
    i++;
  }
  return lastGoodEnd;
}
