import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ChunkOptions } from './chunk-document.js';
import type { KnowledgeDb } from './db.js';
import type { Embedder } from './embedder.js';
import { indexMailbox } from './ingest-mailbox.js';
import { IngestRun, reasonOf, type IngestProgress, type IngestReport } from './ingest-run.js';
import { loaderFor, DEFAULT_LOADERS } from './loaders/loaders.js';
import { isContainerLoader, type DocumentLoader } from './source-document.js';

export type { IngestProgress, IngestReport } from './ingest-run.js';

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
  const { db, collection } = options;
  const loaders = options.loaders ?? DEFAULT_LOADERS;
  const run = new IngestRun(db, collection, options.embedder, options.signal ?? new AbortController().signal, options.now ?? Date.now, {
    ...(options.chunking === undefined ? {} : { chunking: options.chunking }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const { report } = run;
  db.ensureCollection(collection, run.now());
  const { files, walkedFolders, unlisted } = await walk(options.paths.map((p) => resolve(p)), loaders, (path, reason) => run.fail(path, reason));
  report.total = files.length;
  run.progress();
  const seen = new Set<string>();
  for (const path of files) {
    run.checkCancelled();
    seen.add(path);
    try {
      await indexFile(run, path, loaderFor(path, loaders) as DocumentLoader);
    } catch (error) {
      run.checkCancelled(error);
      run.fail(path, reasonOf(error));
    }
    report.processed += 1;
    run.progress();
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
  db.markIngested(collection, run.now());
  return run.finish();
}

/** One file: skipped when unchanged, else loaded, chunked, embedded and written in one transaction. */
async function indexFile(run: IngestRun, path: string, loader: DocumentLoader): Promise<void> {
  const { db, collection, report } = run;
  const info = await stat(path);
  const mtime = Math.floor(info.mtimeMs);
  const existing = db.file(collection, path);
  // A mailbox is hashed as a stream: it may be far larger than memory allows to read at once.
  const bytes = isContainerLoader(loader) ? null : await readFile(path);
  const hash = bytes === null ? await hashFile(path) : createHash('sha256').update(bytes).digest('hex');
  report.bytes += bytes?.length ?? info.size;
  if (run.unchanged(existing, hash)) {
    if (existing.mtime !== mtime) db.touchFile(existing.id, mtime);
    report.skipped += 1;
    return;
  }
  if (isContainerLoader(loader)) {
    await indexMailbox(run, { path, loader, hash, size: info.size, mtime, existing });
  } else {
    const prepared = await run.prepare(await loader.load(bytes as Buffer, path), mtime);
    const documents = prepared.map((p) => p.record);
    const space = prepared.find((p) => p.vectors !== null)?.vectors?.space;
    const vectors = space === undefined ? null : { space, values: prepared.flatMap((p) => p.vectors?.values ?? []) };
    const embedded = vectors === null ? await run.embedderSpace() : undefined;
    db.writeFile({ collection, path, hash, size: info.size, mtime, documents, vectors, ...(embedded === undefined ? {} : { space: embedded }) }, run.now());
    report.documents += documents.length;
    report.chunks += documents.reduce((n, d) => n + d.chunks.length, 0);
  }
  report.indexed += 1;
}

/** sha256 of a file, read as a stream. */
async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of createReadStream(path)) hash.update(block as Buffer);
  return hash.digest('hex');
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
