/**
 * The text the detectors read: a normalised view of the caller's text, so that a value written
 * to slip past them is still found. Every character of the view knows the range of the original
 * text it came from, so spans found in the view map back to exact spans of the original (the
 * rewrite replaces, and the restorer puts back, the original spelling).
 *
 * What the view undoes:
 * - zero-width and bidi control characters, soft hyphens, variation selectors: removed;
 * - NFKC per character cluster: full-width digits and letters, compatibility spaces (NBSP, thin
 *   space), ligatures, superscripts, composed accents;
 * - a line break inside a group of digits (`FR76 3000\n6000 ...`): one space;
 * - URL escapes (`%40`, `%C3%A9`) and HTML entities (`&#64;`, `&#x40;`, `&commat;`, `&amp;` ...):
 *   decoded, one level.
 */

export interface ScanView {
  /** What the detectors scan. */
  readonly text: string;
  /** Original start of view character i; undefined when the view is the text itself. */
  readonly starts: Int32Array | undefined;
  /** Original end of view character i. */
  readonly ends: Int32Array | undefined;
}

/** Characters no reader sees: zero-width, joiners, bidi controls, soft hyphen, variation selectors. */
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]/;
/** Anything the view would change, beside NFKC (checked separately, natively). */
const QUICK = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]|%[0-9A-Fa-f]{2}|&#?[A-Za-z0-9]{2,32};|[0-9A-Za-z][ \t]*[\r\n][ \t\r\n]*\d|\d[ \t]*[\r\n][ \t\r\n]*[0-9A-Za-z]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');
const ENTITY = /&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/y;
const COMBINING = /\p{M}/u;
const ALNUM = /[0-9A-Za-z]/;
const DIGIT = /[0-9]/;

/** Named entities that can spell out an address, a number or a separator. Others stay as they are. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', commat: '@', period: '.', plus: '+',
  minus: '-', hyphen: '-', dash: '-', ndash: '-', mdash: '-', lowbar: '_', num: '#', colon: ':', sol: '/',
  bsol: '\\', comma: ',', semi: ';', excl: '!', quest: '?', lpar: '(', rpar: ')', percnt: '%', dollar: '$',
  equals: '=', ast: '*', midast: '*', thinsp: ' ', ensp: ' ', emsp: ' ', zwsp: '', zwnj: '', zwj: '', shy: '',
  lrm: '', rlm: '', Hat: '^', grave: '`', tilde: '~', verbar: '|', vert: '|',
};

/** The view of `text`; the text itself (no copy, no offset table) when nothing needs undoing. */
export function scanViewOf(text: string): ScanView {
  if (!QUICK.test(text) && text.normalize('NFKC') === text) return { text, starts: undefined, ends: undefined };
  return new ViewBuilder(text).build();
}

/** Maps a span of the view back to the original text (widened to whole original units). */
export function originalRange(view: ScanView, start: number, end: number): { start: number; end: number } {
  if (view.starts === undefined || view.ends === undefined) return { start, end };
  return { start: view.starts[start]!, end: view.ends[end - 1]! };
}

