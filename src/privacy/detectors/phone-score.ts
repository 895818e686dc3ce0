import type { CountryCode } from 'libphonenumber-js/max';
import { isValidPhoneNumber } from '../validators/phone-validity.js';
import type { PhoneCandidate } from './phone-candidates.js';
import type { RecallLevel } from './recall-level.js';

/** Score a candidate needs, per recall level. */
export const PHONE_THRESHOLD: Readonly<Record<RecallLevel, number>> = { high: 0.5, balanced: 0.75 };

/** Validity verdicts of one call (never kept across requests). */
export type PhoneVerdicts = Map<string, boolean>;

/** Words before a number that make it a phone number (looked for in the 40 characters before it). */
const CUE =
  /\b(?:t[ée]l|phone|mobile|portable|port\.|fax|cell|gsm|mob|appel|rappel|call|ring|text me|joindre|joignable|num[ée]ro|number|contact|whatsapp|sms|line|ligne|standard|hotline|urgence|emergency|direct|domicile|poste|reach)/;
/** Words before a number that make it something else (in the same 40 characters; they outweigh a cue). */
const ANTI_CUE =
  /\b(?:order|client|customer|member|membre|adh[ée]rent|abonn|policy|police|mrn|\bein\b|routing|aba\b|commande|cmd|factur|invoice|inv\b|r[ée]f|tracking|suivi|colis|dossier|badge|contrat|contract|siret|siren|tva|vat|iban|rib|bic|compte|account|acct|ticket|\bid\b|ipp|\blot\b|serial|s[ée]rie|isbn|montant|amount|total|prix|price|ssn|nir|s[ée]curit[ée] sociale|social security|passport|passeport|licen[cs]e|permis|matricule|card|carte|transaction|version|build|sku|ean|ref\b|\bno\.? de (?:commande|dossier))/;
/** A currency, a percentage or a unit right after: an amount or a measure. */
const UNIT_AFTER =
  /^[ \u00a0]?(?:€|\$|£|%|‰|eur\b|euros?\b|usd\b|chf\b|gbp\b|mg\b|kg\b|km\b|ml\b|mmol|µ|g\/|h\b|min\b|ans\b|years?\b|kb\b|mb\b|go\b|gb\b|ko\b|mo\b|pts?\b|points?\b)/i;
const DATE_FIRST = /^(?:19|20)\d\d[-. \u00a0/]\d{1,2}[-. \u00a0/]\d{1,2}(?!\d)/;
const DATE_LAST = /^\d{1,2}[-. \u00a0/]\d{1,2}[-. \u00a0/](?:19|20)\d\d(?!\d)/;
/** US ZIP+4, SSN, and "2024-000124"-like references: not phone numbers. */
const NOT_PHONE = /^(?:\d{5}-\d{4}|\d{3}-\d{2}-\d{4}|(?:19|20)\d\d[-/]\d{3,})$/;
const NANP = /^(?:1[ .-]?)?(?:\(\d{3}\)[ \u00a0]?|\d{3}[ .-])\d{3}[ .-]\d{4}$/;
const NATIONAL_COUNTRIES: readonly CountryCode[] = ['FR', 'US', 'GB'];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

