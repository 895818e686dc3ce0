import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FlambeauError } from '../errors/index.js';
import { chunkDocument, type ChunkOptions } from './chunk-document.js';
import type { DocumentRecord, FileRecord, FileRow, KnowledgeDb, VectorSpace } from './db.js';
import { embeddingText, type Embedder } from './embedder.js';
import { loaderFor, DEFAULT_LOADERS } from './loaders/loaders.js';
import { isContainerLoader, type ContainerLoader, type DocumentLoader, type SourceDocument } from './source-document.js';

export interface IngestProgress {
  /** Supported files found so far (the walk finishes before the first file is read). */
  total: number;
  processed: number;
  indexed: number;
  /** Unchanged since the last run (same content hash, same embedding model). */
  skipped: number;
  removed: number;
  failed: number;
  documents: number;
  chunks: number;
  /** Bytes of files read this run (skipped ones included: they were hashed). */
  bytes: number;
  elapsedMs: number;
}

export interface IngestReport extends IngestProgress {
  /** Files that could not be read or parsed, with the reason; the run went on. */
  failures: Array<{ path: string; reason: string }>;
}

export interface IngestOptions {
  db: KnowledgeDb;
  collection: string;
  /** Files and folders (walked recursively; hidden entries are left out). */
  paths: readonly string[];
  /** Null: full-text only (no vectors). */
  embedder: Embedder | null;
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
  loaders?: readonly DocumentLoader[];
  chunking?: ChunkOptions;
  now?: () => number;
}

/**
 * Indexes files into a collection, incrementally: a file whose content hash (and embedding
 * model) did not change is skipped, a changed one is re-indexed, one gone from a walked folder
 * is removed. Each file is written in one transaction, so a run killed mid-way resumes without
 * duplicates: finished files are skipped, the interrupted one is redone.
 */
