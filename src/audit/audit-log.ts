import { guardStore, storeError } from '../auth/store-guard.js';
import { FlambeauError } from '../errors/index.js';
import { ADVISORY_LOCKS, type SqlClient, type SqlExecutor } from '../store/sql.js';
import { usageLinkPages, type UsageLink } from '../usage/usage-log.js';
import type { AuditEvent, AuditRecord } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';
import { chainHash, GENESIS_HASH, type AuditRow } from './audit-chain.js';
import { HeadFile, headMac, readHead, recordMac } from './audit-head.js';
import { verifyRows, type AuditAnchor, type VerifyResult } from './audit-verify.js';

export interface AuditLog {
  /**
   * Appends one record: reads the last hash and inserts in one transaction that holds the chain
   * (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory transaction lock), so that appends from
   * several processes or instances form one chain. Given `tx` (inside `atomically`), it joins
   * that transaction. Throws `store_unavailable` (503).
   */
  append(event: AuditEvent, at?: number, tx?: SqlExecutor): Promise<AuditRecord>;
  /** Runs `work` (with its appends and other writes, given `tx`) in one transaction holding the chain: all or nothing. */
  atomically<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * A group commit: runs `work` for each item, in order, in ONE transaction holding the chain,
   * each item under its own savepoint. An item whose work throws is undone alone (its appends
   * too) and settles rejected; the others commit together, and each settles only once that
   * commit is done. `finish` then runs in the same transaction with the items whose work
   * succeeded (none, possibly). A failure of the store, of `finish` or of the commit rejects the call (every item fails).
   * `savepoints: false` (the record journal's applies, which isolate a failing item by retrying one
   * at a time): no savepoint per item, and an item that throws rejects the call.
   */
  atomicallyEach<I, T>(
    items: readonly I[],
    work: (tx: SqlExecutor, item: I) => Promise<T>,
    finish?: (tx: SqlExecutor, done: I[]) => Promise<void>,
    options?: { savepoints?: boolean },
  ): Promise<PromiseSettledResult<T>[]>;
  /** Walks the whole chain (a page at a time), with the key's MACs, the head file and the usage links. */
  verify(options?: { anchor?: AuditAnchor }): Promise<VerifyResult>;
  /** Records at or after `since` (unix ms), oldest first, one JSON line each (ending in "\n"). */
  exportLines(options?: { since?: number }): AsyncIterable<string>;
  /** The last record's sequence number and hash: write them down elsewhere to anchor the log. */
  head(): Promise<AuditAnchor | null>;
  /** Closes the head file. */
  close(): void;
}

export interface AuditLogOptions {
  sql: SqlClient;
  /** Keep `content` (prompt and answer) in request records (`audit.include_content`); default false: dropped. */
  includeContent?: boolean;
  clock?: () => number;
  /** Rows read per page by verify and export (default 1000). */
  pageSize?: number;
  /**
   * The audit key and the head file (HOME/audit.key, HOME/audit.head; docs/decisions/0005): each
   * record gets a MAC and, once committed, the head file names it. `readOnly` (verify, export):
   * the head file is read, never written. `key` null: the home folder has no key (verify reports
   * records that carry a MAC as unverifiable).
   */
  keyed?: { key: Buffer | null; headPath: string; readOnly?: boolean; onTamper?: (reason: string) => void };
}

