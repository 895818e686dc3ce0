import { extractText, getDocumentProxy } from 'unpdf';
import { FlambeauError } from '../../errors/index.js';
import { DEFAULT_INGEST_LIMITS } from '../ingest-limits.js';
import { DocumentBuilder, type DocumentLoader } from '../source-document.js';

/**
 * PDF: text per page (pdf.js through unpdf); each page is a section, its paragraphs blocks. A
 * PDF over `maxPdfPages` is refused before any page is read; ingest runs this on a worker
 * thread with a bounded heap (a page's streams can be deflate bombs too).
 */
export const pdfLoader: DocumentLoader = {
  extensions: ['.pdf'],
  isolated: true,
  async load(bytes, _path, limits = DEFAULT_INGEST_LIMITS) {
    const pdf = await getDocumentProxy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { verbosity: 0 });
    try {
      if (pdf.numPages > limits.maxPdfPages)
        throw new FlambeauError('payload_too_large', `the PDF has ${pdf.numPages} pages, over knowledge.max_pdf_pages (${limits.maxPdfPages})`);
      const { text } = await extractText(pdf, { mergePages: false });
      const builder = new DocumentBuilder();
      text.forEach((pageText, index) => {
        let first = true;
        for (const paragraph of pageText.split(/\n\s*\n/)) {
          builder.add(paragraph, { page: index + 1, ...(first ? { boundary: true } : {}) });
          first = false;
        }
      });
      return [builder.build()];
    } finally {
      await pdf.destroy();
    }
  },
};
