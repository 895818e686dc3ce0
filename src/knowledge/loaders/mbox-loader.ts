import type { DocumentLoader, SourceDocument } from '../source-document.js';
import { mailDocument } from './eml-loader.js';

/**
 * A mailbox (mboxo / mboxrd): messages start at a line beginning with "From " after a blank line
 * (or at the top); one document per message. Quoted ">From " body lines lose one ">".
 */
export const mboxLoader: DocumentLoader = {
  extensions: ['.mbox'],
  async load(bytes) {
    const documents: SourceDocument[] = [];
    for (const message of splitMbox(bytes.toString('latin1'))) {
      // Bytes were read as latin1 to split without decoding; postal-mime decodes each message's charset.
      documents.push(await mailDocument(Buffer.from(message.replace(/^>(>*From )/gm, '$1'), 'latin1')));
    }
    return documents;
  },
};

export function splitMbox(text: string): string[] {
  const messages: string[] = [];
  const separator = /(?:^|\n)From [^\n]*\n/g;
  let start = -1;
  for (let match = separator.exec(text); match !== null; match = separator.exec(text)) {
    if (start !== -1) messages.push(text.slice(start, match.index));
    start = match.index + match[0].length;
  }
  if (start !== -1 && text.slice(start).trim() !== '') messages.push(text.slice(start));
  return messages.filter((m) => m.trim() !== '');
}
