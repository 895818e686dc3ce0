/** How many leading bytes the UTF-16 guess looks at. */
const SNIFF_BYTES = 4096;
/** What windows-1252 puts at 0x80..0x9F, where Latin-1 has C1 controls (WHATWG Encoding Standard). */
const CP1252_C1 =
  '\u20AC\x81\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\x8D\u017D\x8F\x90\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\x9D\u017E\u0178';

/**
 * The text of a file's bytes, whatever its encoding: a byte-order mark wins; then a `declared`
 * charset label (an HTML meta tag) that TextDecoder knows; then UTF-16 recognised by its NUL
 * bytes; then strict UTF-8; anything else is read as windows-1252 (the superset of Latin-1 that
 * most Western legacy files use), so "Réunion" stays searchable instead of becoming "R\uFFFDunion".
 */
export function decodeText(bytes: Uint8Array, options: { declared?: string } = {}): string {
  const bom = encodingOfBom(bytes);
  if (bom !== undefined) return decode(bytes, bom);
  const declared = options.declared === undefined ? undefined : knownEncoding(options.declared);
  // A label readable as ASCII cannot be right about UTF-16, and a wrong UTF-8 claim is common:
  // both are left to detection, which tries strict UTF-8 first anyway.
  if (declared !== undefined && !['utf-8', 'utf-16le', 'utf-16be'].includes(declared)) return decode(bytes, declared);
  const utf16 = utf16ByNulBytes(bytes);
  if (utf16 !== undefined) return decode(bytes, utf16);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decode(bytes, 'windows-1252');
  }
}

/**
 * Node 20.18.3+ decodes windows-1252 (and the labels mapped to it: latin1, iso-8859-1, ascii) as
 * Latin-1, so € (0x80) or œ (0x9C) come out as control characters (nodejs/node#60888): that
 * range is mapped here.
 */
function decode(bytes: Uint8Array, encoding: string): string {
  if (encoding !== 'windows-1252') return new TextDecoder(encoding).decode(bytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\x80-\x9f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80] as string);
}

function encodingOfBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** TextDecoder's canonical name for a label, or undefined when it does not support it. */
function knownEncoding(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/**
 * UTF-16 without a BOM, when its NUL bytes say so: mostly-Latin text has a NUL in every other
 * byte (the high byte of each code unit), on one side only. Text in other encodings has none.
 */
function utf16ByNulBytes(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const units = Math.floor(Math.min(bytes.length, SNIFF_BYTES) / 2);
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < units; i += 1) {
    if (bytes[2 * i] === 0) evenNul += 1;
    if (bytes[2 * i + 1] === 0) oddNul += 1;
  }
  const clear = (high: number, low: number): boolean => high * 4 >= units && low * 10 <= high;
  if (units > 0 && clear(oddNul, evenNul)) return 'utf-16le';
  if (units > 0 && clear(evenNul, oddNul)) return 'utf-16be';
  return undefined;
}
