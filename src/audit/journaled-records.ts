import { FlambeauError } from '../errors/index.js';
import type { SqlExecutor } from '../store/sql.js';
import type { AuditLog } from './audit-log.js';
import type { AuditRecord } from './audit-event.js';
import { openJournal, orphanJournals, readJournal, takeOver, thisProcess, type JournalOwner, type JournalWriter } from './record-journal.js';
import { journalLine, parseJournalLine } from './record-journal-wire.js';
import type { Pending } from './request-outcome-shape.js';

/** How the journaled outcomes are applied (decision 0019; defaults chosen by measurement there). */
export interface RecordJournalOptions {
  /** The folder of the journals: HOME/journal. */
  dir: string;
  /**
   * How long the first outcome of a group waits for others before the group is applied (ms,
   * default 100). Each apply writes the pages its rows touch once (the WAL frames of the tables'
   * and indexes' last leaves, which the checkpoint copies again): ~12 records a group cost ~65 µs of
   * CPU each, ~60 a group ~25 µs (decision 0019, h-post amendment).
   */
  windowMs?: number;
  /**
   * Most outcomes applied by one transaction; a full group is applied at once (default 64: under
   * load a group goes when it is full, well before the window ends, so that one apply holds the
   * event loop ~1–2 ms, not the ~5 ms of 256).
   */
  maxGroup?: number;
  /** Most outcomes journaled and not yet applied (the store is failing): beyond it, `store_unavailable` (default 20,000). */
  maxPending?: number;
  /** A journal untouched this long is another host's dead process's (ms, default 60,000; its owner touches it every quarter of that). */
  staleMs?: number;
  /** A journal this big, once applied, gives way to a new file (bytes, default 4 MiB). */
  rotateBytes?: number;
  /** This process, as journal names say it (tests). */
  owner?: JournalOwner;
  /** Told of what the log should say: a dropped outcome (by request id, never its text), an apply retried, a replay. */
  onEvent?: (event: JournalEvent) => void;
}

export type JournalEvent =
  | { kind: 'dropped'; requestId: string; code: string }
  | { kind: 'apply-failed'; code: string; pending: number; retryInMs: number }
  | { kind: 'replayed'; journal: string; records: number; torn: number; unreadable: number };

/** A journaled outcome waiting to be applied: the journal it is in and where its record ends. */
interface Entry {
  journal: string;
  end: number;
  pending: Pending;
}

const READ_MARK = 'SELECT applied_to FROM record_journal_applied WHERE journal = ?';
const WRITE_MARK =
  'INSERT INTO record_journal_applied (journal, applied_to, updated_at) VALUES (?, ?, ?) ON CONFLICT (journal) DO UPDATE SET applied_to = max(applied_to, excluded.applied_to), updated_at = excluded.updated_at';
const DROP_MARK = 'DELETE FROM record_journal_applied WHERE journal = ?';

/**
 * The outcomes of this process, journaled at once and applied to the store in groups: one
 * transaction holding the audit chain writes a group's rows (`rows.write` each under its own
 * savepoint, then `rows.settleAll`) and moves each journal's applied mark, so that a replay never
 * writes a record twice. One apply runs at a time.
 */
