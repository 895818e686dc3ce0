import type { FileHandle } from 'node:fs/promises';
import type { IngestLimits } from './ingest-limits.js';

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
  /**
   * Parses a compressed or paged format whose cost the file's size does not bound (DOCX, PDF):
   * ingest runs it on a worker thread with a bounded heap, so a bomb cannot end the run.
   */
  readonly isolated?: boolean;
  /** Over a limit: throws `payload_too_large` (ingest lists the file as excluded and goes on). */
  load(bytes: Buffer, path: string, limits?: IngestLimits): Promise<SourceDocument[]>;
}

/**
 * A format whose files hold many documents that are indexed one by one (a mailbox): parts are
 * read as a stream, so memory stays at one part whatever the file's size, and each part is
 * keyed by its content, so an unchanged one is never indexed again.
 */
export interface ContainerLoader extends DocumentLoader {
  /** The parts of a file (by path, or an open handle: ingest reads the file it vetted); one over `limits.maxFileBytes` is not read. */
  parts(source: string | FileHandle, limits?: IngestLimits): AsyncIterable<MailboxPart>;
  loadPart(part: Buffer): Promise<SourceDocument>;
}

/** A part's bytes, or the size of one too large to read (it was read past, never held). */
export type MailboxPart = Buffer | { oversizedBytes: number };

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
