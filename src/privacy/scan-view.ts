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
  /**
   * How view offsets map back: sorted segments. A copied run maps offset for offset; a replaced
   * unit (an escape, an entity, a cluster) maps every view character to the whole original unit.
   * Undefined when the view is the text itself.
   */
  readonly segments: Segments | undefined;
}

interface Segments {
  viewStart: number[];
  origStart: number[];
  origEnd: number[];
  copied: boolean[];
}

/** Characters no reader sees: zero-width, joiners, bidi controls, soft hyphen, variation selectors. */
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]/;
/** Anything the view would change, beside NFKC (checked separately, natively). */
const QUICK =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]|%[0-9A-Fa-f]{2}|&#?[A-Za-z0-9]{2,32};|[0-9A-Za-z][ \t]*[\r\n][ \t\r\n]*\d|\d[ \t]*[\r\n][ \t\r\n]*[0-9A-Za-z]/;
/** NFKC leaves ASCII as it is: a text without any other character needs no normalisation (which builds a copy to compare). */
const NON_ASCII = /[^\x00-\x7f]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');
const ENTITY = /&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/y;
const COMBINING = /\p{M}/u;
const ALNUM = /[0-9A-Za-z]/;
const DIGIT = /[0-9]/;

/** Named entities that can spell out an address, a number or a separator. Others stay as they are. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  commat: '@',
  period: '.',
  plus: '+',
  minus: '-',
  hyphen: '-',
  dash: '-',
  ndash: '-',
  mdash: '-',
  lowbar: '_',
  num: '#',
  colon: ':',
  sol: '/',
  bsol: '\\',
  comma: ',',
  semi: ';',
  excl: '!',
  quest: '?',
  lpar: '(',
  rpar: ')',
  percnt: '%',
  dollar: '$',
  equals: '=',
  ast: '*',
  midast: '*',
  thinsp: ' ',
  ensp: ' ',
  emsp: ' ',
  zwsp: '',
  zwnj: '',
  zwj: '',
  shy: '',
  lrm: '',
  rlm: '',
  Hat: '^',
  grave: '`',
  tilde: '~',
  verbar: '|',
  vert: '|',
};

/** The view of `text`; the text itself (no copy, no offset table) when nothing needs undoing. */
export function scanViewOf(text: string): ScanView {
  if (!QUICK.test(text) && (!NON_ASCII.test(text) || text.normalize('NFKC') === text)) return { text, segments: undefined };
  return new ViewBuilder(text).build();
}

/** Maps a span of the view back to the original text (widened to whole original units). */
export function originalRange(view: ScanView, start: number, end: number): { start: number; end: number } {
  const seg = view.segments;
  if (seg === undefined) return { start, end };
  const a = segmentAt(seg, start);
  const b = segmentAt(seg, end - 1);
  return {
    start: seg.copied[a] === true ? seg.origStart[a]! + (start - seg.viewStart[a]!) : seg.origStart[a]!,
    end: seg.copied[b] === true ? seg.origStart[b]! + (end - seg.viewStart[b]!) : seg.origEnd[b]!,
  };
}

