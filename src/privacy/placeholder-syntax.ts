/**
 * Recognises placeholders as models write them back, including the usual manglings:
 * `<PERSON_1>`, `<Person_1>`, `<PERSON 1>`, `<PERSON-1>`, `<PERSON1>`, `[PERSON_1]`, `[[PERSON_1]]`,
 * `{{PERSON_1}}`, `(PERSON_1)`, `< PERSON_1 >`, `\u003cPERSON_1\u003e` (JSON-escaped), `&lt;PERSON_1&gt;`,
 * `<PERSON\_1>` (Markdown-escaped), a dropped closing bracket, and the bare `PERSON_1`.
 * The bare form is accepted only in upper case with `_`, as a whole word: "person 1" in prose is not one.
 * `<<PERSON_1>>` is read as angle brackets around `<PERSON_1>`, not as a doubled bracket: that is
 * exactly what the gateway sends when the original had the value between angle brackets, as
 * e-mail headers do (`Mason Brennan <ethan@x.org>` → `<PERSON_1> <<EMAIL_1>>`), and the restored
 * text must equal the original.
 *
 * The matcher is incremental: at the end of an unfinished text it answers `more` whenever the
 * next characters could change its answer, which is what lets the stream restorer hold back only
 * a possible placeholder prefix and still give exactly the result of a whole-text restore.
 */
export type PlaceholderMatch = { kind: 'match'; end: number; type: string; n: number } | { kind: 'none' } | { kind: 'more' };

const NONE: PlaceholderMatch = { kind: 'none' };
const MORE: PlaceholderMatch = { kind: 'more' };

/** Opening forms and the closing form each expects. Longest first. */
const BRACKETS: ReadonlyArray<readonly [string, string]> = [
  ['\\u003c', '\\u003e'],
  ['\\u003C', '\\u003E'],
  ['&lt;', '&gt;'],
  ['[[', ']]'],
  ['{{', '}}'],
  ['<', '>'],
  ['[', ']'],
  ['{', '}'],
  ['(', ')'],
  ['‹', '›'],
  ['«', '»'],
  ['＜', '＞'],
];
const OPENER_FIRST = new Set(BRACKETS.map(([open]) => open[0]!));
/** Any closing form, accepted when the expected one is not there: `[PERSON_1>`. */
const ANY_CLOSER = ['\\u003e', '\\u003E', '&gt;', ']]', '}}', '>', ']', '}', ')', '›', '»', '＞'];
const MAX_DIGITS = 6;

type Tri = 'yes' | 'no' | 'more';

