import { chainHash, type AuditRow } from './audit-chain.js';

/** A (seq, hash) pair written down outside the database: proves nothing was cut off or rewritten before it. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export type VerifyResult =
  | { ok: true; count: number; head: AuditAnchor | null }
  | { ok: false; count: number; firstBroken: number; reason: string };

/**
 * Checks the chain in order: consecutive sequence numbers from 1, each `prev_hash` equal to the
 * previous record's hash, each hash equal to sha256(prev_hash + body), and the indexed columns
 * equal to the hashed body. Catches an edited record (its hash, or the next link if the editor
 * rehashed it), a removed one (a gap) and a reordered pair (a broken link). Removing the newest
 * records, or rewriting the whole chain from some point, leaves a valid chain: an anchor kept
 * elsewhere (`flambeau audit verify` prints the head) catches those too.
 */
export async function verifyRows(rows: AsyncIterable<AuditRow>, genesis: string, anchor?: AuditAnchor): Promise<VerifyResult> {
  let expected = 1;
  let prevHash = genesis;
  let anchorSeen = false;
  const broken = (firstBroken: number, reason: string): VerifyResult => ({ ok: false, count: expected - 1, firstBroken, reason });
  for await (const row of rows) {
    if (row.seq !== expected) {
      return row.seq > expected
        ? broken(expected, `record ${expected} is missing: the chain jumps from ${expected - 1} to ${row.seq}`)
        : broken(row.seq, `record ${row.seq} is out of order`);
    }
    if (row.prev_hash !== prevHash) return broken(row.seq, `record ${row.seq} does not follow record ${row.seq - 1}: its prev_hash is not that record's hash (a record was changed, removed or reordered)`);
    if (chainHash(row.prev_hash, row.body) !== row.hash) return broken(row.seq, `record ${row.seq} was altered: its content does not match its hash`);
    if (!consistent(row)) return broken(row.seq, `record ${row.seq} was altered: its columns disagree with its hashed content`);
    if (anchor !== undefined && row.seq === anchor.seq) {
      if (row.hash !== anchor.hash) return broken(row.seq, `record ${row.seq} differs from the anchor: the chain was rewritten up to here`);
      anchorSeen = true;
    }
    prevHash = row.hash;
    expected++;
  }
  if (anchor !== undefined && !anchorSeen) return broken(expected, `the log ends at record ${expected - 1}, before the anchor ${anchor.seq}: records were removed from its end`);
  return { ok: true, count: expected - 1, head: expected === 1 ? null : { seq: expected - 1, hash: prevHash } };
}

function consistent(row: AuditRow): boolean {
  let body: { seq?: unknown; at?: unknown; event?: { type?: unknown } };
  try {
    body = JSON.parse(row.body) as typeof body;
  } catch {
    return false;
  }
  return body.seq === row.seq && typeof body.at === 'string' && Date.parse(body.at) === row.at && body.event?.type === row.type;
}