type Writer = Awaited<ReturnType<typeof openHead>>;

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { sql } = options;
  const clock = options.clock ?? Date.now;
  const pageSize = options.pageSize ?? 1000;
  const key = options.keyed?.key ?? null;
  const LAST = 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1';
  // Opened on first use (they read the database): the mac column's presence (a database from
  // before keyed chains, opened read-only by verify, has none) and the head file's writer.
  let setup: Promise<{ hasMac: boolean; writer: Writer | null }> | undefined;
  const ready = () =>
    (setup ??= (async () => {
      const hasMac =
        sql.dialect === 'postgres' || (await sql.all<{ name: string }>("SELECT name FROM pragma_table_info('audit_log')")).some((c) => c.name === 'mac');
      const writer =
        options.keyed !== undefined && options.keyed.readOnly !== true && key !== null
          ? await openHead(sql, key, options.keyed.headPath, options.keyed.onTamper)
          : null;
      return { hasMac, writer };
    })());
  // A failed set-up (store down) is retried by the next call.
  const setupOf = async () => {
    try {
      return await ready();
    } catch (error) {
      setup = undefined;
      throw storeError(sql, 'opening the audit log', error);
    }
  };

  /** Appends inside `tx`, which holds the chain (inChain); stages the head to write once committed. */
  async function appendIn(tx: SqlExecutor, event: AuditEvent, at: number, chain: ChainState): Promise<AuditRecord> {
    const { hasMac, writer } = await setupOf();
    if (!hasMac) throw new Error('the audit_log table predates migration 12: open the store with migrations to append');
    // `tx` holds the chain already: inChain took the lock when it began the transaction. After
    // its first append, the last record is the one this transaction wrote: no need to read it.
    const previous = chain.last !== undefined ? chain.last : ((await tx.get<{ seq: number; hash: string }>(LAST)) ?? null);
    const seq = (previous?.seq ?? 0) + 1;
    const prevHash = previous?.hash ?? GENESIS_HASH;
    const iso = new Date(at).toISOString();
    const body = canonicalJson({ at: iso, event, seq }); // keys in sorted order: nothing to sort
    const hash = chainHash(prevHash, body);
    await tx.run('INSERT INTO audit_log (seq, at, type, body, prev_hash, hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      seq,
      at,
      event.type,
      body,
      prevHash,
      hash,
      key === null ? null : recordMac(key, seq, hash),
    ]);
    chain.last = { seq, hash };
    // The head file is checked once per transaction: a later append follows this transaction's own record.
    const staged = writer?.appended(previous, seq, hash, chain.heads.length === 0);
    if (staged != null) chain.heads.push(staged);
    return { seq, at: iso, event, prevHash, hash };
  }

  // Heads staged by transactions in flight, written when each commits.
  const staged = new WeakMap<SqlExecutor, ChainState>();
  async function inChain<T>(work: (tx: SqlExecutor, chain: ChainState) => Promise<T>, outer?: SqlExecutor): Promise<T> {
    if (outer !== undefined && outer.inTransaction) {
      const chain = staged.get(outer);
      if (chain !== undefined) return work(outer, chain);
    }
    const { writer } = await setupOf();
    const chain: ChainState = { heads: [], last: undefined };
    const result = await guardStore(sql, 'writing an audited change', () =>
      (outer ?? sql).transaction(async (tx) => {
        staged.set(tx, chain);
        try {
          await holdChain(tx);
          return await work(tx, chain);
        } finally {
          // SQLite hands every transaction the same executor: a later one must not find this state.
          staged.delete(tx);
        }
      }),
    );
    const last = chain.heads.at(-1);
    if (last !== undefined) writer?.commit(last);
    return result;
  }

  async function* rows(since: number | undefined): AsyncGenerator<AuditRow> {
    let after = 0;
    const { hasMac } = await setupOf();
    const columns = `seq, at, type, body, prev_hash, hash, ${hasMac ? 'mac' : 'NULL AS mac'}`;
    for (;;) {
      // Pages, not one long iterate(): the connection stays free for requests between pages.
      const batch = await guardStore(sql, 'reading the audit log', () =>
        since === undefined
          ? sql.all<AuditRow>(`SELECT ${columns} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`, [after, pageSize])
          : sql.all<AuditRow>(`SELECT ${columns} FROM audit_log WHERE seq > ? AND at >= ? ORDER BY seq LIMIT ?`, [after, since, pageSize]),
      );
      for (const row of batch) yield row;
      if (batch.length < pageSize) return;
      after = (batch.at(-1) as AuditRow).seq;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async function* usageLinks(next: (afterSeq: number, afterId: number, limit: number) => Promise<UsageLink[]>): AsyncGenerator<UsageLink> {
    let afterSeq = 0;
    let afterId = 0;
    for (;;) {
      const batch = await guardStore(sql, 'reading usage', () => next(afterSeq, afterId, pageSize));
      for (const link of batch) yield link;
      if (batch.length < pageSize) return;
      const tail = batch.at(-1) as UsageLink;
      afterSeq = tail.auditSeq;
      afterId = tail.id;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return {
    append(event, at = clock(), tx) {
      const kept = event.type === 'request' && event.content !== undefined && options.includeContent !== true ? withoutContent(event) : event;
      return inChain((inner, chain) => appendIn(inner, kept, at, chain), tx);
    },
    atomically(work) {
      return inChain((tx) => work(tx));
    },
    atomicallyEach(items, work, finish, eachOptions) {
      return inChain(async (tx, chain) => {
        const settled: PromiseSettledResult<Awaited<ReturnType<typeof work>>>[] = [];
        const done: (typeof items)[number][] = [];
        if (eachOptions?.savepoints === false) {
          // Two statements fewer per item; the first failure undoes the whole transaction.
          for (const item of items) settled.push({ status: 'fulfilled', value: await work(tx, item) });
          if (finish !== undefined) await finish(tx, [...items]);
          return settled;
        }
        for (const item of items) {
          const mark = chain.heads.length;
          const last = chain.last;
          await tx.run('SAVEPOINT audited_item');
          try {
            settled.push({ status: 'fulfilled', value: await work(tx, item) });
            await tx.run('RELEASE SAVEPOINT audited_item');
            done.push(item);
          } catch (thrown) {
            // The store failing fails the whole group (its transaction may be gone already).
            if (sql.isUnavailable(thrown) || (thrown instanceof FlambeauError && thrown.code === 'store_unavailable')) throw thrown;
            await tx.run('ROLLBACK TO SAVEPOINT audited_item');
            await tx.run('RELEASE SAVEPOINT audited_item');
            chain.heads.length = mark;
            chain.last = last;
            settled.push({ status: 'rejected', reason: storeError(sql, 'writing an audited change', thrown) });
          }
        }
        if (finish !== undefined) await finish(tx, done);
        return settled;
      });
    },
    async verify(verifyOptions = {}) {
      const usagePage = await usageLinkPages(sql);
      return verifyRows(rows(undefined), GENESIS_HASH, {
        ...(verifyOptions.anchor === undefined ? {} : { anchor: verifyOptions.anchor }),
        ...(options.keyed === undefined || key === null ? {} : { keyed: { key, head: readHead(options.keyed.headPath) } }),
        ...(usagePage === null ? {} : { usage: usageLinks(usagePage) }),
      });
    },
    async *exportLines(exportOptions = {}) {
      for await (const row of rows(exportOptions.since)) {
        const record = JSON.parse(row.body) as { seq: number; at: string; event: AuditEvent };
        yield `${canonicalJson({ ...record, prev_hash: row.prev_hash, hash: row.hash })}\n`;
      }
    },
    async head() {
      const row = await guardStore(sql, 'reading the audit log', () => sql.get<{ seq: number; hash: string }>(LAST));
      return row === undefined ? null : { seq: row.seq, hash: row.hash };
    },
    close() {
      void setup?.then(({ writer }) => writer?.close()).catch(() => undefined);
    },
  };
}

/**
 * Serialises appends to the chain across processes and instances. SQLite: the transaction is
 * `BEGIN IMMEDIATE`, already the only writer. PostgreSQL: an advisory lock held until commit, so
 * the next appender reads the last hash only once this one's record is committed: the chain
 * never forks (and the primary key on seq would refuse a fork if it tried).
 */
async function holdChain(tx: SqlExecutor): Promise<void> {
  if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?)', [ADVISORY_LOCKS.auditChain]);
}

/** What a transaction holding the chain knows: heads to write once it commits, the last record (undefined: not read yet). */
interface ChainState {
  heads: StagedHead[];
  last: { seq: number; hash: string } | null | undefined;
}

/** A head to write once its transaction commits; its MAC is computed then, for the last one only. */
interface StagedHead {
  from: number;
  seq: number;
  hash: string;
}

/**
 * Keeps HOME/audit.head at the last committed record this process wrote. The keyed part of the
 * chain starts at `from`: the first record appended with the key (older records verify by hash
 * alone). An append that finds the database behind the head (records cut, or rewritten) leaves
 * the head where it is, so that verify still sees the cut, and reports it.
 */
async function openHead(sql: SqlClient, key: Buffer, path: string, onTamper: (reason: string) => void = () => {}) {
  const file = new HeadFile(path);
  const found = file.read();
  const tail = await sql.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  let from: number;
  let written = found !== null && found !== 'unreadable' ? found.seq : 0;
  if (found !== null && found !== 'unreadable') from = found.from;
  else {
    // No head yet: the keyed part starts with the next record (or at the first record that carries a MAC, if the head file was lost).
    const firstKeyed = (await sql.get<{ first: number | null }>('SELECT MIN(seq) AS first FROM audit_log WHERE mac IS NOT NULL'))?.first ?? null;
    from = firstKeyed ?? (tail?.seq ?? 0) + 1;
    if (found === 'unreadable' || firstKeyed !== null)
      onTamper(`${path} was ${found === 'unreadable' ? 'unreadable' : 'missing'}: a new head starts at record ${tail?.seq ?? 0}`);
    const seq = tail?.seq ?? 0;
    const hash = tail?.hash ?? GENESIS_HASH;
    file.write({ from, seq, hash, mac: headMac(key, from, seq, hash) });
    written = seq;
  }
  let frozen = false;
  return {
    /**
     * Inside the append transaction: checks the database still reaches the head (`check`: the
     * transaction's first append); returns the new head to write once committed.
     */
    appended(previous: { seq: number; hash: string } | null, seq: number, hash: string, check: boolean): StagedHead | null {
      if (frozen) return null;
      const current = check ? file.read() : null;
      if (current !== null && current !== 'unreadable') {
        const behind = (previous?.seq ?? 0) < current.seq;
        const rewritten = previous !== null && previous.seq === current.seq && previous.hash !== current.hash;
        if (behind || rewritten) {
          frozen = true;
          onTamper(
            `the audit log no longer reaches its head (record ${current.seq}): ${behind ? 'records were cut from its end' : 'its last record was rewritten'}; audit.head is kept as it is`,
          );
          return null;
        }
      }
      return { from, seq, hash };
    },
    /** After the commit: the head moves forward only (transactions of this process commit in order, but never move it back). */
    commit(head: StagedHead): void {
      if (frozen || head.seq <= written) return;
      try {
        file.write({ ...head, mac: headMac(key, head.from, head.seq, head.hash) });
        written = head.seq;
      } catch (error) {
        // The records are committed: a head that lags is reported by verify as nothing worse than a lag.
        onTamper(`cannot write ${path}: ${(error as Error).message}`);
      }
    },
    close(): void {
      file.close();
    },
  };
}

function withoutContent(event: AuditEvent): AuditEvent {
  const { content: _dropped, ...rest } = event as AuditEvent & { content?: unknown };
  return rest as AuditEvent;
}
