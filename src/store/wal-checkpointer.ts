import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { workerEntry } from './worker-entry.js';

/** What the main thread posts to the worker: one checkpoint, by mode. */
export interface CheckpointRequest {
  id: number;
  mode: 'PASSIVE' | 'RESTART';
}
/** The worker's answer: `ready` once its connection is open, then one reply per request (SQLite's own counts, in frames). */
export type CheckpointReply = { ready: true } | { id: number; busy: boolean; log: number; checkpointed: number } | { id: number; error: string };

/** What the checkpointer needs of the main connection's client (sqlite-client.ts). */
export interface CheckpointedClient {
  /** Writes the main connection has committed so far: a pass runs only when it moved. */
  writes(): number;
  /** Runs `work` while no statement of the main connection runs; they queue behind it, asynchronously. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

export interface WalCheckpointerOptions {
  /** How often a pass may run (only when something was written since the last). */
  intervalMs?: number;
  /** A WAL this long (frames, ~4 KiB each) after a passive pass is restarted. */
  restartFrames?: number;
  /** How long a restart waits for other threads' or processes' readers. */
  busyTimeoutMs?: number;
}

export interface CheckpointStats {
  passes: number;
  restarts: number;
  /** Passes or restarts that failed or found the log busy (tried again at the next pass). */
  misses: number;
  /** Frames in the WAL at the last checkpoint, -1 before the first. */
  lastLog: number;
}

/** SQLite's own default, put back when the thread is gone: the main connection checkpoints itself again. */
const SQLITE_AUTOCHECKPOINT = 1000;