export function createJournaledRecords(deps: {
  audit: AuditLog;
  rows: { write(tx: SqlExecutor, pending: Pending): Promise<AuditRecord>; settleAll(tx: SqlExecutor, written: readonly Pending[]): Promise<void> };
  options: RecordJournalOptions;
  clock?: () => number;
}) {
  const { options } = deps;
  const windowMs = options.windowMs ?? 100;
  const maxGroup = options.maxGroup ?? 64;
  const maxPending = options.maxPending ?? 20_000;
  const staleMs = options.staleMs ?? 60_000;
  const rotateBytes = options.rotateBytes ?? 4 * 1024 * 1024;
  const owner = options.owner ?? thisProcess();
  const clock = deps.clock ?? Date.now;
  const tell = options.onEvent ?? (() => {});

  let writer: JournalWriter | null = null;
  // Journals of this process no longer written that still hold outcomes not applied (rotated away, or taken over from a dead process): deleted once applied.
  // `replayed`: taken over from another process, whose mark must outlive the file (below).
  const retired = new Map<string, { size: number; close(remove: boolean): void; replayed?: boolean }>();
  // How far each journal is applied, as far as this process knows.
  const appliedTo = new Map<string, number>();
  let queue: Entry[] = [];
  // The first outcome submitted in a turn of the event loop is journaled at once (a request alone,
  // as at c=1, waits for nothing more than before); those that follow it in the same turn are
  // journaled together by one write at its end (setImmediate): at c=20 about six requests finish
  // per turn. Each promise resolves once the write that holds its line has returned.
  let batch: { pending: Pending; line: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let wroteThisTurn = false;
  let submitted = 0;
  let applied = 0;
  let dropped = 0;
  let applying: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let retryMs = 0;
  // After a group failed for a reason of its own (not the store): apply one at a time, to find the outcome at fault.
  let isolate = 0;
  let closed = false;
  const waiters: { upTo: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  const heartbeat = setInterval(() => writer?.touch(), staleMs / 4);
  heartbeat.unref();
  let replaying: Promise<number> | null = null;
  // A process of this home that dies while this one lives: its records are applied here, before its budget holds expire.
  const scan = setInterval(() => void replayOrphans().catch((error: unknown) => tell(failed(error, 0))), staleMs / 2);
  scan.unref();

  function current(): JournalWriter {
    if (writer === null || writer.broken) {
      if (writer !== null) retired.set(writer.id, writer);
      writer = openJournal(options.dir, owner);
    }
    return writer;
  }

  function schedule(now: boolean): void {
    if (applying !== null || closed) return;
    if (retryMs > 0) timer ??= setTimeout(run, retryMs);
    else if (now || queue.length >= maxGroup) {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(run, 0);
    } else timer ??= setTimeout(run, windowMs);
  }

  function run(): void {
    timer = null;
    if (applying !== null || queue.length === 0) return;
    applying = applyNext().finally(() => {
      applying = null;
      if (queue.length > 0) schedule(waiters.length > 0);
    });
  }

  async function applyNext(): Promise<void> {
    const size = isolate > 0 ? 1 : maxGroup;
    const group = queue.length <= size ? queue : queue.slice(0, size);
    queue = group === queue ? [] : queue.slice(size);
    try {
      await applyGroup(group);
      retryMs = 0;
      if (isolate > 0) isolate -= 1;
    } catch (thrown) {
      let error = thrown;
      let unavailable = isUnavailable(error);
      if (!unavailable && group.length === 1) {
        // One outcome whose group fails alone: dropped (marked applied) so that it cannot block the rest.
        try {
          await markOnly(group);
          drop(group[0] as Entry, error);
          if (isolate > 0) isolate -= 1;
          return done(group);
        } catch (markFailed) {
          // Not even the mark could be written: the store is at fault, not the outcome. Back off and retry.
          error = markFailed;
          unavailable = true;
        }
      }
      // The ledger remembers the reservations it settled, by object, even in a transaction that
      // then rolled back: a retry settles fresh copies, or its holds would never be charged.
      for (const entry of group) {
        const settle = entry.pending.settle;
        if (settle !== undefined) entry.pending = { ...entry.pending, settle: { reservation: { ...settle.reservation } } };
      }
      queue = group.concat(queue);
      if (unavailable) {
        retryMs = Math.min(Math.max(retryMs * 2, 50), 5_000);
        for (const waiter of waiters.splice(0)) waiter.reject(error);
      } else isolate = group.length;
      tell(failed(error, retryMs));
      return;
    }
    return done(group);
  }

  /** The group is in the store (or dropped): wake the flushes it covers; retire the journals it finished. */
  async function done(group: readonly Entry[]): Promise<void> {
    applied += group.length;
    for (const entry of group) if (entry.end > (appliedTo.get(entry.journal) ?? 0)) appliedTo.set(entry.journal, entry.end);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i] as (typeof waiters)[number];
      if (waiter.upTo <= applied) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
    await retire();
  }

  /** One transaction: the group's rows, its settlements, and each journal's mark. Entries at or below a mark are skipped. */
  async function applyGroup(group: readonly Entry[]): Promise<void> {
    let marks: Map<string, number> | undefined;
    const skipped = new Set<Entry>();
    await deps.audit.atomicallyEach(
      group,
      async (tx, entry) => {
        marks ??= await readMarks(tx, group);
        if (entry.end <= (marks.get(entry.journal) ?? 0)) {
          skipped.add(entry);
          return null;
        }
        return deps.rows.write(tx, entry.pending);
      },
      async (tx, done) => {
        await deps.rows.settleAll(
          tx,
          done.filter((entry) => !skipped.has(entry)).map((entry) => entry.pending),
        );
        await writeMarks(tx, group);
      },
      // A failing outcome fails its group, which is then retried one outcome at a time (`isolate`).
      { savepoints: false },
    );
  }

  function markOnly(group: readonly Entry[]): Promise<void> {
    return deps.audit.atomically((tx) => writeMarks(tx, group));
  }

  async function readMarks(tx: SqlExecutor, group: readonly Entry[]): Promise<Map<string, number>> {
    const marks = new Map<string, number>();
    for (const journal of new Set(group.map((entry) => entry.journal)))
      marks.set(journal, (await tx.get<{ applied_to: number }>(READ_MARK, [journal]))?.applied_to ?? 0);
    return marks;
  }

  async function writeMarks(tx: SqlExecutor, group: readonly Entry[]): Promise<void> {
    const ends = new Map<string, number>();
    for (const entry of group) if (entry.end > (ends.get(entry.journal) ?? 0)) ends.set(entry.journal, entry.end);
    const now = clock();
    for (const [journal, end] of ends) await tx.run(WRITE_MARK, [journal, end, now]);
  }

  function shuttingDown(): FlambeauError {
    return new FlambeauError('store_unavailable', 'The gateway is shutting down: the request was refused rather than served unrecorded.');
  }

  function isUnavailable(error: unknown): boolean {
    return error instanceof FlambeauError && error.code === 'store_unavailable';
  }

  function failed(error: unknown, retryInMs: number): JournalEvent {
    return { kind: 'apply-failed', code: error instanceof FlambeauError ? error.code : 'internal', pending: queue.length, retryInMs };
  }

  function drop(entry: Entry, reason: unknown): void {
    dropped += 1;
    tell({ kind: 'dropped', requestId: entry.pending.outcome.requestId, code: reason instanceof FlambeauError ? reason.code : 'internal' });
  }

  /** Deletes this process's journals that are wholly applied and no longer written: the current one once it is big. */
  async function retire(): Promise<void> {
    const live = writer;
    if (live !== null && live.size >= rotateBytes && (appliedTo.get(live.id) ?? 0) >= live.size) {
      retired.set(live.id, live);
      writer = null;
    }
    for (const [id, old] of retired) {
      if ((appliedTo.get(id) ?? 0) < old.size) continue;
      retired.delete(id);
      appliedTo.delete(id);
      try {
        old.close(true);
      } catch {
        // Left behind, it is replayed by a later start, and skipped: its mark says it is applied.
      }
      // A replayed journal keeps its mark: an owner on another host that stalled past staleMs and
      // resumes still holds these records, and skips them only by the mark. One row per replay.
      if (old.replayed === true) continue;
      // The mark outlives the file harmlessly if this fails; replays skip journals that are gone.
      await deps.audit.atomically((tx) => tx.run(DROP_MARK, [id])).catch(() => undefined);
    }
  }

  /** One replay at a time: a journal being replayed carries this process's name, and must not be taken twice. */
  function replayOrphans(): Promise<number> {
    return (replaying ??= replayAll().finally(() => {
      replaying = null;
    }));
  }

  async function replayAll(): Promise<number> {
    let count = 0;
    for (const orphan of orphanJournals(options.dir, owner, staleMs)) {
      const mine = takeOver(orphan, owner);
      if (mine === null) continue; // another process took it first
      const { records, torn } = readJournal(mine.path);
      let unreadable = 0;
      const entries: Entry[] = [];
      for (const record of records) {
        const pending = parseJournalLine(record.json);
        if (pending === null) unreadable += 1;
        else entries.push({ journal: mine.id, end: record.end, pending });
      }
      tell({ kind: 'replayed', journal: mine.id, records: entries.length, torn, unreadable });
      // Deleted once applied (its mark stays: an owner that still lives, stalled past staleMs, skips what was applied).
      const size = entries.at(-1)?.end ?? 0;
      if (size === 0) mine.release(true);
      else retired.set(mine.id, { size, close: (remove) => mine.release(remove), replayed: true });
      queue.push(...entries);
      submitted += entries.length;
      count += entries.length;
    }
    await flush();
    return count;
  }

  function flush(): Promise<void> {
    // What this turn submitted counts as submitted before the flush (its writes are due anyway).
    writeBatch();
    if (applied >= submitted) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      waiters.push({ upTo: submitted, resolve, reject });
      schedule(true);
    });
  }

  /** The end of a turn that journaled something: the outcomes that followed the first. */
  function endTurn(): void {
    wroteThisTurn = false;
    writeBatch();
  }

  function writeBatch(): void {
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    let error: unknown = null;
    try {
      writeLines(
        items.map((item) => item.line),
        items.map((item) => item.pending),
      );
    } catch (thrown) {
      error = thrown;
    }
    for (const item of items) {
      if (error === null) item.resolve();
      else item.reject(error);
    }
  }

  /** One write of these lines, then their outcomes join the queue to apply; throws (nothing journaled) when it fails. */
  function writeLines(lines: readonly string[], pendings: readonly Pending[]): void {
    if (closed) throw shuttingDown();
    const journal = current();
    const ends = journal.appendMany(lines);
    for (let i = 0; i < lines.length; i++) queue.push({ journal: journal.id, end: ends[i] as number, pending: pendings[i] as Pending });
    submitted += lines.length;
    schedule(false);
  }

  return {
    /**
     * Journals one outcome: resolves once its line is written (one write for the outcomes of a
     * turn); rejects with `store_unavailable` when it could not be (then nothing of it is journaled).
     */
    submit(pending: Pending): Promise<void> {
      if (closed) return Promise.reject(shuttingDown());
      if (queue.length + batch.length >= maxPending)
        return Promise.reject(
          new FlambeauError(
            'store_unavailable',
            `The store has not taken the last ${queue.length} request records yet; the request was refused. Retry shortly.`,
            {
              details: { store: 'journal', pending: queue.length },
            },
          ),
        );
      let line: string;
      try {
        line = journalLine(pending);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      if (!wroteThisTurn) {
        wroteThisTurn = true;
        setImmediate(endTurn);
        try {
          writeLines([line], [pending]);
        } catch (error) {
          return Promise.reject(error as Error);
        }
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        batch.push({ pending, line, resolve, reject });
      });
    },
    /** Applies what this process journaled, and the journals of dead processes of this home: then a read sees every acknowledged request. */
    flush: replayOrphans,
    /** Takes over and applies the journals of dead processes; returns how many records it applied. */
    replayOrphans,
    /** Applies everything (shutdown) and removes this process's journals; on a store failure they stay for the next start to replay. */
    async close(): Promise<void> {
      // Outcomes submitted in this turn are journaled (and then applied) with the rest.
      writeBatch();
      clearInterval(heartbeat);
      clearInterval(scan);
      await replaying?.catch(() => undefined);
      if (writer !== null) retired.set(writer.id, writer);
      writer = null;
      try {
        await flush();
        await applying;
        await retire();
      } finally {
        closed = true;
        if (timer !== null) clearTimeout(timer);
        for (const old of retired.values()) old.close(false);
      }
    },
    /** Outcomes journaled, applied (dropped included), dropped, and waiting. */
    stats: () => ({ submitted, applied, dropped, pending: queue.length }),
  };
}
