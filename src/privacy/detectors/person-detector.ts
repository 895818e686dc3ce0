import type { Detector, Span } from '../pii-types.js';
import { CAPITAL_PARTICLES, foldName, isFirstName, personLexicon, TITLES_NEED_DOT, type PersonLexicon } from './person-lexicon.js';

/** A capitalised word. Words glued to a previous letter ("l'Hôpital", "iPhone") are dropped in `tokenize`. */
const CAPITALISED = /[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’-]*/g;
/** What may separate two parts of one name: blanks, and a lower-case particle ("Charles de Gaulle"). */
const NAME_GAP = /^[ \u00a0](?:(?:de la|de|du|des|van|von|der|den|da|di|del|della|dos|das|le|la|ben|bin|al|el|ter|ten|zu|y)[ \u00a0])?$/;
/** Between a label and the name: "Nom : ", "Patient - ", "From: ". */
const LABEL_GAP = /^[ \t\u00a0]*(?:[:\-–]|\(e\)\s*:)?[ \t\u00a0]*$/;
/** Lower-case phrases right before a name. */
const PHRASE_CUE = /(?:sign(?:é|ée|ed) (?:par|by)|written by|rédigée? par|de la part de|on behalf of|prepared by|préparée? par|écrit par|reported by|assigned to|assignée? à|cc:?)[ \t\u00a0]+$/i;
/** Cheap pre-check for PHRASE_CUE: the last word before the name ends one of its phrases. */
const CUE_WORDS = new Set(['par', 'by', 'de', 'of', 'to', 'à', 'cc', 'cc:']);
const ALL_CAPS = /^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+$/;

interface Token {
  start: number;
  /** End of the name part (a possessive "'s" is left out). */
  end: number;
  word: string;
  folded: string;
}

/**
 * Person names in French and English text without a neural model: titles (M., Mme, Dr, Mr, Ms...),
 * labels (Patient :, Nom :), greetings (Bonjour X,), first-name lexicons followed by surnames, and
 * upper-case surnames ("DUPONT Jean"). A surname found once is then found alone in the same text.
 */
export function createPersonDetector(lexicon: PersonLexicon = personLexicon()): Detector {
  return { name: 'person', type: 'PERSON', detect: (text) => detectPersons(text, lexicon) };
}

export const personDetector: Detector = createPersonDetector();

/** Letters, digits, `_`, apostrophes and hyphens: a capital after one of these is inside a word. */
function gluesWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 39 || c === 0x2019 || c === 45
    || (c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = new RegExp(CAPITALISED);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > 0 && gluesWord(text.charCodeAt(m.index - 1))) continue;
    let word = m[0];
    // Trailing apostrophes, hyphens and a possessive "'s" are not part of the name.
    let n = word.length;
    const last = word.charCodeAt(n - 1);
    if (last === 115 /* s */ && n > 2 && (word.charCodeAt(n - 2) === 39 || word.charCodeAt(n - 2) === 0x2019)) n -= 2;
    while (n > 0 && (word.charCodeAt(n - 1) === 39 || word.charCodeAt(n - 1) === 0x2019 || word.charCodeAt(n - 1) === 45)) n--;
    if (n === 0) continue;
    if (n !== word.length) word = word.slice(0, n);
    tokens.push({ start: m.index, end: m.index + n, word, folded: foldName(word) });
  }
  return tokens;
}

function detectPersons(text: string, lex: PersonLexicon): Span[] {
  const tokens = tokenize(text);
  const spans: Span[] = [];
  const known = new Set<string>(); // name parts seen in a confident span: found alone later
  let consumed = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.start < consumed) continue;
    const found = matchAt(text, tokens, i, lex);
    if (found === null) continue;
    spans.push({ type: 'PERSON', start: tokens[found.first]!.start, end: found.end, score: found.score, detector: 'person' });
    consumed = found.end;
    if (found.score >= 0.8) {
      for (let k = found.first; k <= found.last; k++) {
        const part = tokens[k]!;
        if (part.word.length > 2 && !lex.nonNames.has(part.folded)) known.add(part.folded);
      }
    }
  }
  return known.size === 0 ? spans : addKnownAlone(tokens, spans, known);
}

