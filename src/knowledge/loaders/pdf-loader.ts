import { extractText, getDocumentProxy } from 'unpdf';
import { DocumentBuilder, type DocumentLoader } from '../source-document.js';

/** PDF: text per page (pdf.js through unpdf); each page is a section, its paragraphs blocks. */
export const pdfLoader: DocumentLoader = {
  extensions: ['.pdf'],
  async load(bytes) {
    const pdf = await getDocumentProxy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { verbosity: 0 });
    try {
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
