import type { DocumentBlock, SourceDocument } from './source-document.js';

/** A piece of a document small enough to embed and to quote, with where it came from. */
export interface DocumentChunk {
  text: string;
  /** Offsets in the document's text. */
  start: number;
  end: number;
  heading?: string;
  page?: number;
}

export interface ChunkOptions {
  /** Upper bound of a chunk's length in characters (default 1200, about 300 tokens). */
  maxChars?: number;
  /**
   * A long document's first section shorter than this (default maxChars / 6) joins the next one on
   * the same page rather than make a chunk of its own: a title or a one-line intro alone is too
   * short for BM25 or an embedding to match a question, and loses the text it introduces.
   */
  minChars?: number;
}

/**
 * Groups consecutive blocks into chunks of at most `maxChars`, never across a page, and across a
 * section boundary (a heading, the mail headers) only to join a long document's first section,
 * when shorter than `minChars`, to the next one (the chunk then cites the later section's
 * heading). A short document keeps one chunk per section. A block longer than `maxChars` is cut
 * at sentence ends, else at spaces.
 */
export function chunkDocument(document: SourceDocument, options: ChunkOptions = {}): DocumentChunk[] {
  const maxChars = options.maxChars ?? 1200;
  const minChars = options.minChars ?? Math.floor(maxChars / 6);
  const chunks: DocumentChunk[] = [];
  let current: { start: number; end: number; block: DocumentBlock } | null = null;
  const emit = (): void => {
    if (current === null) return;
    chunks.push(chunkOf(document.text, current.start, current.end, current.block));
    current = null;
  };
  for (const block of document.blocks) {
    const sameSection = current !== null && block.boundary !== true && block.heading === current.block.heading && block.page === current.block.page;
    const tooShort =
      current !== null && chunks.length === 0 && document.text.length > maxChars && current.end - current.start < minChars && block.page === current.block.page;
    if (current !== null && (sameSection || tooShort) && block.end - current.start <= maxChars) {
      current.end = block.end;
      // Joined to the next section: the chunk is now mostly that section's, and cites it.
      if (!sameSection) current.block = block;
      continue;
    }
    emit();
    if (block.end - block.start <= maxChars) {
      current = { start: block.start, end: block.end, block };
      continue;
    }
    for (const [start, end] of splitLong(document.text, block.start, block.end, maxChars)) chunks.push(chunkOf(document.text, start, end, block));
  }
  emit();
  return chunks;
}

function chunkOf(text: string, start: number, end: number, block: DocumentBlock): DocumentChunk {
  return {
    text: text.slice(start, end),
    start,
    end,
    ...(block.heading === undefined ? {} : { heading: block.heading }),
    ...(block.page === undefined ? {} : { page: block.page }),
  };
}

/** Cuts [start, end) into pieces of at most maxChars, preferring sentence ends, then spaces. */
function splitLong(text: string, start: number, end: number, maxChars: number): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  let from = start;
  while (end - from > maxChars) {
    const window = text.slice(from, from + maxChars);
    let cut = Math.max(window.lastIndexOf('. '), window.lastIndexOf('.\n'), window.lastIndexOf('! '), window.lastIndexOf('? '));
    if (cut < maxChars / 2) cut = window.lastIndexOf(' ');
    const length = cut < maxChars / 4 ? maxChars : cut + 1;
    pieces.push([from, from + length]);
    from += length;
    while (from < end && /\s/.test(text[from] as string)) from += 1;
  }
  if (from < end) pieces.push([from, end]);
  return pieces;
}