interface NameMatch {
  first: number;
  last: number;
  end: number;
  score: number;
}

function matchAt(text: string, tokens: Token[], i: number, lex: PersonLexicon): NameMatch | null {
  const tok = tokens[i]!;
  const f = tok.folded;
  if (lex.titles.has(f)) {
    const dot = text[tok.end] === '.';
    if (TITLES_NEED_DOT.has(f) && !dot) return null;
    return afterTitle(text, tokens, i, dot ? tok.end + 1 : tok.end, lex);
  }
  if (lex.labelCues.has(f)) return afterLabel(text, tokens, i, lex);
  if (lex.greetings.has(f)) return afterGreeting(text, tokens, i, lex);
  if (isFirstName(lex, f)) return fromFirstName(text, tokens, i, lex);
  if (lex.nonNames.has(f)) return null;
  if (isAllCaps(tok.word)) return surnameFirst(text, tokens, i, lex);
  if (CUE_WORDS.has(previousWord(text, tok.start)) && PHRASE_CUE.test(text.slice(Math.max(0, tok.start - 24), tok.start))) {
    const last = nameRun(text, tokens, i, 3, lex);
    if (last > i) return { first: i, last, end: endOf(text, tokens[last]!), score: 0.8 };
  }
  return null;
}

/** "M. Dupont", "Dr Jean-Luc Martin", "Mme de Sévigné": the name after a title, title excluded. */
function afterTitle(text: string, tokens: Token[], i: number, from: number, lex: PersonLexicon): NameMatch | null {
  const next = tokens[i + 1];
  if (next === undefined || !NAME_GAP.test(text.slice(from, next.start))) return null;
  if (!isNamePart(text, next, lex) && !isFirstName(lex, next.folded)) return null;
  const last = nameRun(text, tokens, i + 1, 4, lex);
  return { first: i + 1, last, end: endOf(text, tokens[last]!), score: 0.95 };
}

/** "Patient : Jeanne Roux", "Nom : DURAND": one part is enough after a colon, else two. */
function afterLabel(text: string, tokens: Token[], i: number, lex: PersonLexicon): NameMatch | null {
  const next = tokens[i + 1];
  if (next === undefined) return null;
  const gap = text.slice(tokens[i]!.end, next.start);
  if (!LABEL_GAP.test(gap) || lex.titles.has(next.folded)) return null;
  if (!isNamePart(text, next, lex) && !isFirstName(lex, next.folded)) return null;
  const last = nameRun(text, tokens, i + 1, 4, lex);
  const strong = gap.includes(':') || last > i + 1 || isFirstName(lex, next.folded);
  return strong ? { first: i + 1, last, end: endOf(text, tokens[last]!), score: 0.85 } : null;
}

/** "Bonjour Maëlle,", "Dear Kwabena Mensah,": a name right after a greeting, before punctuation. */
function afterGreeting(text: string, tokens: Token[], i: number, lex: PersonLexicon): NameMatch | null {
  const next = tokens[i + 1];
  if (next === undefined || !/^[ \t\u00a0]{1,3}$/.test(text.slice(tokens[i]!.end, next.start))) return null;
  if (lex.titles.has(next.folded) || (!isNamePart(text, next, lex) && !isFirstName(lex, next.folded))) return null;
  const last = nameRun(text, tokens, i + 1, 3, lex);
  const end = endOf(text, tokens[last]!);
  return /^\s*(?:[,!:;.\n]|$)/.test(text.slice(end, end + 2)) ? { first: i + 1, last, end, score: 0.85 } : null;
}

/** "Marie Curie", "John F. Kennedy", "Jean DUPONT", or a lone unambiguous first name. */
function fromFirstName(text: string, tokens: Token[], i: number, lex: PersonLexicon): NameMatch | null {
  const tok = tokens[i]!;
  const last = nameRun(text, tokens, i, 4, lex);
  if (last > i) return { first: i, last, end: endOf(text, tokens[last]!), score: 0.9 };
  if (lex.ambiguous.has(tok.folded) || lex.nonNames.has(tok.folded) || isAllCaps(tok.word)) return null;
  if (tok.word.length === 1) return null;
  return { first: i, last: i, end: tok.end, score: 0.6 };
}

