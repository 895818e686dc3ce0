import mammoth from 'mammoth';
import type { DocumentLoader } from '../source-document.js';
import { htmlDocument } from './html-loader.js';

/** DOCX: mammoth maps Word styles to HTML (Heading 1 → h1...), then the HTML structure applies. */
export const docxLoader: DocumentLoader = {
  extensions: ['.docx'],
  async load(bytes) {
    const { value } = await mammoth.convertToHtml({ buffer: bytes });
    return [htmlDocument(value)];
  },
};
