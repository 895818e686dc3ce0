import { guardStore } from '../auth/store-guard.js';
import type { Db } from '../store/store.js';
import type { AuditEvent, AuditRecord } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';
import { chainHash, GENESIS_HASH, type AuditRow } from './audit-chain.js';
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
  /** Walks the whole chain (yielding to the event loop between pages). */
  verify(options?: { anchor?: AuditAnchor }): Promise<VerifyResult>;
  /** Records at or after `since` (unix ms), oldest first, one JSON line each (ending in "\n"). */
  exportLines(options?: { since?: number }): AsyncIterable<string>;
  /** The last record's sequence number and hash: write them down elsewhere to anchor the log. */
  head(): AuditAnchor | null;
}

export interface AuditLogOptions {
  db: Db;
  /** Keep `content` (prompt and answer) in request records (`audit.include_content`); default false: dropped. */
  includeContent?: boolean;
  clock?: () => number;
  /** Rows read per page by verify and export (default 1000). */
  pageSize?: number;
}

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { db } = options;
  const clock = options.clock ?? Date.now;
  const pageSize = options.pageSize ?? 1000;
  const last = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare('INSERT INTO audit_log (seq, at, type, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)');
  const page = db.prepare<[number, number], AuditRow>('SELECT seq, at, type, body, prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
  const pageSince = db.prepare<[number, number, number], AuditRow>('SELECT seq, at, type, body, prev_hash, hash FROM audit_log WHERE seq > ? AND at >= ? ORDER BY seq LIMIT ?');

  const appendTx = db.transaction((event: AuditEvent, at: number): AuditRecord => {
    const previous = last.get();
    const seq = (previous?.seq ?? 0) + 1;
    const prevHash = previous?.hash ?? GENESIS_HASH;
    const iso = new Date(at).toISOString();
    const body = canonicalJson({ seq, at: iso, event });
    const hash = chainHash(prevHash, body);
    insert.run(seq, at, event.type, body, prevHash, hash);
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

  return {
    append(event, at = clock()) {
      const kept = event.type === 'request' && event.content !== undefined && options.includeContent !== true ? withoutContent(event) : event;
      return guardStore(db, 'appending to the audit log', () => appendTx.immediate(kept, at));
    },
    atomically(work) {
      return guardStore(db, 'writing an audited change', () => db.transaction(work).immediate());
    },
    verify: (verifyOptions = {}) => verifyRows(rows(undefined), GENESIS_HASH, verifyOptions.anchor),
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
  };
}

function withoutContent(event: AuditEvent): AuditEvent {
  const { content: _dropped, ...rest } = event as AuditEvent & { content?: unknown };
  return rest as AuditEvent;
}
