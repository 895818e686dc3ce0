import { DocumentBuilder, type DocumentLoader, type SourceDocument } from '../source-document.js';
import { decodeText } from './decode-text.js';

/** Plain text: paragraphs (blank-line separated) are the blocks. */
export const textLoader: DocumentLoader = {
  extensions: ['.txt', '.text'],
  async load(bytes) {
    return [textDocument(decodeText(bytes))];
  },
};

/** Splits text into paragraph blocks; shared by the e-mail loaders for message bodies. */
export function textDocument(text: string, fields: Omit<SourceDocument, 'text' | 'blocks'> = {}, heading?: string): SourceDocument {
  const builder = new DocumentBuilder();
  for (const paragraph of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) builder.add(paragraph, heading === undefined ? {} : { heading });
  return builder.build(fields);
}
