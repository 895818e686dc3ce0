import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FlambeauError } from '../errors/index.js';
import type { ChunkOptions } from './chunk-document.js';
import type { ChunkScreen, HiddenPart } from './chunk-injection.js';
import type { KnowledgeDb } from './db.js';
import type { Embedder } from './embedder.js';
import { indexMailbox } from './ingest-mailbox.js';
import { DEFAULT_INGEST_LIMITS, formatBytes, type IngestLimits } from './ingest-limits.js';
import { IngestRun, reasonOf, type IngestProgress, type IngestReport } from './ingest-run.js';
import { docxLoader } from './loaders/docx-loader.js';
import { htmlLoader, htmlSource } from './loaders/html-loader.js';
import { LoaderThread } from './loaders/loader-thread.js';
import { readDocxParts } from './loaders/docx-parts.js';
import { loaderFor, DEFAULT_LOADERS } from './loaders/loaders.js';
import { isContainerLoader, type DocumentLoader, type SourceDocument } from './source-document.js';
import { walkFiles, type WalkedFile } from './walk-files.js';

export type { IngestProgress, IngestReport } from './ingest-run.js';
export type { IngestLimits } from './ingest-limits.js';

export interface IngestOptions {
  db: KnowledgeDb;
  collection: string;
  /** Files and folders (walked recursively; hidden entries are left out). */
  paths: readonly string[];
  /** Follow links whose target lies outside `paths` (secrets and system folders stay refused). Default false. */
  followLinks?: boolean;
  /** Folders never read, whatever the paths say: flambeau's home (keys, the index itself). */
  protectedFolders?: readonly string[];
  /** Per-file bounds (defaults: DEFAULT_INGEST_LIMITS). */
  limits?: Partial<IngestLimits>;
  /** Null: full-text only (no vectors). */
  embedder: Embedder | null;
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
  loaders?: readonly DocumentLoader[];
  chunking?: ChunkOptions;
  /** Scores each chunk for prompt injection (stored beside it); none: chunks are scanned when retrieved. */
  screen?: ChunkScreen;
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
    ...(options.screen === undefined ? {} : { screen: options.screen }),
  });
  const { report } = run;
  const limits: IngestLimits = { ...DEFAULT_INGEST_LIMITS, ...options.limits };
  db.ensureCollection(collection, run.now());
  const { files, walkedFolders, unlisted } = await walkFiles(
    options.paths.map((p) => resolve(p)),
    {
      loaders,
      followLinks: options.followLinks ?? false,
      protectedFolders: (options.protectedFolders ?? []).map((p) => resolve(p)),
      fail: (path, reason) => run.fail(path, reason),
      exclude: (path, reason) => run.exclude(path, reason),
    },
  );
  report.total = files.length;
  run.progress();
  const seen = new Set<string>();
  const thread = new LoaderThread(limits);
  try {
    for (const file of files) {
      run.checkCancelled();
      seen.add(file.path);
      const loader = loaderFor(file.path, loaders) as DocumentLoader;
      // Only the built-in isolated loaders have a worker twin; one passed in runs here.
      const load =
        loader.isolated === true && DEFAULT_LOADERS.includes(loader)
          ? (bytes: Buffer) => thread.load(loader.extensions[0] as string, bytes, file.path)
          : (bytes: Buffer) => loader.load(bytes, file.path, limits);
      try {
        await indexFile(run, file, loader, load, limits);
      } catch (error) {
        run.checkCancelled(error);
        if (error instanceof FlambeauError && error.code === 'payload_too_large') run.exclude(file.path, `${error.message}: not read`);
        else run.fail(file.path, reasonOf(error));
      }
      report.processed += 1;
      run.progress();
    }
  } finally {
    await thread.close();
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

/**
 * One file: skipped when unchanged, else loaded, chunked, embedded and written in one
 * transaction. The file is opened without blocking and must still be the regular file the walk
 * vetted (same device and inode): one swapped for a FIFO or a link since is not read.
 */
async function indexFile(
  run: IngestRun,
  file: WalkedFile,
  loader: DocumentLoader,
  load: (bytes: Buffer) => Promise<SourceDocument[]>,
  limits: IngestLimits,
): Promise<void> {
  const { db, collection, report } = run;
  const { path } = file;
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.dev !== file.dev || info.ino !== file.ino)
      throw new FlambeauError('invalid_request', 'the file changed into another one while the folder was walked: not read');
    const container = isContainerLoader(loader);
    if (!container && info.size > limits.maxFileBytes) {
      throw new FlambeauError('payload_too_large', `${formatBytes(info.size)}, over knowledge.max_file_bytes (${formatBytes(limits.maxFileBytes)})`);
    }
    const mtime = Math.floor(info.mtimeMs);
    const existing = db.file(collection, path);
    // A mailbox is hashed as a stream: it may be far larger than memory allows to read at once.
    const bytes = container ? null : await readBounded(handle, limits.maxFileBytes);
    const hash = bytes === null ? await hashFile(handle) : createHash('sha256').update(bytes).digest('hex');
    report.bytes += bytes?.length ?? info.size;
    if (run.unchanged(existing, hash)) {
      if (existing.mtime !== mtime) db.touchFile(existing.id, mtime);
      report.skipped += 1;
      return;
    }
    if (container) await indexMailbox(run, { path, handle, limits, loader, hash, size: info.size, mtime, existing });
    else
      await writeDocuments(run, { path, hash, size: info.size, mtime }, await load(bytes as Buffer), await hiddenPartsOf(run, loader, bytes as Buffer, limits));
  } finally {
    await handle.close();
  }
  report.indexed += 1;
}

