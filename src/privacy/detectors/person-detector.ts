import type { Detector, Span } from '../pii-types.js';
import {
  ABBREVIATION,
  ALL_CAPS,
  AMBIGUOUS,
  FIRST_NAME,
  GREETING,
  LABEL_CUE,
  LEGAL_FORM,
  NON_NAME,
  PARTICLE,
  PLACE_AFTER,
  personLexicon,
  SAINT,
  TITLE,
  TITLE_NEEDS_DOT,
  type PersonLexicon,
} from './person-lexicon.js';
import { KnownParts, LowerCaseUse } from './person-known-parts.js';
import { endOfWord, flagsOf, lengthOf, startOf, tokenize, type Tokens } from './person-tokens.js';

/** What may separate two parts of one name: blanks, and a lower-case particle ("Charles de Gaulle"). */
const NAME_GAP = /^[ \u00a0](?:(?:de la|de|du|des|van|von|der|den|da|di|del|della|dos|das|le|la|ben|bin|al|el|ter|ten|zu|y)[ \u00a0])?$/;
/** Between a label and the name: "Nom : ", "Patient - ", "From: ". */
const LABEL_GAP = /^[ \t\u00a0]*(?:[:\-–]|\(e\)\s*:)?[ \t\u00a0]*$/;
const BLANKS = /^[ \t\u00a0]{1,3}$/;
/** Lower-case phrases right before a name. */
const PHRASE_CUE =
  /(?:sign(?:é|ée|ed) (?:par|by)|written by|rédigée? par|de la part de|on behalf of|prepared by|préparée? par|écrit par|reported by|assigned to|assignée? à|cc:?)[ \t\u00a0]+$/i;
/** Cheap pre-check for PHRASE_CUE: the last word before the name ends one of its phrases. */
const CUE_WORDS = new Set(['par', 'by', 'de', 'of', 'to', 'à', 'cc', 'cc:']);
/** After a greeting, the name ends the phrase. */
const GREETING_END = /^\s*(?:[,!:;.\n]|$)/;

/**
 * Person names in French and English text without a neural model: titles (M., Mme, Dr, Mr, Ms...),
 * labels (Patient :, Nom :), greetings (Bonjour X,), first-name lexicons followed by surnames, and
 * upper-case surnames ("DUPONT Jean"). A surname found once is then found alone in the same text.
 * Names found without a title or a label are dropped when they name a place or a company
 * ("St. Mary's", "salle Victor Hugo", "Johns Hopkins Hospital", "Stone Design LLC").
 */
export function createPersonDetector(lexicon: PersonLexicon = personLexicon()): Detector {
  // The token array is lent from one scan to the next (a scan is synchronous and keeps none of it).
  let lent: Int32Array | undefined;
  return {
    name: 'person',
    type: 'PERSON',
    detect: (text) => {
      const scan = new PersonScan(text, lexicon, lent);
      lent = scan.tokens.data;
      return detectPersons(scan);
    },
  };
}

export const personDetector: Detector = createPersonDetector();

/** One text being scanned: its capitalised words (tokens) and what the lexicon says of each. */
class PersonScan {
  readonly tokens: Tokens;

  constructor(
    readonly text: string,
    readonly lex: PersonLexicon,
    lent?: Int32Array,
  ) {
    this.tokens = tokenize(text, lex, lent);
  }

  get count(): number {
    return this.tokens.count;
  }

  start(i: number): number {
    return startOf(this.tokens, i);
  }

  end(i: number): number {
    return endOfWord(this.tokens, i);
  }

  length(i: number): number {
    return lengthOf(this.tokens, i);
  }

  flags(i: number): number {
    return flagsOf(this.tokens, i);
  }

  /** Case-sensitive flags (PARTICLE, SAINT, LEGAL_FORM, ABBREVIATION): looked up on the rarer paths only. */
  written(i: number): number {
    return this.lex.asWritten(this.text.slice(this.start(i), this.end(i)));
  }

  /** Text between the end of token `a` and the start of token `b`. */
  gap(a: number, b: number): string {
    return this.text.slice(this.end(a), this.start(b));
  }
}

interface NameMatch {
  first: number;
  last: number;
  end: number;
  score: number;
}

function detectPersons(s: PersonScan): Span[] {
  const spans: Span[] = [];
  const known = new KnownParts(); // name parts seen in a confident span: found alone later
  let consumed = 0;
  for (let i = 0; i < s.count; i++) {
    if (s.start(i) < consumed) continue;
    const found = matchAt(s, i);
    if (found === null) continue;
    spans.push({ type: 'PERSON', start: s.start(found.first), end: found.end, score: found.score, detector: 'person' });
    consumed = found.end;
    if (found.score >= 0.8) {
      for (let k = found.first; k <= found.last; k++) if (s.length(k) > 2 && (s.flags(k) & NON_NAME) === 0) known.add(s.text, s.tokens, k);
    }
  }
  return known.size === 0 ? spans : addKnownAlone(s, spans, known);
}

