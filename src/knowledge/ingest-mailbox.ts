import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { formatBytes, type IngestLimits } from './ingest-limits.js';
import type { FileRow } from './db.js';
import { reasonOf, type IngestRun } from './ingest-run.js';
import type { ContainerLoader, SourceDocument } from './source-document.js';

/** Messages parsed, embedded together, then written one transaction each. */
const PARTS_PER_BATCH = 32;

export interface MailboxFile {
  path: string;
  /** The file the walk vetted, open. */
  handle: FileHandle;
  limits: IngestLimits;
  loader: ContainerLoader;
  /** sha256 of the whole file. */
  hash: string;
  size: number;
  mtime: number;
  existing: FileRow | undefined;
}

/**
 * A mailbox, message by message: each message is a row of its own keyed by its content hash,
 * written in its own transaction, so an unchanged message is skipped (never re-embedded: a
 * mailbox that grew by one mail costs one mail) and a run killed mid-mailbox resumes where it
 * was. Unchanged messages take their new place in the mailbox, those gone from it are removed,
 * and the mailbox's own row, with the whole file's hash, is written last.
 */
export async function indexMailbox(run: IngestRun, file: MailboxFile): Promise<void> {
  const { db, collection } = run;
  const { path, loader, mtime } = file;
  const known = new Map(db.partsOf(collection, path).map((p) => [p.path, p]));
  // A mailbox indexed whole before messages had rows of their own: start afresh.
  if (file.existing !== undefined && known.size === 0) db.removeFile(file.existing.id);
  const kept = new Set<string>();
  const unchanged: Array<{ id: number; docIndex: number }> = [];
  let batch: Array<{ key: string; hash: string; part: Buffer; index: number }> = [];
  const flush = async (): Promise<void> => {
    const loaded: Array<{ item: (typeof batch)[number]; doc: SourceDocument }> = [];
    for (const item of batch) {
      try {
        loaded.push({ item, doc: await loader.loadPart(item.part) });
      } catch (error) {
        run.fail(`${path} (message ${item.index + 1})`, reasonOf(error));
      }
    }
    batch = [];
    const prepared = await run.prepare(
      loaded.map(({ doc }) => doc),
      mtime,
    );
    const space = await run.embedderSpace();
    loaded.forEach(({ item }, i) => {
      const { record, vectors } = prepared[i] as (typeof prepared)[number];
      db.writeFile(
        {
          collection,
          path: item.key,
          partOf: path,
          firstDocIndex: item.index,
          hash: item.hash,
          size: 0,
          mtime,
          documents: [record],
          vectors,
          ...(vectors === null && space !== undefined ? { space } : {}),
        },
        run.now(),
      );
      run.report.documents += 1;
      run.report.chunks += record.chunks.length;
    });
    run.progress();
  };
  let index = 0;
  for await (const part of loader.parts(file.handle, file.limits)) {
    run.checkCancelled();
    if (!Buffer.isBuffer(part)) {
      run.exclude(
        `${path} (message ${index + 1})`,
        `${formatBytes(part.oversizedBytes)}, over knowledge.max_file_bytes (${formatBytes(file.limits.maxFileBytes)}): not read`,
      );
      index += 1;
      continue;
    }
    const hash = createHash('sha256').update(part).digest('hex');
    const key = `${path}#${hash.slice(0, 32)}`;
    const at = index++;
    if (kept.has(key)) continue; // the same message twice: indexed once
    kept.add(key);
    const old = known.get(key);
    if (run.unchanged(old, hash)) {
      unchanged.push({ id: old.id, docIndex: at });
      continue;
    }
    batch.push({ key, hash, part, index: at });
    if (batch.length >= PARTS_PER_BATCH) await flush();
  }
  await flush();
  db.renumberParts(unchanged);
  for (const [key, row] of known) if (!kept.has(key)) db.removeFile(row.id);
  const space = await run.embedderSpace();
  db.writeFile(
    { collection, path, hash: file.hash, size: file.size, mtime, documents: [], vectors: null, ...(space === undefined ? {} : { space }) },
    run.now(),
  );
}