/** The score of a candidate and where its span ends, or null when it cannot be a phone number. */
export function phoneScore(text: string, c: PhoneCandidate, verdicts: PhoneVerdicts, previousEnd: number): { score: number; end: number } | null {
  const d = c.digits.length;
  if (c.overflow || d < 6) return null;
  // Six digits in groups ("699 968", short numbers of small countries and of some operators):
  // only after a phone cue, never with a word that makes it something else, and not with a dash
  // ("lines 120-168" is a range).
  if (d === 6 && !(c.groups.length >= 2 && !c.international && (c.separators & 4) === 0 && sixDigitCue(text, c.start))) return null;
  const before = text.charCodeAt(c.start - 1);
  // Glued to a number, a decimal, a path or a time ("10:32 06 6246 77 36" is a lab value).
  if (isDigit(before) || before === 45 || before === 47 || before === 44 || before === 95 || before === 43) return null;
  if ((before === 46 || before === 58) && isDigit(text.charCodeAt(c.start - 2))) return null;
  const after = text.charCodeAt(c.end);
  if ((after === 44 || after === 46) && isDigit(text.charCodeAt(c.end + 1))) return null;
  if (after === 47 && isDigit(text.charCodeAt(c.end + 1))) return null;
  if (UNIT_AFTER.test(text.slice(c.end, c.end + 8))) return null;
  const written = text.slice(c.start, c.digitsEnd);
  if (!c.international && (DATE_FIRST.test(written) || DATE_LAST.test(written) || NOT_PHONE.test(written))) return null;
  if (c.separators === 2 && c.groups.length === 4 && c.groups.every((g) => g <= 3) && written.split('.').every((g) => Number(g) <= 255)) return null; // an IPv4 address

  let score = shapeScore(c, written);
  let end = c.end;
  const valid = validPrefix(c, verdicts);
  if (valid === c.digitsEnd) score += 0.35;
  else if (valid > 0 && c.international) {
    score += 0.3; // "+33 6 12 34 56 78 2024": the phone, then another number
    end = valid;
  }
  const head = text.slice(Math.max(0, c.start - 40), c.start).toLowerCase();
  if (CUE.test(head) || (previousEnd >= 0 && c.start - previousEnd <= 40)) score += 0.35;
  // A valid number written in groups is a phone number more often than not, even after "client":
  // at `high` recall it stays flagged (a leak cannot be undone), at `balanced` it does not.
  if (ANTI_CUE.test(head)) score -= valid === c.digitsEnd && c.groups.length >= 2 ? 0.3 : 0.6;
  if (isLetter(before)) score -= 0.15; // glued to a word: "le06.98.43.40.20" still, "B2024..." rarely
  if (c.letterO) score -= 0.05;
  if (c.extension && end === c.end) score += 0.1;
  return { score, end };
}

/** A phone cue and no anti-cue in the 40 characters before. */
function sixDigitCue(text: string, start: number): boolean {
  const head = text.slice(Math.max(0, start - 40), start).toLowerCase();
  return CUE.test(head) && !ANTI_CUE.test(head);
}

/** How much the shape alone says. */
function shapeScore(c: PhoneCandidate, written: string): number {
  const d = c.digits.length;
  const g = c.groups;
  if (c.international) return d >= 8 ? 0.6 : 0.3;
  if (d > 13) return 0;
  if (NANP.test(written)) return 0.6;
  if (c.digits[0] === '0' && d >= 9 && d <= 11) return g.length >= 2 || c.bracketed ? 0.55 : 0.45;
  if (g.length >= 9 && g.every((x) => x === 1)) return 0.45; // read out digit by digit
  if (g.length >= 3 && d >= 8 && d <= 12 && g.every((x) => x >= 2 && x <= 4)) return g.length >= 4 && g.every((x) => x === 2) ? 0.5 : 0.45;
  if (c.bracketed && d >= 8) return 0.45;
  if (g.length === 2 && g.every((x) => x >= 3 && x <= 4)) return 0.25;
  // Eight digits in one run after a trunk 0 ("04730934"): a phone number after a cue, not without one.
  if (c.digits[0] === '0' && d === 8 && g.length === 1) return 0.2;
  return 0.1; // one run of digits, not starting with 0: an order or account number unless valid and cued
}

/**
 * End offset of the longest valid number the candidate starts with, at a group boundary, 0 when
 * none. National numbers are valid whole or not at all; an international one may have swallowed
 * a following number ("+33 6 12 34 56 78 2024"), but a group like the one before it continues
 * the number ("+32 94 76 17 77 42"), so the cut is only tried where the grouping changes.
 */
function validPrefix(c: PhoneCandidate, verdicts: PhoneVerdicts): number {
  const last = c.cuts.length - 1;
  if (last < 0 || c.cuts[last]!.digits < 7) return 0;
  if (isValid(c.digits.slice(0, c.cuts[last]!.digits), c.international, verdicts)) return c.cuts[last]!.end;
  if (!c.international) return 0;
  const length = (k: number) => c.cuts[k]!.digits - (k > 0 ? c.cuts[k - 1]!.digits : 0);
  for (let k = last - 1; k >= 0 && c.cuts[k]!.digits >= 7; k--) {
    if (length(k + 1) !== length(k) && isValid(c.digits.slice(0, c.cuts[k]!.digits), true, verdicts)) return c.cuts[k]!.end;
  }
  return 0;
}

function isValid(digits: string, international: boolean, verdicts: PhoneVerdicts): boolean {
  const key = `${international ? '+' : ''}${digits}`;
  let valid = verdicts.get(key);
  if (valid !== undefined) return valid;
  if (international) valid = isValidPhoneNumber(`+${digits.startsWith('00') ? digits.slice(2) : digits}`);
  else valid = NATIONAL_COUNTRIES.some((country) => isValidPhoneNumber(digits, country));
  verdicts.set(key, valid);
  return valid;
}
