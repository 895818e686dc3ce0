import mammoth from 'mammoth';
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
    const { value } = await mammoth.convertToHtml({ buffer: bytes }, { convertImage: noImages });
    return [htmlDocument(value)];
  },
};