/** French forms: "DUPONT Jean", "MARTIN Marie-Claire". */
function surnameFirst(text: string, tokens: Token[], i: number, lex: PersonLexicon): NameMatch | null {
  const next = tokens[i + 1];
  if (next === undefined || !/^[ \t\u00a0]{1,3}$/.test(text.slice(tokens[i]!.end, next.start))) return null;
  if (!isFirstName(lex, next.folded)) return null;
  return { first: i, last: i + 1, end: endOf(text, next), score: 0.85 };
}

/** Index of the last token of the name that continues from token `i` (i itself when none follows). */
function nameRun(text: string, tokens: Token[], i: number, max: number, lex: PersonLexicon): number {
  let last = i;
  while (last - i < max - 1) {
    const cur = tokens[last]!;
    const next = tokens[last + 1];
    if (next === undefined || (!isInitial(text, cur) && text[cur.end] === '.' && !isAbbreviation(cur))) break;
    const from = isInitial(text, cur) ? cur.end + 1 : cur.end;
    if (text.charCodeAt(cur.end) === 39 || text.charCodeAt(cur.end) === 0x2019) break; // possessive
    if (!NAME_GAP.test(text.slice(from, next.start))) break;
    if (CAPITAL_PARTICLES.has(next.word) && last + 2 - i < max) {
      // "Le Goff": the particle belongs to the name only when a surname follows it.
      const after = tokens[last + 2];
      if (after !== undefined && text.slice(next.end, after.start) === ' ' && isNamePart(text, after, lex)) {
        last += 2;
        continue;
      }
    }
    if (!isNamePart(text, next, lex)) break;
    last++;
  }
  return last;
}

/** The lower-cased word right before `at` (blanks skipped), at most 3 characters long, or ''. */
function previousWord(text: string, at: number): string {
  let end = at;
  while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9 || text.charCodeAt(end - 1) === 0xa0)) end--;
  if (end === at) return '';
  let start = end;
  while (start > 0 && end - start < 4 && /[\p{L}:]/u.test(text[start - 1]!)) start--;
  return end - start <= 3 ? text.slice(start, end).toLowerCase() : '';
}

/** Two upper-case letters at least, and no lower-case one ("DUPONT", "LE-GALL"). */
function isAllCaps(word: string): boolean {
  const second = word.charCodeAt(1);
  if (!((second >= 65 && second <= 90) || (second >= 0xc0 && second <= 0xde))) return false;
  return ALL_CAPS.test(word);
}

function isNamePart(text: string, tok: Token, lex: PersonLexicon): boolean {
  if (isInitial(text, tok)) return true;
  if (tok.word.length < 2 || lex.nonNames.has(tok.folded) || lex.titles.has(tok.folded)) return false;
  return !lex.labelCues.has(tok.folded) && !lex.greetings.has(tok.folded);
}

function isInitial(text: string, tok: Token): boolean {
  return tok.word.length === 1 && text[tok.end] === '.';
}

/** "St." in "Jean St. Clair" does not end a sentence. */
function isAbbreviation(tok: Token): boolean {
  return tok.word === 'St' || tok.word === 'Ste';
}

/** An initial's span keeps its dot ("John D."). */
function endOf(text: string, tok: Token): number {
  return isInitial(text, tok) ? tok.end + 1 : tok.end;
}

/** Second pass: parts of names found with confidence, met alone elsewhere in the text. */
function addKnownAlone(tokens: Token[], spans: Span[], known: Set<string>): Span[] {
  const out: Span[] = [];
  let s = 0;
  for (const tok of tokens) {
    while (s < spans.length && spans[s]!.end <= tok.start) out.push(spans[s++]!);
    const inside = s < spans.length && spans[s]!.start <= tok.start;
    if (!inside && known.has(tok.folded)) out.push({ type: 'PERSON', start: tok.start, end: tok.end, score: 0.7, detector: 'person' });
  }
  while (s < spans.length) out.push(spans[s++]!);
  return out;
}
