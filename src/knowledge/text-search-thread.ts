import { Worker } from 'node:worker_threads';
import type { Db } from '../store/store.js';
import { workerEntry } from '../store/worker-entry.js';
import type { SearchFilters } from './search-filters.js';

/** A BM25 hit: FTS5's score (negative, lower is better) and how much of the query it matched. */
export interface TextHit {
  id: number;
  score: number;
  /**
   * -score over the sum of the query terms' IDF: about 1 when the chunk holds every term once,
   * near 0 when it holds only a weak one. What the relevance floor reads.
   */
  relevance: number;
}

/** What the main thread posts to the worker: plain data only. */
export interface TextSearchRequest {
  id: number;
  query: string;
  filters: SearchFilters;
  limit: number;
}
/** The worker's answer: `ready` once its connection is open, then one reply per request. */
export type TextSearchReply = { ready: true } | { id: number; hits: TextHit[] } | { id: number; error: string };

/**
 * BM25 search on a worker thread with its own read-only connection to the same file, so that a
 * hybrid search runs it while the main thread scans vectors (better-sqlite3 blocks its thread).
 * WAL lets that reader run beside the main connection. Every failure answers null: the caller then
 * runs the same search on the main thread, so results never depend on whether the worker is up.
 */
export class TextSearchThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, (hits: TextHit[] | null) => void>();
  readonly #ready: Promise<boolean>;
  #state: 'starting' | 'ready' | 'closed' = 'starting';
  #next = 0;

  constructor(path: string) {
    const { url, eval: code } = workerEntry(import.meta.url, 'text-search-worker');
    this.#worker = code === undefined ? new Worker(url, { workerData: { path } }) : new Worker(code, { eval: true, workerData: { path } });
    // Never keeps the process alive when idle; ref'd only while a search waits on it.
    this.#worker.unref();
    let settle: (ok: boolean) => void = () => {};
    this.#ready = new Promise((resolve) => (settle = resolve));
    this.#worker.on('message', (reply: TextSearchReply) => {
      if ('ready' in reply) {
        if (this.#state === 'starting') this.#state = 'ready';
        if (this.#pending.size === 0) this.#worker.unref();
        settle(this.#state === 'ready');
        return;
      }
      this.#answer(reply.id, 'hits' in reply ? reply.hits : null);
    });
    // 'error' (startup failure, uncaught exception) is followed by 'exit': both end the worker for good.
    this.#worker.on('error', () => this.#stop());
    this.#worker.on('exit', () => {
      this.#stop();
      settle(false);
    });
  }

  /** True once the worker has opened its connection; false when it failed or was closed. */
  ready(): Promise<boolean> {
    // Someone waits on the start: keep the process alive until it is known.
    if (this.#state === 'starting') this.#worker.ref();
    return this.#ready;
  }

  get isReady(): boolean {
    return this.#state === 'ready';
  }

  /** BM25 hits from the worker, or null (worker not ready, gone, or the query failed there). Never rejects. */
  search(query: string, filters: SearchFilters, limit: number): Promise<TextHit[] | null> {
    if (this.#state !== 'ready') return Promise.resolve(null);
    const id = this.#next++;
    const request: TextSearchRequest = { id, query, filters: plainFilters(filters), limit };
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      if (this.#pending.size === 1) this.#worker.ref();
      try {
        this.#worker.postMessage(request);
      } catch {
        this.#answer(id, null);
      }
    });
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#stop();
    void this.#worker.terminate();
  }

  #answer(id: number, hits: TextHit[] | null): void {
    const resolve = this.#pending.get(id);
    if (resolve === undefined) return;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
    resolve(hits);
  }

  #stop(): void {
    this.#state = 'closed';
    for (const id of [...this.#pending.keys()]) this.#answer(id, null);
  }
}

/**
 * A text-search thread for a file database in WAL mode, or null: an in-memory database cannot be
 * opened twice, and without WAL a reader in the worker could hold off the main connection's writes.
 */
export function startTextSearchThread(db: Db): TextSearchThread | null {
  if (db.memory || db.name === '' || !db.open) return null;
  if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null;
  try {
    return new TextSearchThread(db.name);
  } catch {
    return null;
  }
}

/** Only the fields the search reads, so a caller's extra properties never reach structured clone. */
function plainFilters(filters: SearchFilters): SearchFilters {
  return {
    collections: [...filters.collections],
    ...(filters.pathPrefix === undefined ? {} : { pathPrefix: filters.pathPrefix }),
    ...(filters.since === undefined ? {} : { since: filters.since }),
    ...(filters.until === undefined ? {} : { until: filters.until }),
    ...(filters.sender === undefined ? {} : { sender: filters.sender }),
  };
}