/** Whether `literal` is at `i`; `more` when the text ends on a prefix of it. */
function literalAt(text: string, i: number, literal: string, final: boolean, ignoreCase = false): Tri {
  for (let k = 0; k < literal.length; k++) {
    const c = text[i + k];
    if (c === undefined) return final ? 'no' : 'more';
    const want = literal[k]!;
    if (c !== want && !(ignoreCase && c.toUpperCase() === want)) return 'no';
  }
  return 'yes';
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

export interface PlaceholderMatcher {
  /** Finds the next character at which a placeholder may start: a global regex, set `lastIndex` first. */
  readonly candidates: RegExp;
  /** Match at `i`; `prev` is the character before `i` in the source (for the bare form). */
  matchAt(text: string, i: number, prev: string | undefined, final: boolean): PlaceholderMatch;
}

/** A matcher for the given type names (upper case, e.g. PERSON, CREDIT_CARD). */
export function createPlaceholderMatcher(types: readonly string[]): PlaceholderMatcher {
  const sorted = [...new Set(types)].sort((a, b) => b.length - a.length);
  const bareFirst = new Set(sorted.map((t) => t[0]!));
  const anyFirst = new Set(sorted.flatMap((t) => [t[0]!, t[0]!.toLowerCase()]));
  const chars = [...OPENER_FIRST, ...bareFirst].map((c) => c.replace(/[\\\]\[^-]/g, '\\$&')).join('');
  return {
    candidates: new RegExp(`[${chars}]`, 'g'),
    matchAt(text, i, prev, final) {
      if (sorted.length === 0) return NONE;
      const c = text[i];
      if (c === undefined) return final ? NONE : MORE;
      let pending = false;
      if (OPENER_FIRST.has(c)) {
        for (const [open, close] of BRACKETS) {
          const o = literalAt(text, i, open, final);
          if (o === 'more') pending = true;
          if (o !== 'yes') continue;
          const r = matchBody(text, i + open.length, close, sorted, anyFirst, final, true);
          if (r.kind === 'match') return r;
          if (r.kind === 'more') pending = true;
        }
      } else if (bareFirst.has(c) && !isWordChar(prev)) {
        const r = matchBody(text, i, null, sorted, anyFirst, final, false);
        if (r.kind !== 'none') return r;
      }
      return pending ? MORE : NONE;
    },
  };
}

/** TYPE, separator, number, then the closer (bracketed) or a word boundary (bare). */
function matchBody(
  text: string,
  from: number,
  close: string | null,
  types: readonly string[],
  anyFirst: Set<string>,
  final: boolean,
  lenient: boolean,
): PlaceholderMatch {
  let i = from;
  if (lenient && text[i] === ' ') i++;
  const first = text[i];
  if (first === undefined) return final ? NONE : MORE;
  if (!anyFirst.has(first)) return NONE;
  let pending = false;
  for (const type of types) {
    const r = matchTyped(text, i, type, close, final, lenient);
    if (r.kind === 'match') return r;
    if (r.kind === 'more') pending = true;
  }
  return pending ? MORE : NONE;
}

function matchTyped(text: string, from: number, type: string, close: string | null, final: boolean, lenient: boolean): PlaceholderMatch {
  // The type name; in bracketed forms case-insensitive, with `_` also written ' ', '-', '\_' or nothing.
  let i = from;
  const words = type.split('_');
  for (let w = 0; w < words.length; w++) {
    if (w > 0) {
      const sep = separatorAt(text, i, final, lenient);
      if (sep === -2) return MORE;
      if (sep === -1) return NONE;
      i += sep;
    }
    const t = literalAt(text, i, words[w]!, final, lenient);
    if (t !== 'yes') return t === 'more' ? MORE : NONE;
    i += words[w]!.length;
  }
  const sep = separatorAt(text, i, final, lenient, '#');
  if (sep === -2) return MORE;
  if (sep === -1) return NONE;
  i += sep;
  const digitsStart = i;
  while (i < text.length && i - digitsStart <= MAX_DIGITS && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  const digits = i - digitsStart;
  if (digits > MAX_DIGITS) return NONE;
  if (i === text.length && !final) return MORE; // more digits or a closer may follow
  if (digits === 0) return NONE;
  const n = Number(text.slice(digitsStart, i));
  return closeAt(text, i, close, final, lenient, (end) => ({ kind: 'match', end, type, n }));
}

/**
 * Length of the separator at `i` (0 when none, which is allowed in bracketed forms), -1 when the
 * text cannot be a placeholder, -2 when more text is needed. Bare placeholders need a plain `_`.
 */
function separatorAt(text: string, i: number, final: boolean, lenient: boolean, extra = ''): number {
  const c = text[i];
  if (c === undefined) return final ? -1 : -2;
  if (c === '_') return 1;
  if (c === '\\') {
    const n = text[i + 1];
    if (n === undefined) return final ? -1 : -2;
    return n === '_' ? 2 : -1;
  }
  if (!lenient) return -1;
  if (c === ' ' || c === '-' || c === extra) return 1;
  return 0;
}

function closeAt(text: string, i: number, close: string | null, final: boolean, lenient: boolean, done: (end: number) => PlaceholderMatch): PlaceholderMatch {
  if (close === null) {
    // Bare: must end the word ("PERSON_1x" is something else).
    const c = text[i];
    if (c === undefined) return final ? done(i) : MORE;
    return isWordChar(c) ? NONE : done(i);
  }
  let j = i;
  if (lenient && text[j] === ' ') j++;
  if (j === text.length && !final) return MORE;
  for (const closer of [close, ...ANY_CLOSER]) {
    const r = literalAt(text, j, closer, final);
    if (r === 'more') return MORE;
    if (r === 'yes') return done(j + closer.length);
  }
  // Closing bracket dropped: "<PERSON_1 a appelé". Still one unambiguous placeholder.
  return isWordChar(text[i]) ? NONE : done(i);
}
