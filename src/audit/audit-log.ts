import { guardStore } from '../auth/store-guard.js';
import type { Db } from '../store/store.js';
import { usageLinkPages, type UsageLink } from '../usage/usage-log.js';
import type { AuditEvent, AuditRecord } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';
import { chainHash, GENESIS_HASH, type AuditRow } from './audit-chain.js';
import { HeadFile, headMac, readHead, recordMac, type AuditHead } from './audit-head.js';
import { verifyRows, type AuditAnchor, type VerifyResult } from './audit-verify.js';

export interface AuditLog {
  /**
   * Appends one record: reads the last hash and inserts in one `BEGIN IMMEDIATE` transaction, so
   * that appends from several processes sharing the file form one chain. Inside `atomically`, it
   * joins that transaction. Throws `store_unavailable` (503).
   */
  append(event: AuditEvent, at?: number): AuditRecord;
  /** Runs `work` (with its appends and other writes) in one IMMEDIATE transaction: all or nothing. */
  atomically<T>(work: () => T): T;
  /** Walks the whole chain (yielding to the event loop between pages), with the key's MACs, the head file and the usage links. */
  verify(options?: { anchor?: AuditAnchor }): Promise<VerifyResult>;
  /** Records at or after `since` (unix ms), oldest first, one JSON line each (ending in "\n"). */
  exportLines(options?: { since?: number }): AsyncIterable<string>;
  /** The last record's sequence number and hash: write them down elsewhere to anchor the log. */
  head(): AuditAnchor | null;
  /** Closes the head file. */
  close(): void;
}

export interface AuditLogOptions {
  db: Db;
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

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { db } = options;
  const clock = options.clock ?? Date.now;
  const pageSize = options.pageSize ?? 1000;
  // A database from before keyed chains, opened read-only by verify, has no mac column.
  const hasMac = (db.prepare("SELECT name FROM pragma_table_info('audit_log')").pluck().all() as string[]).includes('mac');
  const macColumn = hasMac ? 'mac' : 'NULL AS mac';
  const last = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insert = hasMac ? db.prepare('INSERT INTO audit_log (seq, at, type, body, prev_hash, hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?)') : null;
  const page = db.prepare<[number, number], AuditRow>(
    `SELECT seq, at, type, body, prev_hash, hash, ${macColumn} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`,
  );
  const pageSince = db.prepare<[number, number, number], AuditRow>(
    `SELECT seq, at, type, body, prev_hash, hash, ${macColumn} FROM audit_log WHERE seq > ? AND at >= ? ORDER BY seq LIMIT ?`,
  );
  const usagePage = usageLinkPages(db);
  const key = options.keyed?.key ?? null;
  const writer =
    options.keyed !== undefined && options.keyed.readOnly !== true && key !== null ? openHead(db, key, options.keyed.headPath, options.keyed.onTamper) : null;

  const appendTx = db.transaction((event: AuditEvent, at: number): AuditRecord => {
    const previous = last.get();
    const seq = (previous?.seq ?? 0) + 1;
    const prevHash = previous?.hash ?? GENESIS_HASH;
    const iso = new Date(at).toISOString();
    const body = canonicalJson({ seq, at: iso, event });
    const hash = chainHash(prevHash, body);
    if (insert === null) throw new Error('the audit_log table predates migration 12: open the store with migrations to append');
    insert.run(seq, at, event.type, body, prevHash, hash, key === null ? null : recordMac(key, seq, hash));
    writer?.appended(previous ?? null, seq, hash);
    return { seq, at: iso, event, prevHash, hash };
  });

