import PostalMime from 'postal-mime';
import { DocumentBuilder, type DocumentLoader, type SourceDocument } from '../source-document.js';
import { htmlDocument } from './html-loader.js';

/** A single e-mail (RFC 5322): one document with sender, date and subject as fields. */
export const emlLoader: DocumentLoader = {
  extensions: ['.eml'],
  async load(bytes) {
    return [await mailDocument(bytes)];
  },
};

/**
 * Parses one message. The headers that matter are the first block (a section of their own, so
 * "mail from Alice about the invoice" finds it); the body follows, its paragraphs under the
 * subject as heading.
 */
export async function mailDocument(raw: Buffer | string): Promise<SourceDocument> {
  const email = await PostalMime.parse(raw);
  const from = email.from;
  const sender = from === undefined ? undefined : from.address === undefined ? from.name : from.name === '' ? from.address : `${from.name} <${from.address}>`;
  const subject = email.subject?.trim() || undefined;
  const parsedDate = email.date === undefined ? Number.NaN : Date.parse(email.date);
  const date = Number.isNaN(parsedDate) ? undefined : parsedDate;
  const builder = new DocumentBuilder();
  const header = [
    sender === undefined ? null : `From: ${sender}`,
    date === undefined ? null : `Date: ${new Date(date).toISOString()}`,
    subject === undefined ? null : `Subject: ${subject}`,
  ];
  builder.add(header.filter((h) => h !== null).join('\n'), { boundary: true, ...(subject === undefined ? {} : { heading: subject }) });
  const body = email.text ?? (email.html === undefined ? '' : htmlDocument(email.html).text);
  let first = true;
  for (const paragraph of body.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    builder.add(paragraph, { ...(subject === undefined ? {} : { heading: subject }), ...(first ? { boundary: true } : {}) });
    first = false;
  }
  return builder.build({
    ...(subject === undefined ? {} : { title: subject, subject }),
    ...(sender === undefined ? {} : { sender }),
    ...(date === undefined ? {} : { date }),
  });
}