/** The whole file, read no further than the limit: one that grew past it since it was measured is refused. */
async function readBounded(handle: FileHandle, maxBytes: number): Promise<Buffer> {
  const blocks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const block = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(block, 0, block.length, total);
    if (bytesRead === 0) return Buffer.concat(blocks, total);
    blocks.push(block.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) throw new FlambeauError('payload_too_large', `grew past knowledge.max_file_bytes (${formatBytes(maxBytes)}) while read`);
  }
}

/**
 * An HTML or DOCX file's hidden parts, when chunks are scanned: text a reader does not see but a
 * model does. Called after the loader read the file; a DOCX's parts are inflated again here, on
 * this thread, after its bounds are checked again (readDocxParts).
 */
async function hiddenPartsOf(run: IngestRun, loader: DocumentLoader, bytes: Buffer, limits: IngestLimits): Promise<HiddenPart[]> {
  const { screen } = run.options;
  if (screen === undefined) return [];
  if (loader === htmlLoader) return screen.hiddenHtml(htmlSource(bytes));
  if (loader !== docxLoader) return [];
  // The parts mammoth converts, found as mammoth finds them (not by their usual names), within the inflate bounds.
  const parts = await readDocxParts(bytes, limits);
  return parts.texts.flatMap((xml) => screen.hiddenDocx(xml, parts.styles));
}

/** A single-document file's documents, chunked, embedded and written in one transaction. */
async function writeDocuments(
  run: IngestRun,
  file: { path: string; hash: string; size: number; mtime: number },
  loaded: SourceDocument[],
  hidden: readonly HiddenPart[],
): Promise<void> {
  const { db, collection, report } = run;
  const prepared = await run.prepare(loaded, file.mtime, hidden);
  const documents = prepared.map((p) => p.record);
  const space = prepared.find((p) => p.vectors !== null)?.vectors?.space;
  const vectors = space === undefined ? null : { space, values: prepared.flatMap((p) => p.vectors?.values ?? []) };
  const embedded = vectors === null ? await run.embedderSpace() : undefined;
  db.writeFile({ collection, ...file, documents, vectors, ...(embedded === undefined ? {} : { space: embedded }) }, run.now());
  report.documents += documents.length;
  report.chunks += documents.reduce((n, d) => n + d.chunks.length, 0);
}

/** sha256 of an open file, read as a stream. */
async function hashFile(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of handle.createReadStream({ start: 0, autoClose: false })) hash.update(block as Buffer);
  return hash.digest('hex');
}