export async function ingest(options: IngestOptions): Promise<IngestReport> {
  const { db, collection, embedder } = options;
  const now = options.now ?? Date.now;
  const signal = options.signal ?? new AbortController().signal;
  const loaders = options.loaders ?? DEFAULT_LOADERS;
  const t0 = performance.now();
  const report: IngestReport = { total: 0, processed: 0, indexed: 0, skipped: 0, removed: 0, failed: 0, documents: 0, chunks: 0, bytes: 0, elapsedMs: 0, failures: [] };
  const progress = (): void => options.onProgress?.({ ...withoutFailures(report), elapsedMs: performance.now() - t0 });
  const fail = (path: string, reason: string): void => {
    report.failed += 1;
    report.failures.push({ path, reason });
  };
  db.ensureCollection(collection, now());
  const { files, walkedFolders, unlisted } = await walk(options.paths.map((p) => resolve(p)), loaders, fail);
  report.total = files.length;
  progress();
  const spaceModels = new Map(db.vectorSpaces().map((s) => [s.id, s.model]));
  const sameModel = (row: FileRow): boolean => embedder === null || (row.embedSpace != null && spaceModels.get(row.embedSpace) === embedder.model);
  let embedSpace: VectorSpace | undefined;
  /** The embedder's space, for files with nothing to embed (their row still says which model saw them). */
  const spaceOfEmbedder = async (): Promise<VectorSpace | undefined> => {
    if (embedder === null) return undefined;
    if (embedSpace === undefined) {
      const known = db.vectorSpaces().find((s) => s.model === embedder.model);
      embedSpace = known ?? db.vectorSpace(embedder.model, ((await embedder.embed(['flambeau'], signal))[0] as Float32Array).length, now());
      spaceModels.set(embedSpace.id, embedSpace.model);
    }
    return embedSpace;
  };
  /** Chunks a batch of loaded documents, embeds them in one call, and gives each its vectors. */
  const prepare = async (docs: Array<{ doc: SourceDocument; mtime: number }>): Promise<Array<{ documents: DocumentRecord[]; vectors: FileRecord['vectors']; chunks: number }>> => {
    const records = docs.map(({ doc, mtime }) => documentRecord(doc, mtime, options.chunking));
    const all = records.flatMap((d) => d.chunks.map((c) => ({ ...c, title: d.title ?? null })));
    const values = embedder === null || all.length === 0 ? [] : await embedder.embed(all.map(embeddingText), signal);
    const space = values.length === 0 ? null : db.vectorSpace((embedder as Embedder).model, (values[0] as Float32Array).length, now());
    if (space !== null) spaceModels.set(space.id, space.model);
    let next = 0;
    return records.map((record) => {
      const mine = values.slice(next, (next += record.chunks.length));
      return { documents: [record], vectors: space === null || mine.length === 0 ? null : { space, values: mine }, chunks: record.chunks.length };
    });
  };
  const seen = new Set<string>();
  for (const path of files) {
    if (signal.aborted) throw new FlambeauError('client_closed', 'The ingest run was cancelled.');
    seen.add(path);
    try {
      const info = await stat(path);
      const mtime = Math.floor(info.mtimeMs);
      const loader = loaderFor(path, loaders) as DocumentLoader;
      const existing = db.file(collection, path);
      if (isContainerLoader(loader)) {
        // Hashed as a stream: a mailbox may be far larger than memory allows to read at once.
        const hash = await hashFile(path);
        report.bytes += info.size;
        if (existing !== undefined && existing.hash === hash && sameModel(existing)) {
          if (existing.mtime !== mtime) db.touchFile(existing.id, mtime);
          report.skipped += 1;
        } else {
          await indexParts(path, loader, hash, info.size, mtime, existing);
          report.indexed += 1;
        }
      } else {
        const bytes = await readFile(path);
        report.bytes += bytes.length;
        const hash = createHash('sha256').update(bytes).digest('hex');
        if (existing !== undefined && existing.hash === hash && sameModel(existing)) {
          if (existing.mtime !== mtime) db.touchFile(existing.id, mtime);
          report.skipped += 1;
        } else {
          const loaded = await loader.load(bytes, path);
          const prepared = await prepare(loaded.map((doc) => ({ doc, mtime })));
          const documents = prepared.flatMap((p) => p.documents);
          const values = prepared.flatMap((p) => p.vectors?.values ?? []);
          const space = prepared.find((p) => p.vectors !== null)?.vectors?.space;
          const vectors = space === undefined ? null : { space, values };
          const noVectorsSpace = vectors === null ? await spaceOfEmbedder() : undefined;
          db.writeFile({ collection, path, hash, size: bytes.length, mtime, documents, vectors, ...(noVectorsSpace === undefined ? {} : { space: noVectorsSpace }) }, now());
          report.indexed += 1;
          report.documents += documents.length;
          report.chunks += documents.reduce((n, d) => n + d.chunks.length, 0);
        }
      }
    } catch (error) {
      if (signal.aborted) throw new FlambeauError('client_closed', 'The ingest run was cancelled.', { cause: error });
      fail(path, reasonOf(error));
    }
    report.processed += 1;
    progress();
  }

  /**
   * A mailbox, message by message: each message is a row of its own keyed by its content hash,
   * written in its own transaction, so an unchanged message is skipped (never re-embedded, a
   * mailbox that grew by one mail costs one mail) and a run killed mid-mailbox resumes where it
   * was. Messages gone from the mailbox are removed; the mailbox's own row, with the whole
   * file's hash, is written last.
   */
  async function indexParts(path: string, loader: ContainerLoader, hash: string, size: number, mtime: number, existing: FileRow | undefined): Promise<void> {
    const known = new Map(db.partsOf(collection, path).map((p) => [p.path, p]));
    // A mailbox indexed whole before messages had rows of their own: start afresh.
    if (existing !== undefined && known.size === 0) db.removeFile(existing.id);
    const kept = new Set<string>();
    let batch: Array<{ key: string; hash: string; part: Buffer; index: number }> = [];
    const flush = async (): Promise<void> => {
      const loaded: Array<{ item: (typeof batch)[number]; doc: SourceDocument }> = [];
      for (const item of batch) {
        try {
          loaded.push({ item, doc: await loader.loadPart(item.part) });
        } catch (error) {
          fail(`${path} (message ${item.index + 1})`, reasonOf(error));
        }
      }
      batch = [];
      const prepared = await prepare(loaded.map(({ doc }) => ({ doc, mtime })));
      const noVectorsSpace = await spaceOfEmbedder();
      loaded.forEach(({ item }, i) => {
        const { documents, vectors, chunks } = prepared[i] as (typeof prepared)[number];
        db.writeFile({ collection, path: item.key, partOf: path, firstDocIndex: item.index, hash: item.hash, size: 0, mtime, documents, vectors, ...(vectors === null && noVectorsSpace !== undefined ? { space: noVectorsSpace } : {}) }, now());
        report.documents += 1;
        report.chunks += chunks;
      });
      progress();
    };
    let index = 0;
    for await (const part of loader.parts(path)) {
      if (signal.aborted) throw new FlambeauError('client_closed', 'The ingest run was cancelled.');
      const partHash = createHash('sha256').update(part).digest('hex');
      const key = `${path}#${partHash.slice(0, 32)}`;
      const at = index++;
      if (kept.has(key)) continue; // the same message twice: indexed once
      kept.add(key);
      const old = known.get(key);
      if (old !== undefined && old.hash === partHash && sameModel(old)) continue;
      batch.push({ key, hash: partHash, part, index: at });
      if (batch.length >= PARTS_PER_BATCH) await flush();
    }
    await flush();
    for (const [key, row] of known) if (!kept.has(key)) db.removeFile(row.id);
    const space = await spaceOfEmbedder();
    db.writeFile({ collection, path, hash, size, mtime, documents: [], vectors: null, ...(space === undefined ? {} : { space }) }, now());
  }

  for (const root of walkedFolders) {
    for (const file of db.filesUnder(collection, root)) {
      if (seen.has(file.path)) continue;
      // A folder that could not be listed this time says nothing about its files: keep them.
      if (unlisted.some((folder) => file.path.startsWith(`${folder}/`))) continue;
      db.removeFile(file.id);
      report.removed += 1;
    }
  }
  db.markIngested(collection, now());
  report.elapsedMs = performance.now() - t0;
  progress();
  return report;
}

