/**
 * The text the classifier reads: compatibility-folded (NFKC: full-width and styled letters become
 * plain ones), accents removed (French attacks often drop them), lower case, invisible characters
 * removed (so "ig\u200Bnore" reads as "ignore"; the hidden-text signal reports them separately)
 * and runs of white space collapsed to one space.
 */
export function normalizeForModel(text: string): string {
  return text.normalize('NFKD').replace(INVISIBLE_OR_MARK, '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Combining marks, zero-width characters, bidi controls, soft hyphen, the BOM and Unicode tag
 * characters (U+E0000–U+E007F, as surrogate pairs).
 */
const INVISIBLE_OR_MARK = /[\u0300-\u036f\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/g;