function segmentAt(seg: Segments, at: number): number {
  let lo = 0;
  let hi = seg.viewStart.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (seg.viewStart[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Where the view may differ from the text: everything else is copied in runs. */
const SPECIAL = /[%&\r\n\u0080-\uffff]/g;

class ViewBuilder {
  readonly #src: string;
  readonly #pieces: string[] = [];
  readonly #seg: Segments = { viewStart: [], origStart: [], origEnd: [], copied: [] };
  #viewLength = 0;
  /** Start of the run of the source not yet copied. */
  #run = 0;

  constructor(src: string) {
    this.#src = src;
  }

  build(): ScanView {
    const src = this.#src;
    SPECIAL.lastIndex = 0;
    for (let m = SPECIAL.exec(src); m !== null; m = SPECIAL.exec(src)) {
      const i = m.index;
      const c = src.charCodeAt(i);
      const next = c === 37 ? this.#percent(i) : c === 38 ? this.#entity(i) : c === 10 || c === 13 ? this.#lineBreak(i) : this.#cluster(i);
      SPECIAL.lastIndex = next;
    }
    this.#copyTo(src.length);
    return { text: this.#pieces.join(''), segments: this.#seg };
  }

  /** Copies the pending run of the source up to `end`. */
  #copyTo(end: number): void {
    if (end <= this.#run) return;
    this.#segment(this.#src.slice(this.#run, end), this.#run, end, true);
  }

  #segment(text: string, origStart: number, origEnd: number, copied: boolean): void {
    if (text.length === 0) return;
    this.#pieces.push(text);
    this.#seg.viewStart.push(this.#viewLength);
    this.#seg.origStart.push(origStart);
    this.#seg.origEnd.push(origEnd);
    this.#seg.copied.push(copied);
    this.#viewLength += text.length;
  }

  /** src[start, end) reads as `text` in the view. */
  #replace(text: string, start: number, end: number): number {
    this.#copyTo(start);
    this.#segment(text, start, end, false);
    this.#run = end;
    return end;
  }

  /** One escape, or a whole UTF-8 sequence of escapes; a lone `%` stays. */
  #percent(i: number): number {
    const src = this.#src;
    const byteAt = (at: number): number =>
      src[at] === '%' && isHex(src.charCodeAt(at + 1)) && isHex(src.charCodeAt(at + 2)) ? parseInt(src.slice(at + 1, at + 3), 16) : -1;
    const lead = byteAt(i);
    const length = lead < 0 ? 0 : lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    const bytes: number[] = [];
    for (let k = 0; k < length; k++) {
      const b = byteAt(i + 3 * k);
      if (b < 0 || (k > 0 && (b & 0xc0) !== 0x80)) break;
      bytes.push(b);
    }
    if (length === 0 || bytes.length !== length) return i + 1;
    const decoded = Buffer.from(bytes).toString('utf8');
    if (decoded.includes('\ufffd')) return i + 1;
    return this.#replace(decoded.normalize('NFKC').replace(INVISIBLE_ALL, ''), i, i + 3 * length);
  }

  #entity(i: number): number {
    ENTITY.lastIndex = i;
    const m = ENTITY.exec(this.#src);
    if (m === null) return i + 1;
    let decoded: string | undefined;
    if (m[3] !== undefined) decoded = NAMED_ENTITIES[m[3]];
    else {
      const code = m[1] !== undefined ? parseInt(m[1], 10) : parseInt(m[2]!, 16);
      if (code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) decoded = String.fromCodePoint(code).normalize('NFKC').replace(INVISIBLE_ALL, '');
    }
    return decoded === undefined ? i + 1 : this.#replace(decoded, i, i + m[0].length);
  }

  /**
   * A line break between a digit and an alphanumeric (either order) inside a number group reads
   * as one space, with the blanks around it; any other line break stays.
   */
  #lineBreak(i: number): number {
    const src = this.#src;
    const j = src[i] === '\r' && src[i + 1] === '\n' ? i + 2 : i + 1;
    let after = j;
    while (src[after] === ' ' || src[after] === '\t') after++;
    let from = i;
    while (from > this.#run && (src[from - 1] === ' ' || src[from - 1] === '\t')) from--;
    const before = from > this.#run ? src[from - 1]! : (this.#pieces.at(-1)?.at(-1) ?? '');
    const next = src[after] ?? '';
    const joins = ALNUM.test(before) && ALNUM.test(next) && (DIGIT.test(before) || DIGIT.test(next));
    return joins ? this.#replace(' ', from, after) : j;
  }

  /** A code point and its combining marks, NFKC-normalised as one; invisible characters dropped. */
  #cluster(i: number): number {
    const src = this.#src;
    let j = i + codePointLength(src, i);
    while (j < src.length && src.charCodeAt(j) >= 0x300 && COMBINING.test(String.fromCodePoint(src.codePointAt(j)!))) j += codePointLength(src, j);
    const cluster = src.slice(i, j);
    const normal = cluster.normalize('NFKC');
    if (normal === cluster && !INVISIBLE.test(cluster)) return j; // the common case: é, ç, €
    return this.#replace(normal.replace(INVISIBLE_ALL, ''), i, j);
  }
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function codePointLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
}