function matchAt(s: PersonScan, i: number): NameMatch | null {
  const f = s.flags(i);
  if ((f & TITLE) !== 0) {
    const dot = s.text.charCodeAt(s.end(i)) === 46;
    if ((f & TITLE_NEEDS_DOT) !== 0 && !dot) return null;
    return afterTitle(s, i, dot ? s.end(i) + 1 : s.end(i));
  }
  if ((f & LABEL_CUE) !== 0) return afterLabel(s, i);
  if ((f & GREETING) !== 0) return afterGreeting(s, i);
  if ((f & FIRST_NAME) !== 0) return unlessPlace(s, fromFirstName(s, i));
  if ((f & NON_NAME) !== 0) return null;
  if ((f & ALL_CAPS) !== 0) return unlessPlace(s, surnameFirst(s, i));
  // "signé par X", "on behalf of X": the cheap checks first, the phrase regex last.
  const start = s.start(i);
  if (!CUE_WORDS.has(previousWord(s.text, start, 3))) return null;
  const last = nameRun(s, i, 3);
  if (last === i || !PHRASE_CUE.test(s.text.slice(Math.max(0, start - 24), start))) return null;
  return unlessPlace(s, { first: i, last, end: endOf(s, last), score: 0.8 });
}

/** "M. Dupont", "Dr Jean-Luc Martin", "Mme de Sévigné": the name after a title, title excluded. */
function afterTitle(s: PersonScan, i: number, from: number): NameMatch | null {
  const next = i + 1;
  if (next >= s.count || !NAME_GAP.test(s.text.slice(from, s.start(next)))) return null;
  if (!isNamePart(s, next) && (s.flags(next) & FIRST_NAME) === 0) return null;
  const last = nameRun(s, next, 4);
  return { first: next, last, end: endOf(s, last), score: 0.95 };
}

/** "Patient : Jeanne Roux", "Nom : DURAND": one part is enough after a colon, else two. */
function afterLabel(s: PersonScan, i: number): NameMatch | null {
  const next = i + 1;
  if (next >= s.count) return null;
  const gap = s.gap(i, next);
  const nf = s.flags(next);
  if (!LABEL_GAP.test(gap) || (nf & TITLE) !== 0) return null;
  if (!isNamePart(s, next) && (nf & FIRST_NAME) === 0) return null;
  const last = nameRun(s, next, 4);
  const strong = gap.includes(':') || last > next || (nf & FIRST_NAME) !== 0;
  return strong ? { first: next, last, end: endOf(s, last), score: 0.85 } : null;
}

/** "Bonjour Maëlle,", "Dear Kwabena Mensah,": a name right after a greeting, before punctuation. */
function afterGreeting(s: PersonScan, i: number): NameMatch | null {
  const next = i + 1;
  if (next >= s.count || !BLANKS.test(s.gap(i, next))) return null;
  const nf = s.flags(next);
  if ((nf & TITLE) !== 0 || (!isNamePart(s, next) && (nf & FIRST_NAME) === 0)) return null;
  const last = nameRun(s, next, 3);
  const end = endOf(s, last);
  return GREETING_END.test(s.text.slice(end, end + 2)) ? { first: next, last, end, score: 0.85 } : null;
}

/** "Marie Curie", "John F. Kennedy", "Jean DUPONT", or a lone unambiguous first name. */
function fromFirstName(s: PersonScan, i: number): NameMatch | null {
  const last = nameRun(s, i, 4);
  if (last > i) return { first: i, last, end: endOf(s, last), score: 0.9 };
  if ((s.flags(i) & (AMBIGUOUS | NON_NAME | ALL_CAPS)) !== 0 || s.length(i) === 1) return null;
  return { first: i, last: i, end: s.end(i), score: 0.6 };
}

/** French forms: "DUPONT Jean", "MARTIN Marie-Claire". */
function surnameFirst(s: PersonScan, i: number): NameMatch | null {
  const next = i + 1;
  if (next >= s.count || !BLANKS.test(s.gap(i, next))) return null;
  if ((s.flags(next) & FIRST_NAME) === 0) return null;
  return { first: i, last: next, end: endOf(s, next), score: 0.85 };
}

