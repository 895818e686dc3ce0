import { FlambeauError } from '../errors/index.js';
import { chunkDocument, type ChunkOptions } from './chunk-document.js';
import type { DocumentRecord, FileRecord, FileRow, KnowledgeDb, VectorSpace } from './db.js';
import { hiddenPartsIn, type ChunkScreen, type HiddenPart } from './chunk-injection.js';
import { embeddingText, type Embedder } from './embedder.js';
import type { SourceDocument } from './source-document.js';

export interface IngestProgress {
  /** Supported files found so far (the walk finishes before the first file is read). */
  total: number;
  processed: number;
  indexed: number;
  /** Unchanged since the last run (same content hash, same embedding model). */
  skipped: number;
  removed: number;
  failed: number;
  /** Left out on purpose (secrets, system folders, links out of the roots, special files, files over the limits); listed in `exclusions`. */
  excluded: number;
  documents: number;
  chunks: number;
  /** Bytes of files read this run (skipped ones included: they were hashed). */
  bytes: number;
  elapsedMs: number;
}

export interface IngestReport extends IngestProgress {
  /** Files that could not be read or parsed, with the reason; the run went on. */
  failures: Array<{ path: string; reason: string }>;
  /** Files and folders left out on purpose, with the reason; not failures (the exit code ignores them). */
  exclusions: Array<{ path: string; reason: string }>;
}

/** A document ready to write: its record, and its chunks' vectors when there is an embedder. */
export interface PreparedDocument {
  record: DocumentRecord;
  vectors: FileRecord['vectors'];
}

/**
 * What one ingest run shares between the files it indexes: the report, and how documents are
 * chunked and embedded (and which vector spaces count as this embedder's).
 */
export class IngestRun {
  readonly report: IngestReport = {
    total: 0,
    processed: 0,
    indexed: 0,
    skipped: 0,
    removed: 0,
    failed: 0,
    excluded: 0,
    documents: 0,
    chunks: 0,
    bytes: 0,
    elapsedMs: 0,
    failures: [],
    exclusions: [],
  };
  readonly #started = performance.now();
  readonly #spaceModels: Map<string, string>;
  #embedderSpace: VectorSpace | undefined;

  constructor(
    readonly db: KnowledgeDb,
    readonly collection: string,
    readonly embedder: Embedder | null,
    readonly signal: AbortSignal,
    readonly now: () => number,
    readonly options: { chunking?: ChunkOptions; onProgress?: (progress: IngestProgress) => void; screen?: ChunkScreen } = {},
  ) {
    this.#spaceModels = new Map(db.vectorSpaces().map((s) => [s.id, s.model]));
  }

  fail(path: string, reason: string): void {
    this.report.failed += 1;
    this.report.failures.push({ path, reason });
  }

  exclude(path: string, reason: string): void {
    this.report.excluded += 1;
    this.report.exclusions.push({ path, reason });
  }

  progress(): void {
    const { failures: _failures, exclusions: _exclusions, ...counts } = this.report;
    this.options.onProgress?.({ ...counts, elapsedMs: performance.now() - this.#started });
  }

  /** Throws when the run was cancelled (Ctrl-C), keeping what was written so far. */
  checkCancelled(cause?: unknown): void {
    if (this.signal.aborted) throw new FlambeauError('client_closed', 'The ingest run was cancelled.', cause === undefined ? {} : { cause });
  }

  /** True when a stored file or message needs no new index: same content, embedded by this embedder (or none needed). */
  unchanged(row: FileRow | undefined, hash: string): row is FileRow {
    return (
      row !== undefined &&
      row.hash === hash &&
      (this.embedder === null || (row.embedSpace != null && this.#spaceModels.get(row.embedSpace) === this.embedder.model))
    );
  }

  /**
   * The embedder's vector space, for a file with nothing to embed: its row still says which model
   * saw it, so it is skipped next time rather than taken for one embedded by another model.
   */
  async embedderSpace(): Promise<VectorSpace | undefined> {
    const { embedder } = this;
    if (embedder === null) return undefined;
    if (this.#embedderSpace === undefined) {
      const known = this.db.vectorSpaces().find((s) => s.model === embedder.model);
      this.#embedderSpace =
        known ?? this.db.vectorSpace(embedder.model, ((await embedder.embed(['flambeau'], this.signal))[0] as Float32Array).length, this.now());
      this.#spaceModels.set(this.#embedderSpace.id, this.#embedderSpace.model);
    }
    return this.#embedderSpace;
  }

  /**
   * Chunks documents and embeds all their chunks in one call; each gets its own vectors. With a
   * screen, each chunk is scanned for prompt injection (with the hidden parts of an HTML source
   * that show in it), so chat reads the score instead of scanning again.
   */
  async prepare(documents: readonly SourceDocument[], mtime: number, hidden: readonly HiddenPart[] = []): Promise<PreparedDocument[]> {
    const records = documents.map((doc) => documentRecord(doc, mtime, this.options.chunking));
    const { screen } = this.options;
    if (screen !== undefined) for (const record of records) record.injection = record.chunks.map((c) => screen.scan(c.text, hiddenPartsIn(c.text, hidden)));
    const all = records.flatMap((d) => d.chunks.map((c) => ({ ...c, title: d.title ?? null })));
    const values = this.embedder === null || all.length === 0 ? [] : await this.embedder.embed(all.map(embeddingText), this.signal);
    const space =
      this.embedder === null || values.length === 0 ? null : this.db.vectorSpace(this.embedder.model, (values[0] as Float32Array).length, this.now());
    if (space !== null) this.#spaceModels.set(space.id, space.model);
    let next = 0;
    return records.map((record) => {
      const mine = values.slice(next, (next += record.chunks.length));
      return { record, vectors: space === null || mine.length === 0 ? null : { space, values: mine } };
    });
  }

  finish(): IngestReport {
    this.report.elapsedMs = performance.now() - this.#started;
    this.progress();
    return this.report;
  }
}

function documentRecord(doc: SourceDocument, mtime: number, chunking: ChunkOptions | undefined): DocumentRecord {
  return {
    ...(doc.title === undefined ? {} : { title: doc.title }),
    ...(doc.sender === undefined ? {} : { sender: doc.sender }),
    ...(doc.subject === undefined ? {} : { subject: doc.subject }),
    date: doc.date ?? mtime,
    chunks: chunkDocument(doc, chunking),
  };
}

/** An error as one short line for the failure list. */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const text = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  return text.split('\n')[0]?.slice(0, 300) ?? 'error';
}
