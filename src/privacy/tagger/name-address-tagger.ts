import type { Detector, PiiType, Span } from '../pii-types.js';
import type { RecallLevel } from '../detectors/recall-level.js';
import { AMBIGUOUS, FIRST_NAME, GREETING, LABEL_CUE, LEGAL_FORM, NON_NAME, personLexicon, PLACE_AFTER, TITLE } from '../detectors/person-lexicon.js';
import { ADDRESS_WORD, describeText, NAME_CUE, STREET_SUFFIX, type TokenInfo } from './tagger-features.js';
import { tagRange, taggerBuffers, type TaggerBuffers, type TaggerModel } from './tagger-model.js';
import { spansFromLabels, type TaggedSpan } from './tagger-spans.js';
import { NUMBER, PUNCT, tokenKind, WORD, type TaggerTokens } from './tagger-tokens.js';
import { shippedTaggerModel } from './tagger-weights-wire.js';

/**
 * Added to the score of "outside" on every token: at `balanced`, a name or an address needs a
 * clearer margin to be tagged. Chosen on the generated training texts' held-out part, not on the
 * evaluation set.
 */
const OUTSIDE_BIAS: Readonly<Record<RecallLevel, number>> = { high: 0, balanced: 4 };

/** Shape bits (see describeTokens): capitalised word. */
const CAPITALISED = 1;
/** Lexicon bits that open a window: any bit (cue words, titles, first names, street words). */
const WINDOW_BEFORE = 1;
const WINDOW_AFTER = 3;
/** After a cue word, a lower-case name or street may follow: a longer window. */
const CUE_AFTER = 4;

export interface TaggerDetectorOptions {
  /** Types to report (PERSON, ADDRESS or both). */
  types: readonly PiiType[];
  level: RecallLevel;
  /** Defaults to the shipped weights. */
  model?: TaggerModel;
}

/**
 * The learned tagger for person names and postal addresses (see tagger-model.ts), beside the
 * rule-based detectors: its spans join theirs and the scanner resolves overlaps. Cost stays
 * proportional to what may be a name or an address: the text is tokenized once, and Viterbi runs
 * only on windows around capitalised words, numbers and cue words; the rest is outside.
 */
export function createNameAddressTagger(options: TaggerDetectorOptions): Detector {
  const person = options.types.includes('PERSON');
  const address = options.types.includes('ADDRESS');
  const bias = OUTSIDE_BIAS[options.level];
  // Work arrays lent from one scan to the next (a scan is synchronous and keeps nothing of them):
  // for the small texts requests carry, allocating them cost as much as the tagging.
  const scratch: TaggerScratch = {};
  return {
    name: 'tagger',
    type: person ? 'PERSON' : 'ADDRESS',
    detect(text) {
      const model = options.model ?? shippedTaggerModel();
      const found: TaggedSpan[] = [];
      for (const span of tagText(model, text, bias, scratch)) {
        if ((span.type === 'PERSON' && person) || (span.type === 'ADDRESS' && address)) found.push(span);
      }
      return found.map((s): Span => ({ type: s.type, start: s.start, end: s.end, score: 0.75, detector: 'tagger' }));
    },
  };
}

/** Arrays one tagging call may lend to the next (see tagText). */
export interface TaggerScratch {
  info?: TokenInfo;
  buffers?: TaggerBuffers;
}

/**
 * Tagged spans of a text: Viterbi over each window of interesting tokens. With `scratch`, the
 * arrays of the previous call are written over (and the ones of this call kept there).
 */
