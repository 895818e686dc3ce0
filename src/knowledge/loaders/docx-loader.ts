import mammoth from 'mammoth';
import { FlambeauError } from '../../errors/index.js';
import { DEFAULT_INGEST_LIMITS } from '../ingest-limits.js';
import type { DocumentLoader } from '../source-document.js';
import { htmlDocument } from './html-loader.js';
import { checkZipBounds } from './zip-bounds.js';

/** Images are never read: only text is indexed, and an image is one more thing to inflate. */
const noImages = mammoth.images.imgElement(async () => ({ src: '' }));

/**
 * DOCX: mammoth maps Word styles to HTML (Heading 1 → h1...), then the HTML structure applies.
 * The zip is checked against the inflate limits first; ingest runs this on a worker thread with
 * a bounded heap (mammoth needs about 60 times the XML's size).
 */
export const docxLoader: DocumentLoader = {
  extensions: ['.docx'],
  isolated: true,
  async load(bytes, _path, limits = DEFAULT_INGEST_LIMITS) {
    await checkZipBounds(bytes, limits);
    let html: string;
    try {
      html = (await mammoth.convertToHtml({ buffer: bytes }, { convertImage: noImages })).value;
    } catch (error) {
      // mammoth recurses once per nested element: a file nested some thousands deep (no Word
      // document is) overflows its stack. The file is refused, as one that is not a DOCX would be.
      if (error instanceof RangeError)
        throw new FlambeauError('unsupported_media_type', 'this DOCX nests its content too deeply to convert (thousands of levels; no Word document does)', {
          cause: error,
        });
      throw error;
    }
    return [htmlDocument(html)];
  },
};