/**
 * WAL checkpoints on a worker thread. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses 1,000 frames, on the committing thread, and under synchronous=NORMAL it fsyncs the WAL
 * and the database there: with better-sqlite3 that is the event loop, stalled for the fsyncs
 * (measured: ~170 µs per request of wall time on average at one request at a time, in bursts of
 * milliseconds). Here the main connection's automatic checkpoint is off while this thread is up;
 * every `intervalMs` with new writes, the thread runs a PASSIVE checkpoint (it copies frames
 * beside the writer, never blocking it). A WAL only restarts when a checkpoint caught up with it
 * and a writer then begins, which never happens under steady load: past `restartFrames`, the
 * client's statements queue (asynchronously; the event loop goes on) while the thread copies the
 * last frames and RESTARTs the log. SQLite documents running checkpoints on another thread as the
 * way to keep them off the writer's path (wal.html, "Application-Initiated Checkpoints").
 * If the thread fails, the main connection checkpoints itself again, as before.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #db: Database.Database;
  readonly #client: CheckpointedClient;
  readonly #restartFrames: number;
  readonly #timer: NodeJS.Timeout;
  readonly #pending = new Map<number, (reply: CheckpointReply | null) => void>();
  readonly #ready: Promise<boolean>;
  readonly #stats: CheckpointStats = { passes: 0, restarts: 0, misses: 0, lastLog: -1 };
  #state: 'starting' | 'ready' | 'closed' = 'starting';
  #next = 0;
  #seenWrites = -1;
  #seenWal = -1;
  #passing: Promise<void> | null = null;

  constructor(db: Database.Database, client: CheckpointedClient, options: WalCheckpointerOptions = {}) {
    this.#db = db;
    this.#client = client;
    this.#restartFrames = options.restartFrames ?? 4096;
    const workerData = { path: db.name, busyTimeoutMs: options.busyTimeoutMs ?? 200 };
    const { url, eval: code } = workerEntry(import.meta.url, 'wal-checkpoint-worker');
    this.#worker = code === undefined ? new Worker(url, { workerData }) : new Worker(code, { eval: true, workerData });
    let settle: (ok: boolean) => void = () => {};
    this.#ready = new Promise((resolve) => (settle = resolve));
    this.#worker.on('message', (reply: CheckpointReply) => {
      if ('ready' in reply) {
        if (this.#state === 'starting') {
          this.#state = 'ready';
          // Only now: until the thread answers, the connection keeps checkpointing itself.
          this.#db.pragma('wal_autocheckpoint = 0');
        }
        if (this.#pending.size === 0) this.#worker.unref();
        settle(this.#state === 'ready');
        return;
      }
      this.#answer(reply.id, reply);
    });
    // 'error' (startup failure, uncaught exception) is followed by 'exit': both end the thread for good.
    this.#worker.on('error', () => this.#stop());
    this.#worker.on('exit', () => {
      this.#stop();
      settle(false);
    });
    // Never keeps the process alive (unref'd after its listeners, which would ref it again): a
    // process done with its work may exit mid-pass; a committed frame is in the WAL already.
    this.#worker.unref();
    this.#timer = setInterval(() => {
      if (this.#state !== 'ready') return;
      // The client's commits, or the WAL file touched by a write that went around the client
      // (the knowledge index writes on the connection itself): a pass only when something changed.
      const writes = this.#client.writes();
      const wal = statSync(`${db.name}-wal`, { throwIfNoEntry: false })?.mtimeMs ?? -1;
      if (writes === this.#seenWrites && wal === this.#seenWal) return;
      this.#seenWrites = writes;
      this.#seenWal = wal;
      void this.pass();
    }, options.intervalMs ?? 200);
    this.#timer.unref();
  }

  /** True once the thread has opened its connection (and the main connection's own checkpoints are off). */
  ready(): Promise<boolean> {
    // Someone waits on the start: keep the process alive until it is known.
    if (this.#state === 'starting') this.#worker.ref();
    return this.#ready;
  }

  get stats(): CheckpointStats {
    return { ...this.#stats };
  }

  /** One pass now (the timer runs them; tests and benches call it to know one has run). Never rejects. */
  pass(): Promise<void> {
    this.#passing ??= this.#pass().finally(() => (this.#passing = null));
    return this.#passing;
  }

  /** Stops the thread; the main connection checkpoints itself again (and at its close, as SQLite does). */
  close(): void {
    if (this.#state === 'closed') return;
    clearInterval(this.#timer);
    this.#stop();
    void this.#worker.terminate();
  }

  async #pass(): Promise<void> {
    const passive = await this.#checkpoint('PASSIVE');
    if (passive === null || passive.log < this.#restartFrames) return;
    // The client's statements wait (queued, not blocked) while the thread copies what was written
    // since and restarts the log; the next write then begins at the WAL's start.
    const restart = await this.#client.exclusive(() => this.#checkpoint('RESTART'));
    if (restart !== null) this.#stats.restarts += 1;
  }

  async #checkpoint(mode: CheckpointRequest['mode']): Promise<{ log: number } | null> {
    const reply = await this.#ask(mode);
    if (reply === null || 'error' in reply || !('log' in reply) || reply.busy) {
      this.#stats.misses += 1;
      return null;
    }
    this.#stats.passes += 1;
    this.#stats.lastLog = reply.log;
    return reply;
  }

  #ask(mode: CheckpointRequest['mode']): Promise<CheckpointReply | null> {
    if (this.#state !== 'ready') return Promise.resolve(null);
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      // Ref'd while a checkpoint is asked for, so that its caller hears the answer.
      if (this.#pending.size === 1) this.#worker.ref();
      try {
        this.#worker.postMessage({ id, mode } satisfies CheckpointRequest);
      } catch {
        this.#answer(id, null);
      }
    });
  }

  #answer(id: number, reply: CheckpointReply | null): void {
    const resolve = this.#pending.get(id);
    if (resolve === undefined) return;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
    resolve(reply);
  }

  #stop(): void {
    const wasReady = this.#state === 'ready';
    this.#state = 'closed';
    clearInterval(this.#timer);
    if (wasReady && this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
    for (const id of [...this.#pending.keys()]) this.#answer(id, null);
  }
}

/**
 * A checkpoint thread for a file database in WAL mode, or null (in memory, or not WAL: nothing to
 * move off the event loop), in which case the connection checkpoints itself as SQLite does.
 */
export function startWalCheckpointer(db: Database.Database, client: CheckpointedClient, options?: WalCheckpointerOptions): WalCheckpointer | null {
  if (db.memory || db.name === '' || !db.open) return null;
  if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null;
  try {
    return new WalCheckpointer(db, client, options);
  } catch {
    return null;
  }
}