export function tagText(model: TaggerModel, text: string, outsideBias = 0, scratch?: TaggerScratch): TaggedSpan[] {
  const info = describeText(text, scratch?.info);
  const tokens = info.tokens;
  const spans: TaggedSpan[] = [];
  const buffers = scratch?.buffers ?? taggerBuffers(Math.min(256, Math.max(8, info.count)));
  if (scratch !== undefined) {
    scratch.info = info;
    scratch.buffers = buffers;
  }
  let from = -1;
  let to = -1;
  for (let i = 0; i < info.count; i++) {
    const reach = interest(info, i);
    if (reach === 0) continue;
    const start = Math.max(0, i - (initialBefore(text, tokens, i) ? 2 : WINDOW_BEFORE));
    const end = Math.min(info.count, i + reach + 1);
    if (start > to) {
      if (to > from) spansFromLabels(text, tokens, from, tagRange(model, info, from, to, outsideBias, buffers), spans);
      from = start;
    }
    to = Math.max(to, end);
  }
  if (to > from && from >= 0) spansFromLabels(text, tokens, from, tagRange(model, info, from, to, outsideBias, buffers), spans);
  const kept: TaggedSpan[] = [];
  for (const span of spans) for (const piece of outsideCodes(text, tokens, info, span)) if (plausible(text, tokens, info, piece)) kept.push(piece);
  return kept;
}

/**
 * An initial right before token i ("J. Smith", "I. MacGyver"): a capital letter alone, then a dot.
 * The window then opens on the initial, so that the tagger sees it with the name (an initial is
 * too short to open a window itself).
 */
function initialBefore(text: string, tokens: TaggerTokens, i: number): boolean {
  if (i < 2 || tokenKind(tokens, i - 1) !== PUNCT || text.charCodeAt(tokens.data[3 * (i - 1)]!) !== 46) return false;
  const start = tokens.data[3 * (i - 2)]!;
  if (tokenKind(tokens, i - 2) !== WORD || tokens.data[3 * (i - 2) + 1]! - start !== 1) return false;
  const c = text.charCodeAt(start);
  return c >= 65 && c <= 90;
}

/** House numbers in words: "sept allée des roses". */
const NUMBER_WORDS = new Set([
  'un',
  'une',
  'deux',
  'trois',
  'quatre',
  'cinq',
  'six',
  'sept',
  'huit',
  'neuf',
  'dix',
  'onze',
  'douze',
  'treize',
  'quatorze',
  'quinze',
  'seize',
  'vingt',
  'trente',
  'cent',
  'one',
  'two',
  'three',
  'four',
  'five',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'twenty',
]);

/** Lower-case words that belong to a name ("Charles de Gaulle", "Anne van der Berg"). */
const PARTICLES = new Set([
  'de',
  'du',
  'des',
  'la',
  'le',
  'van',
  'von',
  'der',
  'den',
  'da',
  'di',
  'del',
  'della',
  'dos',
  'das',
  'ben',
  'bin',
  'al',
  'el',
  'ter',
  'ten',
  'zu',
  'y',
  "d'",
  'e',
]);

const CUE_BITS = TITLE | GREETING | LABEL_CUE | NAME_CUE;

/**
 * Checks the tagger's spans must pass, whatever the weights say: they hold back the commonest
 * mistakes of a model trained on generated text. A name has a capital letter or follows a cue
 * ("mr. elliott", "c'est lucas"), is not only lexicon non-names or titles ("Madame, Monsieur"),
 * holds no number; an address has a house number or a street, box or unit word and a word of
 * three letters at least ("T2" is a quarter); neither runs over 160 characters.
 */