  async function* rows(since: number | undefined): AsyncGenerator<AuditRow> {
    let after = 0;
    for (;;) {
      // Pages, not one long iterate(): the connection stays free for requests between pages.
      const batch = guardStore(db, 'reading the audit log', () => (since === undefined ? page.all(after, pageSize) : pageSince.all(after, since, pageSize)));
      for (const row of batch) yield row;
      if (batch.length < pageSize) return;
      after = (batch.at(-1) as AuditRow).seq;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async function* usageLinks(next: NonNullable<typeof usagePage>): AsyncGenerator<UsageLink> {
    let afterSeq = 0;
    let afterId = 0;
    for (;;) {
      const batch = guardStore(db, 'reading usage', () => next(afterSeq, afterId, pageSize));
      for (const link of batch) yield link;
      if (batch.length < pageSize) return;
      const tail = batch.at(-1) as UsageLink;
      afterSeq = tail.auditSeq;
      afterId = tail.id;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  return {
    append(event, at = clock()) {
      const kept = event.type === 'request' && event.content !== undefined && options.includeContent !== true ? withoutContent(event) : event;
      const record = guardStore(db, 'appending to the audit log', () => appendTx.immediate(kept, at));
      // Inside `atomically` the head moves once that transaction commits.
      if (!db.inTransaction) writer?.commit();
      return record;
    },
    atomically(work) {
      try {
        const result = guardStore(db, 'writing an audited change', () => db.transaction(work).immediate());
        writer?.commit();
        return result;
      } finally {
        writer?.rollback();
      }
    },
    verify: (verifyOptions = {}) =>
      verifyRows(rows(undefined), GENESIS_HASH, {
        ...(verifyOptions.anchor === undefined ? {} : { anchor: verifyOptions.anchor }),
        ...(options.keyed === undefined || key === null ? {} : { keyed: { key, head: readHead(options.keyed.headPath) } }),
        ...(usagePage === null ? {} : { usage: usageLinks(usagePage) }),
      }),
    async *exportLines(exportOptions = {}) {
      for await (const row of rows(exportOptions.since)) {
        const record = JSON.parse(row.body) as { seq: number; at: string; event: AuditEvent };
        yield `${canonicalJson({ ...record, prev_hash: row.prev_hash, hash: row.hash })}\n`;
      }
    },
    head() {
      const row = guardStore(db, 'reading the audit log', () => last.get());
      return row === undefined ? null : { seq: row.seq, hash: row.hash };
    },
    close() {
      writer?.close();
    },
  };
}

/**
 * Keeps HOME/audit.head at the last committed record. The keyed part of the chain starts at
 * `from`: the first record appended with the key (older records verify by hash alone). An append
 * that finds the database behind the head (records cut, or rewritten) leaves the head where it
 * is, so that verify still sees the cut, and reports it.
 */
function openHead(db: Db, key: Buffer, path: string, onTamper: (reason: string) => void = () => {}) {
  const file = new HeadFile(path);
  const found = file.read();
  const tail = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get();
  let from: number;
  if (found !== null && found !== 'unreadable') from = found.from;
  else {
    // No head yet: the keyed part starts with the next record (or at the first record that carries a MAC, if the head file was lost).
    const firstKeyed = db.prepare('SELECT MIN(seq) FROM audit_log WHERE mac IS NOT NULL').pluck().get() as number | null;
    from = firstKeyed ?? (tail?.seq ?? 0) + 1;
    if (found === 'unreadable' || firstKeyed !== null)
      onTamper(`${path} was ${found === 'unreadable' ? 'unreadable' : 'missing'}: a new head starts at record ${tail?.seq ?? 0}`);
    const seq = tail?.seq ?? 0;
    const hash = tail?.hash ?? GENESIS_HASH;
    file.write({ from, seq, hash, mac: headMac(key, from, seq, hash) });
  }
  let pending: AuditHead | null = null;
  let frozen = false;
  return {
    /** Inside the append transaction: checks the database still reaches the head, and stages the new one. */
    appended(previous: { seq: number; hash: string } | null, seq: number, hash: string): void {
      if (frozen) return;
      const current = file.read();
      if (current !== null && current !== 'unreadable') {
        const behind = (previous?.seq ?? 0) < current.seq;
        const rewritten = previous !== null && previous.seq === current.seq && previous.hash !== current.hash;
        if (behind || rewritten) {
          frozen = true;
          onTamper(
            `the audit log no longer reaches its head (record ${current.seq}): ${behind ? 'records were cut from its end' : 'its last record was rewritten'}; audit.head is kept as it is`,
          );
          return;
        }
      }
      pending = { from, seq, hash, mac: headMac(key, from, seq, hash) };
    },
    commit(): void {
      const head = pending;
      pending = null;
      if (head === null || frozen) return;
      try {
        file.write(head);
      } catch (error) {
        // The records are committed: a head that lags is reported by verify as nothing worse than a lag.
        onTamper(`cannot write ${path}: ${(error as Error).message}`);
      }
    },
    rollback(): void {
      pending = null;
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