/** Messages parsed, embedded together, then written one transaction each. */
const PARTS_PER_BATCH = 32;

function documentRecord(doc: SourceDocument, mtime: number, chunking: ChunkOptions | undefined): DocumentRecord {
  return {
    ...(doc.title === undefined ? {} : { title: doc.title }),
    ...(doc.sender === undefined ? {} : { sender: doc.sender }),
    ...(doc.subject === undefined ? {} : { subject: doc.subject }),
    date: doc.date ?? mtime,
    chunks: chunkDocument(doc, chunking),
  };
}

/** sha256 of a file, read as a stream. */
async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of createReadStream(path)) hash.update(block as Buffer);
  return hash.digest('hex');
}

function withoutFailures(report: IngestReport): IngestProgress {
  const { failures: _failures, ...rest } = report;
  return rest;
}

/** Supported files under the roots, sorted; folders walked (or roots gone) are where removals apply. */
async function walk(roots: readonly string[], loaders: readonly DocumentLoader[], fail: (path: string, reason: string) => void): Promise<{ files: string[]; walkedFolders: string[]; unlisted: string[] }> {
  const files = new Set<string>();
  const walkedFolders: string[] = [];
  const unlisted: string[] = [];
  // Device and inode of every folder and file met: a link back up the tree (`loop -> ..`) is not
  // walked again, and a file reached by two links is indexed once, under the first path.
  const met = new Set<string>();
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      // An entry of a supported format that cannot be read (dangling link, no permission) is listed.
      if (!explicit) {
        if (loaderFor(path, loaders) !== undefined) fail(path, reasonOf(error));
        return;
      }
      // A root that is gone: its files are gone too, so its index entries get removed.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') walkedFolders.push(path);
      fail(path, reasonOf(error));
      return;
    }
    const identity = `${info.dev}:${info.ino}`;
    if (met.has(identity)) return;
    met.add(identity);
    if (info.isDirectory()) {
      if (explicit) walkedFolders.push(path);
      let names: string[];
      try {
        names = await readdir(path);
      } catch (error) {
        unlisted.push(path);
        fail(path, reasonOf(error));
        return;
      }
      for (const name of names.sort()) if (!name.startsWith('.')) await visit(join(path, name), false);
    } else if (info.isFile()) {
      if (loaderFor(path, loaders) !== undefined) files.add(path);
      else if (explicit) fail(path, 'unsupported format');
    }
  };
  for (const root of roots) await visit(root, true);
  return { files: [...files].sort(), walkedFolders, unlisted };
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const text = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  return text.split('\n')[0]?.slice(0, 300) ?? 'error';
}