function plausible(text: string, tokens: TaggerTokens, info: TokenInfo, span: TaggedSpan): boolean {
  if (span.end - span.start > 160) return false;
  if (span.type === 'PERSON') return plausibleName(text, tokens, info, span);
  // "habite rue du centre 320": a lower-case word before a street word is not part of it (before a
  // number it may be the street's name: "skopska 96").
  while (
    span.first! < span.last! &&
    tokenKind(tokens, span.first!) === WORD &&
    ((info.shape[span.first!]! - 1) & CAPITALISED) === 0 &&
    (info.lexicon[span.first!]! & ADDRESS_WORD) === 0 &&
    !NUMBER_WORDS.has(wordAt(text, tokens, span.first!)) &&
    ((info.lexicon[span.first! + 1]! & ADDRESS_WORD) !== 0 ||
      // "domiciliée 6 impasse du Moulin": before a house number, when a street word follows it.
      (tokenKind(tokens, span.first! + 1) === NUMBER && span.first! + 2 <= span.last! && (info.lexicon[span.first! + 2]! & ADDRESS_WORD) !== 0))
  ) {
    span.first!++;
    span.start = tokens.data[3 * span.first!]!;
  }
  const first = span.first!;
  const last = span.last!;
  let street = false;
  let number = false;
  let numbers = 0;
  let postcode = false;
  let word = false;
  let capitalised = 0;
  let suffix = false;
  for (let i = first; i <= last; i++) {
    const kind = tokenKind(tokens, i);
    if ((info.lexicon[i]! & ADDRESS_WORD) !== 0 || (kind === WORD && streetByEnding(text, tokens, info, i))) street = true;
    else if ((info.lexicon[i]! & STREET_SUFFIX) !== 0) suffix = true;
    else if (kind === NUMBER && houseNumber(text, tokens, i)) {
      // Without a street word, the house number stands right next to the street's name ("Nieuwe Baan 473"), not after a comma.
      if ((i > first && tokenKind(tokens, i - 1) === WORD) || (i < last && tokenKind(tokens, i + 1) === WORD) || street) number = true;
      numbers++;
      if (tokens.data[3 * i + 1]! - tokens.data[3 * i]! >= 4) postcode = true;
    }
    if (kind === WORD && tokens.data[3 * i + 1]! - tokens.data[3 * i]! >= 3) word = true;
    if (kind === WORD && ((info.shape[i]! - 1) & 3) === CAPITALISED) capitalised++;
  }
  // A street, box or unit word; else a house number and two capitalised words ("Nieuwe Baan 473") or a postcode.
  if (!(word && last > first && (street || (number && (suffix || capitalised >= 2 || (postcode && numbers >= 2)))))) return false;
  // Not cut inside a run of letters and digits (a run that is no identifier, or the span would have been cut before it): "Dublin D02X285", "NL-1011AB".
  while (
    isAsciiAlnum(text.charCodeAt(span.end - 1)) &&
    (isAsciiAlnum(text.charCodeAt(span.end)) || (text.charCodeAt(span.end) === 45 && isAsciiAlnum(text.charCodeAt(span.end + 1))))
  )
    span.end += text.charCodeAt(span.end) === 45 ? 2 : 1;
  extendAddressTail(text, span);
  return true;
}

/**
 * A token inside an identifier is neither a name nor a part of an address: commit hashes, UUIDs,
 * request ids, order references ("19275a23e16c799c", "fba629e3-14c4-4991-…", "CMD7A2B9X41").
 * The span is cut there, and the parts before and after it (punctuation at the cut left out)
 * are judged on their own: "5 Main Street, Dublin" stays an address whatever code follows it.
 * Read only around the few spans found.
 */
function outsideCodes(text: string, tokens: TaggerTokens, info: TokenInfo, span: TaggedSpan): TaggedSpan[] {
  let pieces: TaggedSpan[] | undefined;
  let from = span.first!;
  // The end of the last postcode kept, so that its other tokens ("SW", "1A", "2AA") are kept too.
  let postcodeEnd = -1;
  for (let i = span.first!; i <= span.last!; i++) {
    const kind = tokenKind(tokens, i);
    if (kind !== NUMBER && kind !== WORD) continue;
    const run = runKind(text, tokens.data[3 * i]!);
    if (run === PLAIN) continue;
    if (run === POSTCODE) {
      if (tokens.data[3 * i]! < postcodeEnd) continue;
      // A postcode in one run ("D02X285", "SW1A2AA") reads as an identifier too ("commit P70EN2W"): it is one only after an address.
      const before: TaggedSpan[] = [];
      if (span.type === 'ADDRESS' && i > from) pushPiece(tokens, span, from, i - 1, before);
      if (before.length === 1 && plausible(text, tokens, info, before[0]!)) {
        postcodeEnd = lastRunEnd;
        continue;
      }
    }
    pieces ??= [];
    if (i > from) pushPiece(tokens, span, from, i - 1, pieces);
    from = i + 1;
  }
  if (pieces === undefined) return [span];
  if (from <= span.last!) pushPiece(tokens, span, from, span.last!, pieces);
  return pieces;
}

