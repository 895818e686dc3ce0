import { Worker } from 'node:worker_threads';
import { FlambeauError, isErrorCode } from '../../errors/index.js';
import { workerEntry } from '../../store/worker-entry.js';
import type { IngestLimits } from '../ingest-limits.js';
import type { SourceDocument } from '../source-document.js';

/** What the main thread posts: the loader by its first extension, the bytes, the limits. */
export interface LoadRequest {
  id: number;
  extension: string;
  bytes: Uint8Array;
  path: string;
  limits: IngestLimits;
}
/** One reply per request: the documents, or the error's code and message. */
export type LoadReply = { id: number; documents: SourceDocument[] } | { id: number; error: { code: string | null; message: string } };

type Pending = { id: number; resolve: (documents: SourceDocument[]) => void; reject: (error: unknown) => void };

/**
 * Runs the isolated loaders (DOCX, PDF) on one worker thread whose heap is bounded by
 * `limits.loaderMemoryMb`: a file whose conversion needs more ends the worker, never the ingest
 * process, and is refused with `payload_too_large`; the next file gets a fresh worker. One file
 * at a time (ingest reads files one by one), so a dying worker takes only that file with it.
 */
export class LoaderThread {
  #worker: Worker | undefined;
  #pending: Pending | undefined;
  #next = 0;

  constructor(readonly limits: IngestLimits) {}

  load(extension: string, bytes: Buffer, path: string): Promise<SourceDocument[]> {
    if (this.#pending !== undefined) return Promise.reject(new FlambeauError('internal', 'LoaderThread loads one file at a time.'));
    const worker = this.#start();
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending = { id, resolve, reject };
      worker.ref();
      const request: LoadRequest = { id, extension, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, limits: { ...this.limits } };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const { url, eval: code } = workerEntry(import.meta.url, 'loader-worker');
    const resourceLimits = {
      maxOldGenerationSizeMb: this.limits.loaderMemoryMb,
      maxYoungGenerationSizeMb: Math.min(64, Math.max(4, Math.floor(this.limits.loaderMemoryMb / 8))),
    };
    const worker = code === undefined ? new Worker(url, { resourceLimits }) : new Worker(code, { eval: true, resourceLimits });
    this.#worker = worker;
    worker.on('message', (reply: LoadReply) => {
      const pending = this.#settle(reply.id);
      if (pending === undefined) return;
      if ('documents' in reply) pending.resolve(reply.documents);
      else
        pending.reject(
          reply.error.code !== null && isErrorCode(reply.error.code)
            ? new FlambeauError(reply.error.code, reply.error.message)
            : new Error(reply.error.message),
        );
    });
    // Out of memory ('error' with ERR_WORKER_OUT_OF_MEMORY, then 'exit'), or any other death.
    const died = (error?: Error): void => {
      if (this.#worker === worker) this.#worker = undefined;
      const pending = this.#pending === undefined ? undefined : this.#settle(this.#pending.id);
      if (pending === undefined) return;
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      pending.reject(
        code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new FlambeauError('payload_too_large', `converting it needs more than knowledge.loader_memory_mb (${this.limits.loaderMemoryMb} MB)`)
          : new FlambeauError('internal', `the loader thread stopped${error === undefined ? '' : ` (${error.message})`}`),
      );
    };
    worker.on('error', died);
    worker.on('exit', () => died());
    worker.unref();
    return worker;
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending;
    if (pending?.id !== id) return undefined;
    this.#pending = undefined;
    this.#worker?.unref();
    return pending;
  }
}
