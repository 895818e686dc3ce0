/**
 * The text the classifier reads: compatibility-folded (NFKC: full-width and styled letters become
 * plain ones), accents removed (French attacks often drop them), lower case, invisible characters
 * removed (so "ig\u200Bnore" reads as "ignore"; the hidden-text signal reports them separately)
 * and runs of white space collapsed to one space.
 *
 * Folding is done one UTF-16 code unit at a time through a table filled on first sight of each
 * character (so a scan costs a table read per character, not three Unicode normalisations of the
 * whole text). Texts holding surrogate pairs (styled mathematical letters, Unicode tag
 * characters, emoji) take the whole-text path, which folds pairs too. The two paths differ only
 * where NFKC composes across characters outside the combining-accent block (Hangul jamo, some
 * Indic and Arabic marks): the per-character path leaves those sequences as they are.
 */
export function normalizeForModel(text: string): string {
  const folded = foldForModel(text);
  return decodeCodes(folded.codes, folded.length);
}

/** The folded text as UTF-16 code units (`codes[0, length)`); `codes` may be a reused scratch buffer. */
export interface FoldedText {
  codes: Uint16Array;
  length: number;
  /**
   * Whether the original text holds a run of 24 or more base64 characters, the shortest a hidden
   * payload can be (signals/encoded-payloads.ts): the fold reads every code unit anyway, so the
   * payload search is skipped for free on texts without one.
   */
  longBase64Run: boolean;
}

/** A-Z a-z 0-9 + / _ - (standard and URL-safe base64). */
const BASE64_CHAR = Uint8Array.from({ length: 128 }, (_, c) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 47 && c <= 57) || c === 43 || c === 45 || c === 95 ? 1 : 0,
);

const REMOVED = -1;
const SPACE = -2;
const MULTI = -3;
/** Per code unit: 0 unknown, code + 1, REMOVED, SPACE or MULTI (then `multi` holds the folded string). */
const table = new Int32Array(65536);
const multi = new Map<number, string>();
let scratch = new Uint16Array(4096);

function learn(code: number): number {
  const folded = wholeTextFold(String.fromCharCode(code));
  let entry: number;
  if (folded === '') entry = REMOVED;
  else if (/^\s+$/.test(folded)) entry = SPACE;
  else if (folded.length === 1) entry = folded.charCodeAt(0) + 1;
  else {
    multi.set(code, folded);
    entry = MULTI;
  }
  table[code] = entry;
  return entry;
}

/** Folds `text` into a scratch buffer shared by all callers of this module (read it before the next call). */
export function foldForModel(text: string): FoldedText {
  if (/[\ud800-\udfff]/.test(text)) {
    const whole = wholeTextFold(text).replace(/\s+/g, ' ').trim();
    const codes = ensure(whole.length);
    for (let i = 0; i < whole.length; i++) codes[i] = whole.charCodeAt(i);
    return { codes, length: whole.length, longBase64Run: true };
  }
  // Folding never lengthens a text except through MULTI entries, which make room for themselves:
  // the inner loop stops before one that does not fit, the buffer grows, and the loop goes on from
  // that character. (`codes` is then never reassigned inside the loop, which lets the compiler keep
  // the buffer's bounds in registers: the fold costs about a third less.)
  let codes = ensure(text.length + 1);
  const length = text.length;
  let n = 0;
  let space = false;
  let run = 0;
  let longRun = false;
  let i = 0;
  for (;;) {
    const out = codes;
    for (; i < length; i++) {
      const code = text.charCodeAt(i);
      // MULTI characters are never ASCII, so a character seen twice (after growing) counts once.
      if (code < 128 && BASE64_CHAR[code] === 1) {
        if (++run >= 24) longRun = true;
      } else run = 0;
      let entry = table[code] as number;
      if (entry === 0) entry = learn(code);
      if (entry > 0) {
        if (space) {
          if (n > 0) out[n++] = 32;
          space = false;
        }
        out[n++] = entry - 1;
      } else if (entry === SPACE) space = true;
      else if (entry === MULTI) {
        const folded = multi.get(code) as string;
        if (n + folded.length * 2 + (length - i) + 1 > out.length) break;
        for (let k = 0; k < folded.length; k++) {
          const c = folded.charCodeAt(k);
          if (c === 32 || /\s/.test(folded.charAt(k))) space = true;
          else {
            if (space && n > 0) out[n++] = 32;
            space = false;
            out[n++] = c;
          }
        }
      }
    }
    if (i >= length) break;
    codes = ensure(n + (multi.get(text.charCodeAt(i)) as string).length * 2 + (length - i) + 1, n);
  }
  return { codes, length: n, longBase64Run: longRun };
}

function ensure(size: number, keep = 0): Uint16Array {
  if (scratch.length < size) {
    const bigger = new Uint16Array(Math.max(size, scratch.length * 2));
    bigger.set(scratch.subarray(0, keep));
    scratch = bigger;
  }
  return scratch;
}

const utf16 = new TextDecoder('utf-16le');

/** The string of `codes[0, length)`. */
export function decodeCodes(codes: Uint16Array, length: number): string {
  if (length === 0) return '';
  return utf16.decode(new Uint8Array(codes.buffer, codes.byteOffset, length * 2));
}

/** The reference folding (whole text, pairs included); the per-character table is built from it. */
function wholeTextFold(text: string): string {
  return text.normalize('NFKD').replace(INVISIBLE_OR_MARK, '').normalize('NFKC').toLowerCase();
}

/**
 * Combining marks, zero-width characters, bidi controls, soft hyphen, the BOM and Unicode tag
 * characters (U+E0000–U+E007F, as surrogate pairs).
 */
const INVISIBLE_OR_MARK = /[\u0300-\u036f\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/g;
