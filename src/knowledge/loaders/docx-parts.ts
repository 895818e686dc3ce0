import { createRequire } from 'node:module';
import { FlambeauError } from '../../errors/index.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from '../ingest-limits.js';
import { checkZipBounds } from './zip-bounds.js';

/** The XML of a DOCX's parts that the DOCX loader (mammoth) converts to text, as mammoth finds them. */
export interface DocxParts {
  /** The main document part's path in the archive (`word/document.xml` in files Word writes). */
  mainPath: string;
  /** The main document, then the footnotes and endnotes (mammoth appends notes to the text). */
  texts: string[];
  /** The styles part, '' when there is none. */
  styles: string;
}

/** What we use of mammoth's zip wrapper (jszip underneath): names as jszip resolves them. */
interface MammothZip {
  exists(name: string): boolean;
  read(name: string, encoding: 'utf-8'): Promise<string>;
}
interface PartPaths {
  mainDocument: string;
  styles: string;
  footnotes: string;
  endnotes: string;
}

// mammoth's own part resolution (exported for its tests; mammoth is pinned to an exact version
// in package.json, and docx-parts.test.ts fails if these move): `_rels/.rels`'s officeDocument
// relationship, then the main part's own relationships for styles and notes, each with mammoth's
// fallbacks, against the entry names jszip keeps (`..` resolved, the last of duplicate names).
const require = createRequire(import.meta.url);
const zipfile = require('mammoth/lib/zipfile.js') as { openArrayBuffer(bytes: Buffer): Promise<MammothZip> };
const docxReader = require('mammoth/lib/docx/docx-reader.js') as { _findPartPaths(zip: MammothZip): Promise<PartPaths> };

/**
 * The parts of a DOCX that its conversion reads, for the hidden-text scan at ingest: the same
 * parts mammoth converts, found the way mammoth finds them, so that a crafted archive (a main part
 * under another name, duplicate entries, a decoy `word/document.xml`) cannot show the scan one
 * part and the index another. The archive is checked against every inflate bound first
 * (`checkZipBounds`: entries, declared and real inflated bytes, ratio): a zip bomb is refused with
 * `payload_too_large` before any part is inflated in memory, whoever calls this first.
 */
export async function readDocxParts(
  bytes: Buffer,
  limits: Pick<IngestLimits, 'maxInflatedBytes' | 'maxInflateRatio' | 'maxZipEntries'> = DEFAULT_INGEST_LIMITS,
): Promise<DocxParts> {
  await checkZipBounds(bytes, limits);
  const zip = await zipfile.openArrayBuffer(bytes);
  let paths: PartPaths;
  try {
    paths = await docxReader._findPartPaths(zip);
  } catch (error) {
    // mammoth refuses the file the same way: no main document part.
    throw new FlambeauError('unsupported_media_type', `not a DOCX: ${(error as Error).message}`, { cause: error });
  }
  const read = async (path: string): Promise<string | null> => (zip.exists(path) ? (await zip.read(path, 'utf-8')).replace(/^\uFEFF/, '') : null);
  const main = await read(paths.mainDocument);
  const notes = await Promise.all([read(paths.footnotes), read(paths.endnotes)]);
  return {
    mainPath: paths.mainDocument,
    texts: [main ?? '', ...notes.filter((n): n is string => n !== null)],
    styles: (await read(paths.styles)) ?? '',
  };
}