class ViewBuilder {
  readonly #src: string;
  readonly #out: string[] = [];
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];

  constructor(src: string) {
    this.#src = src;
  }

  build(): ScanView {
    const src = this.#src;
    let i = 0;
    while (i < src.length) {
      const c = src.charCodeAt(i);
      if (c === 37 /* % */) i = this.#percent(i);
      else if (c === 38 /* & */) i = this.#entity(i);
      else if (c === 10 || c === 13) i = this.#lineBreak(i);
      else if (c < 0x80) this.#emit(src[i]!, i, ++i);
      else i = this.#cluster(i);
    }
    const starts = Int32Array.from(this.#starts);
    const ends = Int32Array.from(this.#ends);
    return { text: this.#out.join(''), starts, ends };
  }

  /** Each UTF-16 unit of `text` comes from src[start, end). */
  #emit(text: string, start: number, end: number): void {
    for (let k = 0; k < text.length; k++) {
      this.#out.push(text[k]!);
      this.#starts.push(start);
      this.#ends.push(end);
    }
  }

  /** One escape, or a whole UTF-8 sequence of escapes; a lone `%` stays. */
  #percent(i: number): number {
    const src = this.#src;
    const byteAt = (at: number): number => (src[at] === '%' && /^[0-9A-Fa-f]{2}$/.test(src.slice(at + 1, at + 3)) ? parseInt(src.slice(at + 1, at + 3), 16) : -1);
    const lead = byteAt(i);
    const length = lead < 0 ? 0 : lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    const bytes: number[] = [];
    for (let k = 0; k < length; k++) {
      const b = byteAt(i + 3 * k);
      if (b < 0 || (k > 0 && (b & 0xc0) !== 0x80)) break;
      bytes.push(b);
    }
    if (length === 0 || bytes.length !== length) {
      this.#emit('%', i, i + 1);
      return i + 1;
    }
    const decoded = Buffer.from(bytes).toString('utf8');
    if (decoded.includes('\ufffd')) {
      this.#emit('%', i, i + 1);
      return i + 1;
    }
    this.#emit(decoded.normalize('NFKC').replace(INVISIBLE_ALL, ''), i, i + 3 * length);
    return i + 3 * length;
  }

  #entity(i: number): number {
    ENTITY.lastIndex = i;
    const m = ENTITY.exec(this.#src);
    let decoded: string | undefined;
    if (m !== null) {
      if (m[3] !== undefined) decoded = NAMED_ENTITIES[m[3]];
      else {
        const code = m[1] !== undefined ? parseInt(m[1], 10) : parseInt(m[2]!, 16);
        if (code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) decoded = String.fromCodePoint(code).normalize('NFKC').replace(INVISIBLE_ALL, '');
      }
    }
    if (m === null || decoded === undefined) {
      this.#emit('&', i, i + 1);
      return i + 1;
    }
    this.#emit(decoded, i, i + m[0].length);
    return i + m[0].length;
  }

  /**
   * A line break between a digit and an alphanumeric (either order) inside a number group becomes
   * one space, with the blanks around it; any other line break stays.
   */
  #lineBreak(i: number): number {
    const src = this.#src;
    let j = i;
    if (src[j] === '\r' && src[j + 1] === '\n') j += 2;
    else j += 1;
    let after = j;
    while (src[after] === ' ' || src[after] === '\t') after++;
    let lastOut = this.#out.length - 1;
    while (lastOut >= 0 && (this.#out[lastOut] === ' ' || this.#out[lastOut] === '\t')) lastOut--;
    const before = lastOut >= 0 ? this.#out[lastOut]! : '';
    const next = src[after] ?? '';
    const joins = ALNUM.test(before) && ALNUM.test(next) && (DIGIT.test(before) || DIGIT.test(next));
    if (!joins) {
      this.#emit(src.slice(i, j), i, j);
      return j;
    }
    const from = lastOut + 1 < this.#starts.length ? this.#starts[lastOut + 1]! : i;
    this.#out.length = this.#starts.length = this.#ends.length = lastOut + 1;
    this.#emit(' ', from, after);
    return after;
  }

  /** A code point and its combining marks, NFKC-normalised as one; invisible characters dropped. */
  #cluster(i: number): number {
    const src = this.#src;
    let j = i + codePointLength(src, i);
    while (j < src.length && COMBINING.test(String.fromCodePoint(src.codePointAt(j)!))) j += codePointLength(src, j);
    const cluster = src.slice(i, j);
    if (INVISIBLE.test(cluster) && cluster.length === codePointLength(src, i)) return j; // removed
    this.#emit(cluster.normalize('NFKC').replace(INVISIBLE_ALL, ''), i, j);
    return j;
  }
}

function codePointLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
}