/** Tokens [first, last] of a span as a span of their own, without punctuation or line breaks at a cut end. */
function pushPiece(tokens: TaggerTokens, span: TaggedSpan, first: number, last: number, out: TaggedSpan[]): void {
  while (first <= last && first !== span.first && tokenKind(tokens, first) !== WORD && tokenKind(tokens, first) !== NUMBER) first++;
  while (last >= first && last !== span.last && tokenKind(tokens, last) !== WORD && tokenKind(tokens, last) !== NUMBER) last--;
  if (first > last) return;
  out.push({
    type: span.type,
    start: first === span.first ? span.start : tokens.data[3 * first]!,
    end: last === span.last ? span.end : tokens.data[3 * last + 1]!,
    first,
    last,
  });
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Postcodes written in one run of letters and digits, which would otherwise read as
 * identifiers: British ("SW1A2AA"), Irish Eircodes ("D02X285", "D6WXY12"), Dutch ("1011AB"),
 * each after an optional country prefix ("NL-1011AB"). In capitals, as they are written.
 */
const POSTCODE_RUN = /^(?:[A-Z]{1,2}-)?(?:[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}|(?:[AC-FHKNPRTV-Y]\d{2}|D6W)[\dAC-FHKNPRTV-Y]{4}|\d{4}[A-Z]{2})$/;

/** A capitalised word glued to a number, as a name to a year ("Dupont1987"): a word and a number, not an identifier. */
const WORD_THEN_NUMBER = /^[A-Z][a-z]{2,}\d+$/;

/** What a run of ASCII letters and digits is (see runKind). */
const PLAIN = 0;
const CODE = 1;
const POSTCODE = 2;

/** The end of the run runKind read last. */
let lastRunEnd = 0;

/** Whether the run of ASCII letters and digits around text[at] is an identifier (see runKind). */
export function codeRunAt(text: string, at: number): boolean {
  return runKind(text, at) === CODE;
}

/**
 * What the run of ASCII letters and digits around text[at] is (see outsideCodes). An identifier
 * is seven characters long at least and switches between letters and digits twice at least, or
 * is ten long and mixes them, not counting the hyphens that join its parts. A hyphen between a
 * number and a word holding a letter no hex id has ("75002-Paris": a postcode, then its city)
 * joins nothing. House numbers and postcodes stay short of an identifier ("221B", "12bis",
 * "SW1A", "LV-1050", "00-950") or have a shape of their own (POSTCODE_RUN); a capitalised word
 * glued to a number is a word and a number (WORD_THEN_NUMBER).
 */
function runKind(text: string, at: number): number {
  if (!isAsciiAlnum(text.charCodeAt(at))) return PLAIN;
  // The run's start: back over letters, digits and the hyphens between them, stopping at a number-word hyphen.
  let start = at;
  for (;;) {
    if (start > 0 && isAsciiAlnum(text.charCodeAt(start - 1))) start--;
    else if (start > 1 && text.charCodeAt(start - 1) === 45 && isAsciiAlnum(text.charCodeAt(start - 2)) && !numberThenWord(text, start - 1)) start--;
    else break;
  }
  let end = at;
  for (;;) {
    if (end < text.length && isAsciiAlnum(text.charCodeAt(end))) end++;
    else if (text.charCodeAt(end) === 45 && isAsciiAlnum(text.charCodeAt(end + 1)) && end > start && !numberThenWord(text, end)) end++;
    else break;
  }
  let length = 0;
  let switches = 0;
  let letters = 0;
  let digits = 0;
  let previous = 0; // 1 digit, 2 letter
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 45) continue;
    const kind = c <= 57 ? 1 : 2;
    if (kind === 1) digits++;
    else letters++;
    if (previous !== 0 && kind !== previous) switches++;
    previous = kind;
    length++;
  }
  lastRunEnd = end;
  if (!((length >= 7 && switches >= 2) || (length >= 10 && letters > 0 && digits > 0))) return PLAIN;
  const run = text.slice(start, end);
  if (WORD_THEN_NUMBER.test(run)) return PLAIN;
  return POSTCODE_RUN.test(run) ? POSTCODE : CODE;
}