/** Drops a name that names a place or a company: after "St."/"salle", before or ending on "Hospital"/"LLC". */
function unlessPlace(s: PersonScan, found: NameMatch | null): NameMatch | null {
  if (found === null) return null;
  if (afterSaint(s, found.first) || s.lex.placeNounsBefore.has(previousWord(s.text, s.start(found.first), 14))) return null;
  // "Lincoln Memorial", "Victoria Station": a place noun inside the run names the place.
  for (let k = found.first; k <= found.last; k++) if ((s.flags(k) & PLACE_AFTER) !== 0) return null;
  const next = found.last + 1;
  if (next < s.count && ((s.flags(next) & PLACE_AFTER) !== 0 || (s.written(next) & LEGAL_FORM) !== 0)) {
    const gap = s.text.slice(found.end, s.start(next));
    if (gap === ' ' || gap === '\u00a0' || gap === ', ') return null;
  }
  return found;
}

/** Token i follows "St.", "Saint", "Sainte-"... */
function afterSaint(s: PersonScan, i: number): boolean {
  if (i === 0 || (s.written(i - 1) & SAINT) === 0) return false;
  const gap = s.gap(i - 1, i);
  return gap === ' ' || gap === '. ' || gap === '-' || gap === '\u00a0' || gap === '.\u00a0';
}

/** Index of the last token of the name that continues from token `i` (i itself when none follows). */
function nameRun(s: PersonScan, i: number, max: number): number {
  let last = i;
  while (last - i < max - 1) {
    const next = last + 1;
    if (next >= s.count) break;
    const after = s.text.charCodeAt(s.end(last));
    // A dot ends the name, except after an initial ("John F. Kennedy") or "St." ("Jean St. Clair").
    const dotted = after === 46 /* . */ && (isInitial(s, last) || (s.written(last) & ABBREVIATION) !== 0);
    if (after === 46 && !dotted) break;
    if (after === 39 || after === 0x2019) break; // possessive
    if (!isNameGap(s.text, dotted ? s.end(last) + 1 : s.end(last), s.start(next))) break;
    if (last + 2 - i < max && (s.written(next) & PARTICLE) !== 0) {
      // "Le Goff": the particle belongs to the name only when a surname follows it.
      const surname = next + 1;
      if (surname < s.count && s.gap(next, surname) === ' ' && isNamePart(s, surname)) {
        last += 2;
        continue;
      }
    }
    if (!isNamePart(s, next)) break;
    last++;
  }
  return last;
}

/** NAME_GAP between two offsets; the usual single blank without slicing. */
function isNameGap(text: string, from: number, to: number): boolean {
  if (to - from === 1) return text.charCodeAt(from) === 32 || text.charCodeAt(from) === 0xa0;
  return to - from > 2 && to - from <= 8 && NAME_GAP.test(text.slice(from, to));
}

/**
 * The lower-cased word right before `at` (blanks skipped) when it has at most `max` letters
 * (or `:`), else ''. Read by character codes: it runs before most capitalised words of a text.
 */
function previousWord(text: string, at: number, max: number): string {
  let end = at;
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
  if (end === at) return '';
  let start = end;
  while (start > 0 && end - start <= max && isWordChar(text, start - 1)) start--;
  return end - start <= max && start < end ? text.slice(start, end).toLowerCase() : '';
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0;
}

/** A letter (any script) or `:`. */
function isWordChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 58;
  return LETTER.test(text[i]!);
}
const LETTER = /\p{L}/u;

function isNamePart(s: PersonScan, i: number): boolean {
  if (isInitial(s, i)) return true;
  return s.length(i) >= 2 && (s.flags(i) & (NON_NAME | TITLE | LABEL_CUE | GREETING)) === 0 && (s.written(i) & LEGAL_FORM) === 0;
}

function isInitial(s: PersonScan, i: number): boolean {
  return s.length(i) === 1 && s.text.charCodeAt(s.end(i)) === 46;
}

/** An initial's span keeps its dot ("John D."). */
function endOf(s: PersonScan, i: number): number {
  return isInitial(s, i) ? s.end(i) + 1 : s.end(i);
}

/**
 * Second pass: parts of names found with confidence, met alone elsewhere in the same text (never
 * in another: `known` lives for one call). A part the text also uses as a lower-case word is
 * not met alone: one "Mr. Data" must not make every "Data" a name.
 */
function addKnownAlone(s: PersonScan, spans: Span[], known: KnownParts): Span[] {
  const out: Span[] = [];
  const lower = new LowerCaseUse(s.text);
  let k = 0;
  for (let i = 0; i < s.count; i++) {
    const start = s.start(i);
    while (k < spans.length && spans[k]!.end <= start) out.push(spans[k++]!);
    const inside = k < spans.length && spans[k]!.start <= start;
    if (!inside && known.has(s.text, s.tokens, i) && !afterSaint(s, i) && !lower.has(start, s.end(i)))
      out.push({ type: 'PERSON', start, end: s.end(i), score: 0.7, detector: 'person' });
  }
  while (k < spans.length) out.push(spans[k++]!);
  return out;
}
