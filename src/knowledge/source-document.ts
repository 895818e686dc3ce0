/**
 * What a loader extracts from a file: one or more documents (a mailbox gives one per message),
 * each as its text plus the structure the chunker respects. Offsets index `text` (JS string units).
 */
export interface SourceDocument {
  /** The extracted text; blocks point into it. */
  text: string;
  /** Structural units in order: never split across a heading or a page, split inside when long. */
  blocks: DocumentBlock[];
  title?: string;
  /** Mail fields, kept for filters and citations. */
  sender?: string;
  subject?: string;
  /** Unix ms (a message's Date header); the file's mtime when absent. */
  date?: number;
}

export interface DocumentBlock {
  start: number;
  end: number;
  /** The heading path in force, e.g. "Budget > 2026". */
  heading?: string;
  /** 1-based page (PDF). */
  page?: number;
  /** A new section starts here: the chunker does not merge it with what came before. */
  boundary?: boolean;
}

/** One loader per format, chosen by file extension. */
export interface DocumentLoader {
  /** Lower-case extensions with the dot, e.g. ['.md', '.markdown']. */
  readonly extensions: readonly string[];
  load(bytes: Buffer, path: string): Promise<SourceDocument[]>;
}

/**
 * A format whose files hold many documents that are indexed one by one (a mailbox): parts are
 * read as a stream, so memory stays at one part whatever the file's size, and each part is
 * keyed by its content, so an unchanged one is never indexed again.
 */
export interface ContainerLoader extends DocumentLoader {
  parts(path: string): AsyncIterable<Buffer>;
  loadPart(part: Buffer): Promise<SourceDocument>;
}

export function isContainerLoader(loader: DocumentLoader): loader is ContainerLoader {
  return 'parts' in loader && 'loadPart' in loader;
}

/** Builds a document from text blocks, joining them with blank lines and recording offsets. */
export class DocumentBuilder {
  #text = '';
  readonly #blocks: DocumentBlock[] = [];

  /** Adds a block of text (trimmed; empty ones are dropped). */
  add(text: string, where: Omit<DocumentBlock, 'start' | 'end'> = {}): void {
    const clean = text.replace(/[ \t]+\n/g, '\n').trim();
    if (clean === '') return;
    if (this.#text !== '') this.#text += '\n\n';
    const start = this.#text.length;
    this.#text += clean;
    this.#blocks.push({ start, end: this.#text.length, ...where });
  }

  build(fields: Omit<SourceDocument, 'text' | 'blocks'> = {}): SourceDocument {
    return { text: this.#text, blocks: this.#blocks, ...fields };
  }
}