/** Whether the hyphen at text[at] stands between a number and a word with a letter beyond a–f ("75002-Paris", not "4991-abcd"). */
function numberThenWord(text: string, at: number): boolean {
  let k = at - 1;
  while (k >= 0 && isAsciiDigit(text.charCodeAt(k))) k--;
  if (k === at - 1 || (k >= 0 && isAsciiAlnum(text.charCodeAt(k)))) return false;
  let beyondHex = false;
  let e = at + 1;
  for (; e < text.length; e++) {
    const c = text.charCodeAt(e) | 32;
    if (c < 97 || c > 122) break;
    if (c > 102) beyondHex = true;
  }
  return beyondHex && e > at + 1 && !isAsciiAlnum(text.charCodeAt(e));
}

/** Words that start the rest of a sentence, not a city: "… 47391 by Friday", "… 75011 pour le dossier". */
const SENTENCE_WORDS = new Set(
  'by on in at for to from with and or but before after until since is was will le la les pour avec et ou en dans sur depuis avant après avec est sera'.split(
    ' ',
  ),
);

/**
 * The tagger may stop at a postcode and leave the city out, or stop at the city and leave the state
 * and ZIP code out, mostly in lower case ("via ildegonda 9, 45778 alda a mare", "south piper, nt
 * 0364"): up to three words after a postcode (or after the words the tagger kept after it), when a punctuation mark, a line break or the end
 * follows them; a two-letter state and a ZIP code after a comma.
 */
