import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { FlambeauError } from '../../errors/index.js';
import { DEFAULT_INGEST_LIMITS } from '../ingest-limits.js';
import type { ContainerLoader, MailboxPart, SourceDocument } from '../source-document.js';
import { mailDocument } from './eml-loader.js';

/**
 * A mailbox (mboxo / mboxrd): messages start at a line beginning with "From " after a blank line
 * (or at the top); one document per message. Quoted ">From " body lines lose one ">". Ingest
 * reads it message by message (`parts`); `load` parses a whole mailbox held in memory.
 */
export const mboxLoader: ContainerLoader = {
  extensions: ['.mbox'],
  async load(bytes) {
    const documents: SourceDocument[] = [];
    for (const message of splitMbox(bytes.toString('latin1'))) documents.push(await mailDocument(unquote(message)));
    return documents;
  },
  parts: (source, limits = DEFAULT_INGEST_LIMITS) => mboxMessages(source, 1 << 20, limits.maxFileBytes),
  loadPart: (part) => mailDocument(part),
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

/**
 * The messages of a mailbox file, streamed: only the message being read is held (a Takeout
 * mailbox of several GB is beyond a JavaScript string). Bytes are read as latin1 so the split
 * needs no decoding; postal-mime decodes each message's own charsets. A message longer than
 * `maxMessageBytes` is not held: it is read past and stands as an `OversizedMessage` in its place.
 */
export async function* mboxMessages(source: string | FileHandle, blockSize = 1 << 20, maxMessageBytes = Number.POSITIVE_INFINITY): AsyncIterable<MailboxPart> {
  const separator = /\nFrom [^\n]*\n/g;
  // A newline before the file's first byte: a "From " line at the top is a separator too.
  let text = '\n';
  let start = -1;
  let scanFrom = 0;
  let skipped = false;
  // Bytes of the message being read past, when it is over the limit.
  let dropped = 0;
  const blocks =
    typeof source === 'string'
      ? createReadStream(source, { highWaterMark: blockSize })
      : source.createReadStream({ start: 0, autoClose: false, highWaterMark: blockSize });
  for await (const block of blocks) {
    text += (block as Buffer).toString('latin1');
    separator.lastIndex = scanFrom;
    for (let match = separator.exec(text); match !== null; match = separator.exec(text)) {
      if (dropped > 0) yield { oversizedBytes: dropped + match.index - Math.max(start, 0) };
      else if (start !== -1 && text.slice(start, match.index).trim() !== '') yield unquote(text.slice(start, match.index));
      dropped = 0;
      start = match.index + match[0].length;
    }
    if (start > 0) {
      // Keep the message being read.
      text = text.slice(start);
      start = 0;
    } else if (start === -1) {
      // Before the first separator: keep only the last line, where one may begin, so a file
      // that is no mailbox at all is not held whole.
      const cut = text.lastIndexOf('\n');
      const tail = text.slice(cut);
      const tooLong = tail.length > LONGEST_SEPARATOR;
      skipped ||= text.slice(0, cut).trim() !== '' || (tooLong && tail.trim() !== '');
      text = tooLong ? '' : tail;
    }
    if (start === 0 && text.length > maxMessageBytes) {
      // Over the limit: read past it, keeping only the last line, where the next separator may begin.
      const cut = Math.max(0, text.lastIndexOf('\n'));
      const tail = text.slice(cut);
      dropped += text.length - tail.length;
      text = tail.length > LONGEST_SEPARATOR ? '' : tail;
      dropped += tail.length - text.length;
    }
    // The next scan starts at the last line start, where a separator cut by the block boundary may begin.
    scanFrom = Math.max(0, text.lastIndexOf('\n'));
  }
  if (dropped > 0) yield { oversizedBytes: dropped + text.length };
  else if (start !== -1 && text.slice(start).trim() !== '') yield unquote(text.slice(start));
  // Text but no "From " line: not a mailbox (an empty file is an empty mailbox).
  if (start === -1 && (skipped || text.trim() !== ''))
    throw new FlambeauError('unsupported_media_type', 'no "From " line starts a message: this is not an mbox mailbox.');
}

/** A "From " separator line is far shorter than this; a longer line cannot start one. */
const LONGEST_SEPARATOR = 64 * 1024;

/**
 * A message's bytes as a mail: ">From " unquoted, and trailing newlines dropped, since the last
 * message of a file ends with the file's newline and the others end before the separator's: the
 * same mail then hashes the same wherever it sits in the mailbox.
 */
function unquote(message: string): Buffer {
  return Buffer.from(message.replace(/^>(>*From )/gm, '$1').replace(/[\r\n]+$/, ''), 'latin1');
}
