import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FlambeauError } from '../errors/index.js';
import { chunkDocument, type ChunkOptions } from './chunk-document.js';
import type { DocumentRecord, KnowledgeDb } from './db.js';
import { embeddingText, type Embedder } from './embedder.js';
import { loaderFor, DEFAULT_LOADERS } from './loaders/loaders.js';
import type { DocumentLoader } from './source-document.js';

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
  const seen = new Set<string>();
  for (const path of files) {
    if (signal.aborted) throw new FlambeauError('client_closed', 'The ingest run was cancelled.');
    seen.add(path);
    try {
      const info = await stat(path);
      const bytes = await readFile(path);
      report.bytes += bytes.length;
      const hash = createHash('sha256').update(bytes).digest('hex');
      const mtime = Math.floor(info.mtimeMs);
      const existing = db.file(collection, path);
      const sameModel = embedder === null || (existing?.embedSpace != null && spaceModels.get(existing.embedSpace) === embedder.model);
      if (existing !== undefined && existing.hash === hash && sameModel) {
        if (existing.mtime !== mtime) db.touchFile(existing.id, mtime);
        report.skipped += 1;
      } else {
        const loader = loaderFor(path, loaders) as DocumentLoader;
        const documents: DocumentRecord[] = (await loader.load(bytes, path)).map((doc) => ({
          ...(doc.title === undefined ? {} : { title: doc.title }),
          ...(doc.sender === undefined ? {} : { sender: doc.sender }),
          ...(doc.subject === undefined ? {} : { subject: doc.subject }),
          date: doc.date ?? mtime,
          chunks: chunkDocument(doc, options.chunking),
        }));
        const all = documents.flatMap((d) => d.chunks.map((c) => ({ ...c, title: d.title ?? null })));
        let vectors = null;
        if (embedder !== null && all.length > 0) {
          const values = await embedder.embed(all.map(embeddingText), signal);
          const space = db.vectorSpace(embedder.model, (values[0] as Float32Array).length, now());
          spaceModels.set(space.id, space.model);
          vectors = { space, values };
        }
        db.writeFile({ collection, path, hash, size: bytes.length, mtime, documents, vectors }, now());
        report.indexed += 1;
        report.documents += documents.length;
        report.chunks += all.length;
      }
    } catch (error) {
      if (signal.aborted) throw new FlambeauError('client_closed', 'The ingest run was cancelled.', { cause: error });
      fail(path, reasonOf(error));
    }
    report.processed += 1;
    progress();
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

function withoutFailures(report: IngestReport): IngestProgress {
  const { failures: _failures, ...rest } = report;
  return rest;
}

/** Supported files under the roots, sorted; folders walked (or roots gone) are where removals apply. */
async function walk(roots: readonly string[], loaders: readonly DocumentLoader[], fail: (path: string, reason: string) => void): Promise<{ files: string[]; walkedFolders: string[]; unlisted: string[] }> {
  const files = new Set<string>();
  const walkedFolders: string[] = [];
  const unlisted: string[] = [];
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