function extendAddressTail(text: string, span: TaggedSpan): void {
  const after = text.slice(span.end, span.end + 60);
  const zip = /^,? ?[A-Za-z]{2},? \d{4,5}(?:-\d{4})?(?![\p{L}\d])/u.exec(after);
  if (zip !== null) {
    span.end += zip[0].length;
    return;
  }
  const tail = text.slice(Math.max(span.start, span.end - 40), span.end);
  // Not after a US-style "KY 47391", where the city came before: what follows is the sentence.
  if (!/(?:\d{4,}(?:[A-Z]{2})?|\d-\d{3})(?: [\p{L}][\p{L}'’-]*){0,2}$/u.test(tail) || /\b[A-Z]{2} \d{5}(?:-\d{4})?$/.test(tail)) return;
  const city = /^(?:-\d{3,4})?(?: [\p{L}][\p{L}'’-]*){1,3}(?=[.,;:)\n]|$)/u.exec(after);
  if (city !== null && !SENTENCE_WORDS.has(/\p{L}[\p{L}'’-]*/u.exec(city[0])![0].toLowerCase())) span.end += city[0].length;
}

/**
 * A name: not glued to code ("AWS_ACCESS_KEY_ID", "LOG_LEVEL=", "E-1001", "N°"), no camelCase
 * word ("AccountName"), no number, not starting with a word of the non-name lexicon ("Customer
 * Care", "Société Durand"), not only titles; a lone ambiguous first name ("Florence", "Jordan")
 * or a text in capitals only ("DEMANDE D'AIDE") needs a lexicon first name or a cue; a lower-case
 * name needs a cue ("mr. elliott", "c'est lucas"); a capitalised name does not run on over
 * lower-case words; the name of a place ("salle Victor Hugo") is not one.
 */
function plausibleName(text: string, tokens: TaggerTokens, info: TokenInfo, span: TaggedSpan): boolean {
  // A cue the tagger took in ("c'est lucas girard", "Dear Anna") is left out of the name.
  while (span.first! < span.last! && (info.lexicon[span.first!]! & CUE_BITS) !== 0) {
    span.first!++;
    span.start = tokens.data[3 * span.first!]!;
  }
  // "pardon, Yannick Lebrun": a lower-case word (and the comma after it) does not start a capitalised name.
  if (hasCapital(info, span.first!, span.last!)) {
    while (
      span.first! < span.last! &&
      (tokenKind(tokens, span.first!) !== WORD || (((info.shape[span.first!]! - 1) & CAPITALISED) === 0 && !isParticleAt(text, tokens, span.first!)))
    ) {
      span.first!++;
      span.start = tokens.data[3 * span.first!]!;
    }
  }
  const first = span.first!;
  const last = span.last!;
  if (GLUED_CODE.test(text.charAt(span.start - 1)) || GLUED_AFTER.test(text.slice(span.end, span.end + 2))) return false;
  let capital = false;
  let lower = false;
  let words = 0;
  let long = false;
  let lexiconName = false;
  let ambiguousOnly = true;
  let shortest = Infinity;
  let sureFirst = false;
  let nonName = false;
  for (let i = first; i <= last; i++) {
    const kind = tokenKind(tokens, i);
    if (kind === NUMBER) return false;
    if (kind !== WORD) continue;
    const word = wordAt(text, tokens, i);
    const bits = info.lexicon[i]!;
    const isParticle = PARTICLES.has(word);
    // A word of the non-name lexicon ("Customer", "Société", "Zone") cannot start a name; initials ("A.", "L.") can.
    if (i === first && (bits & NON_NAME) !== 0 && (bits & FIRST_NAME) === 0 && !isParticle && word.length > 1) return false;
    if (mayBeCamel(text, tokens.data[3 * i]!, tokens.data[3 * i + 1]!) && CAMEL.test(text.slice(tokens.data[3 * i]!, tokens.data[3 * i + 1]!))) return false;
    const shape = info.shape[i]! - 1;
    if ((shape & CAPITALISED) !== 0) {
      capital = true;
      if ((shape & 2) === 0) lower = true; // not all capitals
    }
    if ((bits & (TITLE | NAME_CUE)) === 0 && !isParticle) words++;
    if (word.length >= 2) long = true;
    shortest = Math.min(shortest, word.length);
    if ((bits & FIRST_NAME) !== 0) lexiconName = true;
    if ((bits & (FIRST_NAME | AMBIGUOUS | NON_NAME)) === FIRST_NAME) sureFirst = true;
    if ((bits & (NON_NAME | FIRST_NAME)) === NON_NAME && !isParticle) nonName = true;
    if ((bits & AMBIGUOUS) === 0 || words > 1) ambiguousOnly = false;
  }
  if (words === 0 || !long) return false;
  if (first > 0 && personLexicon().placeNounsBefore.has(wordAt(text, tokens, first - 1))) return false;
  // A cue right before, or one word earlier ("mr. elliott", "my name is kwame").
  const cued = cueBefore(text, tokens, info, first - 1) || cueBefore(text, tokens, info, first - 2);
  if (ambiguousOnly && words === 1 && !cued) return false;
  // "Nexalis SAS", "Stone Design LLC": a legal form as the last word, or within two after.
  if ((personLexicon().asWritten(text.slice(tokens.data[3 * last]!, tokens.data[3 * last + 1]!)) & LEGAL_FORM) !== 0) return false;
  if (companyAfter(text, tokens, info, last)) return false;
  // "Customer Care Officer", "Agence Immobilière du Parc": the end of a longer capitalised phrase
  // that starts with a known non-name; "Barreau de Lille": ending on one (a city, a common word).
  if (
    first > 0 &&
    tokenKind(tokens, first - 1) === WORD &&
    ((info.shape[first - 1]! - 1) & CAPITALISED) !== 0 &&
    (info.lexicon[first - 1]! & (NON_NAME | CUE_BITS)) === NON_NAME &&
    text.slice(tokens.data[3 * (first - 1) + 1]!, span.start) === ' '
  )
    return false;
  if (last > first && (info.lexicon[last]! & (NON_NAME | FIRST_NAME)) === NON_NAME && !isParticleAt(text, tokens, last)) return false;
  // One word alone ("Redis", "Bearer", "Fils") is a name only after a cue or when the lexicon knows it as a first name.
  if (words === 1 && !cued && !lexiconName) return false;
  // In lower case, without a cue: two or three words, one a first name that is no ordinary word
  // and none a known non-name ("justine thomas", "kocsis, noel"; not "will smith" or "rose garden").
  if (!capital) return shortest >= 2 && !nonName && (cued || (words >= 2 && words <= 3 && sureFirst));
  if (!lower && !lexiconName && !cued) return false;
  let end = last;
  while (end > first && tokenKind(tokens, end) === WORD && ((info.shape[end]! - 1) & CAPITALISED) === 0 && !isParticleAt(text, tokens, end)) end--;
  if (end < last) {
    span.last = end;
    span.end = tokens.data[3 * end + 1]!;
  }
  return true;
}

function hasCapital(info: TokenInfo, first: number, last: number): boolean {
  for (let i = first; i <= last; i++) if (info.shape[i]! < 100 && ((info.shape[i]! - 1) & CAPITALISED) !== 0) return true;
  return false;
}

/** Around a name, these mean code or an identifier: "DB_HOST=", "E-1001", "N°", "x.Name", "3-D Secure". */
const GLUED_CODE = /[_=.\/@$#-]/;

/** "Stone Design LLC", "Johns Hopkins Hospital": a legal form or a place noun within two words after. */
function companyAfter(text: string, tokens: TaggerTokens, info: TokenInfo, last: number): boolean {
  const lexicon = personLexicon();
  for (let i = last + 1; i <= last + 2 && i < info.count; i++) {
    if (tokenKind(tokens, i) !== WORD) return false;
    if ((info.lexicon[i]! & PLACE_AFTER) !== 0 || (lexicon.asWritten(text.slice(tokens.data[3 * i]!, tokens.data[3 * i + 1]!)) & LEGAL_FORM) !== 0) return true;
  }
  return false;
}
const GLUED_AFTER = /^(?:[_=°@(\[]|-\d|\.\w)/;
/** A lower-case run of three letters then a capital inside a word: camelCase code, not a name ("MacKenzie" passes). */
const CAMEL = /\p{Ll}{3}\p{Lu}/u;

/**
 * CAMEL needs a capital at the fourth character or later: a word whose characters from the fourth
 * on are all ASCII lower-case letters cannot match, and is not sliced and tested.
 */
function mayBeCamel(text: string, start: number, end: number): boolean {
  for (let k = start + 3; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c < 97 || c > 122) return true;
  }
  return false;
}

/** The longest particle's length: lower-casing never shortens a word, so a longer one is none. */
const LONGEST_PARTICLE = Math.max(...[...PARTICLES].map((p) => p.length));

/** Token i is a particle of PARTICLES, in any case; longer words are not sliced. */
function isParticleAt(text: string, tokens: TaggerTokens, i: number): boolean {
  return tokens.data[3 * i + 1]! - tokens.data[3 * i]! <= LONGEST_PARTICLE && PARTICLES.has(wordAt(text, tokens, i));
}

function wordAt(text: string, tokens: TaggerTokens, i: number): string {
  return text.slice(tokens.data[3 * i]!, tokens.data[3 * i + 1]!).toLowerCase();
}

/** Token i is a cue for a lower-case name ("mr.", "dear", "chez", "c'est"); "me" (Maître, and the English pronoun) is not. */
function cueBefore(text: string, tokens: TaggerTokens, info: TokenInfo, i: number): boolean {
  return i >= 0 && (info.lexicon[i]! & CUE_BITS) !== 0 && wordAt(text, tokens, i) !== 'me';
}

/** Street words written as endings of one word: "Hauptstraße", "Maashofstr", "Kerkstraat", "Storgatan". */
const STREET_ENDING = /(?:stra(?:ß|ss)e|str|weg|laan|gasse|straat|gracht|plein|gatan|vägen|vej|gade|veien|katu|tie|utca|ulica|allee|platz|damm|ring)$/u;

/**
 * The South Slavic and Czech adjectival street names, whose "ulica" goes unwritten ("Mlinska 7",
 * "Bjelovarska 349", "Vinohradská 12"): six letters at least.
 */
const SLAVIC_STREET = /^\p{L}{3,}(?:ska|ška|ská)$/u;

/**
 * Token i is a street by its ending. A Slavic street name reads as a surname too ("Anna Kowalska
 * 12 lat", "Kowalska 12 tomorrow"): it is one only before its house number, with no word right
 * after the number.
 */
function streetByEnding(text: string, tokens: TaggerTokens, info: TokenInfo, i: number): boolean {
  const word = wordAt(text, tokens, i);
  if (STREET_ENDING.test(word)) return true;
  if (!SLAVIC_STREET.test(word)) return false;
  return i + 1 < info.count && tokenKind(tokens, i + 1) === NUMBER && (i + 2 >= info.count || tokenKind(tokens, i + 2) !== WORD);
}

/** A number that can start or end a street address: not a time ("6pm", "10:30"), a decimal or an amount ("4,482"). */
function houseNumber(text: string, tokens: TaggerTokens, i: number): boolean {
  const start = tokens.data[3 * i]!;
  const end = tokens.data[3 * i + 1]!;
  const glued = text.slice(start, end).replace(/^\d+/, '').toLowerCase();
  if (glued === 'am' || glued === 'pm' || glued === 'h' || glued === 'min' || glued === 'mg' || glued === 'kg' || glued === 'ml') return false;
  const before = text.charCodeAt(start - 1);
  const after = text.charCodeAt(end);
  const digit = (c: number) => c >= 48 && c <= 57;
  if ((after === 46 || after === 44) && digit(text.charCodeAt(end + 1))) return false;
  return before !== 58 && after !== 58 && !((before === 46 || before === 44) && digit(text.charCodeAt(start - 2)));
}

/** Lexicon bits that open a longer window: a name or an address may follow, even in lower case. */
const CUE_WINDOW = TITLE | GREETING | LABEL_CUE | NAME_CUE | ADDRESS_WORD;

/** A capitalised word that is not a known non-name ("The", "Mardi", "Paris"), or a first name. */
function nameLike(info: TokenInfo, i: number): boolean {
  if (i < 0 || i >= info.count) return false;
  const shape = info.shape[i]!;
  if (shape >= 100 || ((shape - 1) & CAPITALISED) === 0) return false;
  return (info.lexicon[i]! & NON_NAME) === 0 || (info.lexicon[i]! & FIRST_NAME) !== 0;
}

/** A first name of the lexicon that is no ordinary word, in any case ("justine", "stefan"; not "will", "rose"). */
function sureFirstName(info: TokenInfo, i: number): boolean {
  return (info.lexicon[i]! & (FIRST_NAME | AMBIGUOUS | NON_NAME)) === FIRST_NAME;
}

/**
 * How many tokens after token i the window reaches (0: not interesting). Ordinary prose opens few
 * windows: sentence-initial words are mostly known non-names, and a number opens one only next to
 * a capitalised word or a street word ("12 rue", "Baan 473", "75011 Paris"), not "3,5 %" or "2025".
 */
function interest(info: TokenInfo, i: number): number {
  if ((info.lexicon[i]! & CUE_WINDOW) !== 0) return CUE_AFTER;
  const shape = info.shape[i]!;
  if (shape >= 100 && shape < 200) {
    for (let k = Math.max(0, i - 3); k <= i + 3 && k < info.count; k++) {
      if (nameLike(info, k) || (info.lexicon[k]! & (ADDRESS_WORD | STREET_SUFFIX)) !== 0) return WINDOW_AFTER;
      // A house number and a postcode a few words apart, in lower case: "skopska 96, 94295 opuzen".
      if (k !== i && (info.shape[k] === 104 || info.shape[k] === 105) && shape < 110) return CUE_AFTER;
    }
    return 0;
  }
  if (nameLike(info, i) || sureFirstName(info, i)) return WINDOW_AFTER;
  // A known non-name starts a window only before another capitalised word ("Le Goff", "Van Dyke").
  return shape < 100 && ((shape - 1) & CAPITALISED) !== 0 && nameLike(info, i + 1) ? WINDOW_AFTER : 0;
}

export { NUMBER, WORD };
