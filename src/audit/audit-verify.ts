import { fromNano } from '../auth/budget-columns.js';
import type { UsageLink } from '../usage/usage-log.js';
import { chainHash, type AuditRow } from './audit-chain.js';
import { headMac, recordMac, type AuditHead } from './audit-head.js';

/** A (seq, hash) pair written down outside the database: proves nothing was cut off or rewritten before it. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export type VerifyResult =
  { ok: true; count: number; head: AuditAnchor | null; keyedFrom?: number } | { ok: false; count: number; firstBroken: number; reason: string };

/** What verify checks beyond the hash chain. */
export interface ChainChecks {
  anchor?: AuditAnchor;
  /**
   * The audit key and the head kept outside the database (HOME/audit.key, HOME/audit.head).
   * Absent: no key is available, and a record that carries a MAC cannot be checked (reported).
   */
  keyed?: { key: Buffer; head: AuditHead | 'unreadable' | null };
  /** The usage rows linked to audit records, in audit order: each must agree with its record. */
  usage?: AsyncIterable<UsageLink>;
}

interface Body {
  seq?: unknown;
  at?: unknown;
  event?: { type?: unknown; requestId?: unknown; actor?: { kind?: unknown }; costUsd?: unknown; tokens?: { input?: unknown; output?: unknown } | null };
}

/**
 * Checks the chain in order: consecutive sequence numbers from 1, each `prev_hash` equal to the
 * previous record's hash, each hash equal to sha256(prev_hash + body), and the indexed columns
 * equal to the hashed body. Catches an edited record (its hash, or the next link if the editor
 * rehashed it), a removed one (a gap) and a reordered pair (a broken link).
 *
 * With the audit key, also each record's MAC (from the keyed boundary on, every record has one)
 * and the head kept outside the database: a tail cut, or a tail rewritten with recomputed hashes,
 * is caught without an anchor. With usage links, each usage row must carry the cost and tokens of
 * the audit record it names, and every keyed request record of a key must have its usage row.
 * Without a key, removing the newest records or rewriting from some point on leaves a valid
 * chain: an anchor kept elsewhere (`flambeau audit verify` prints the head) catches those.
 */
export async function verifyRows(rows: AsyncIterable<AuditRow>, genesis: string, checks: ChainChecks = {}): Promise<VerifyResult> {
  const { anchor, keyed } = checks;
  let expected = 1;
  let prevHash = genesis;
  let anchorSeen = false;
  let headSeen = false;
  let firstMac: number | null = null;
  const broken = (firstBroken: number, reason: string): VerifyResult => ({ ok: false, count: expected - 1, firstBroken, reason });
  const head = keyed !== undefined && keyed.head !== null && keyed.head !== 'unreadable' ? keyed.head : null;
  if (keyed !== undefined && head !== null && head.mac !== headMac(keyed.key, head.from, head.seq, head.hash)) {
    return broken(head.seq, 'the head kept outside the database (audit.head) was not written with the audit key');
  }
  const usage = checks.usage === undefined ? null : new UsageCursor(checks.usage[Symbol.asyncIterator](), head?.from ?? null);
  for await (const row of rows) {
    if (row.seq !== expected) {
      return row.seq > expected
        ? broken(expected, `record ${expected} is missing: the chain jumps from ${expected - 1} to ${row.seq}`)
        : broken(row.seq, `record ${row.seq} is out of order`);
    }
    if (row.prev_hash !== prevHash)
      return broken(
        row.seq,
        `record ${row.seq} does not follow record ${row.seq - 1}: its prev_hash is not that record's hash (a record was changed, removed or reordered)`,
      );
    if (chainHash(row.prev_hash, row.body) !== row.hash) return broken(row.seq, `record ${row.seq} was altered: its content does not match its hash`);
    const body = parseBody(row.body);
    if (body === null || !consistent(row, body)) return broken(row.seq, `record ${row.seq} was altered: its columns disagree with its hashed content`);
    if (row.mac != null) {
      firstMac ??= row.seq;
      if (keyed !== undefined && row.mac !== recordMac(keyed.key, row.seq, row.hash))
        return broken(row.seq, `record ${row.seq} was written or rewritten without the audit key: its MAC does not match`);
    } else if (head !== null && row.seq >= head.from) {
      return broken(
        row.seq,
        `record ${row.seq} has no MAC although the chain is keyed from record ${head.from}: it was written or rewritten without the audit key`,
      );
    }
    if (head !== null && row.seq === head.seq) {
      if (row.hash !== head.hash)
        return broken(row.seq, `record ${row.seq} differs from the head kept outside the database (audit.head): the chain was rewritten`);
      headSeen = true;
    }
    if (anchor !== undefined && row.seq === anchor.seq) {
      if (row.hash !== anchor.hash) return broken(row.seq, `record ${row.seq} differs from the anchor: the chain was rewritten up to here`);
      anchorSeen = true;
    }
    const problem = usage === null ? null : await usage.check(row, body);
    if (problem !== null) return broken(row.seq, problem);
    prevHash = row.hash;
    expected++;
  }
  const last = expected - 1;
  const stray = usage === null ? null : await usage.leftOver();
  if (stray !== null)
    return broken(stray.auditSeq, `usage row ${stray.id} (request ${stray.requestId}) names audit record ${stray.auditSeq}, which does not exist`);
  if (keyed === undefined && firstMac !== null)
    return broken(firstMac, `records from ${firstMac} on carry MACs, but the audit key (HOME/audit.key) is not available: they cannot be checked`);
  if (keyed !== undefined) {
    if (keyed.head === 'unreadable') return broken(expected, 'the head kept outside the database (audit.head) is unreadable');
    if (head === null && firstMac !== null)
      return broken(expected, 'the head kept outside the database (audit.head) is missing: records cut from the end could not be seen');
    if (head !== null && head.seq > 0 && !headSeen)
      return broken(
        expected,
        `the log ends at record ${last}, but the head kept outside the database (audit.head) is at record ${head.seq}: records were removed from its end`,
      );
  }
  if (anchor !== undefined && !anchorSeen)
    return broken(expected, `the log ends at record ${last}, before the anchor ${anchor.seq}: records were removed from its end`);
  return { ok: true, count: last, head: last === 0 ? null : { seq: last, hash: prevHash }, ...(head === null ? {} : { keyedFrom: head.from }) };
}

/** Walks the usage links beside the audit rows (both in audit order). */
class UsageCursor {
  #next: UsageLink | null | undefined;
  #linkFrom: number | null;
  constructor(
    private readonly links: AsyncIterator<UsageLink>,
    keyedFrom: number | null,
  ) {
    this.#linkFrom = keyedFrom;
  }
  async #peek(): Promise<UsageLink | null> {
    if (this.#next === undefined) {
      const step = await this.links.next();
      this.#next = step.done === true ? null : step.value;
      // Without a keyed boundary, request records are linked from the first linked one on.
      if (this.#linkFrom === null && this.#next !== null) this.#linkFrom = this.#next.auditSeq;
    }
    return this.#next;
  }
  async #take(seq: number): Promise<UsageLink[]> {
    const taken: UsageLink[] = [];
    for (let link = await this.#peek(); link !== null && link.auditSeq <= seq; link = await this.#peek()) {
      taken.push(link);
      this.#next = undefined;
    }
    return taken;
  }
  /** A reason when the usage rows of this record disagree with it, or a key's request record lost its row. */
  async check(row: AuditRow, body: Body): Promise<string | null> {
    const links = await this.#take(row.seq);
    const wrong = links.find((link) => link.auditSeq !== row.seq);
    if (wrong !== undefined) return `usage row ${wrong.id} (request ${wrong.requestId}) names audit record ${wrong.auditSeq}, which does not exist`;
    const event = body.event ?? {};
    if (event.type !== 'request') {
      return links.length === 0 ? null : `usage row ${links[0]?.id} names audit record ${row.seq}, which is not a request record`;
    }
    if (links.length > 1) return `usage rows ${links.map((l) => l.id).join(', ')} all name audit record ${row.seq}`;
    const link = links[0];
    if (link === undefined) {
      const linked = this.#linkFrom !== null && row.seq >= this.#linkFrom;
      return linked && event.actor?.kind !== 'anonymous'
        ? `audit record ${row.seq} (request ${String(event.requestId)}) has no usage row: it was deleted or unlinked`
        : null;
    }
    const input = event.tokens?.input ?? null;
    const output = event.tokens?.output ?? null;
    const cost = typeof event.costUsd === 'number' ? Math.round(event.costUsd * 1e9) : Number.NaN;
    if (link.requestId !== event.requestId || link.costNusd !== cost || link.inputTokens !== input || link.outputTokens !== output) {
      return `usage row ${link.id} (request ${link.requestId}) disagrees with audit record ${row.seq}: ${fromNano(link.costNusd)} USD, ${link.inputTokens}/${link.outputTokens} tokens in usage; ${String(event.costUsd)} USD, ${String(input)}/${String(output)} tokens in the audit`;
    }
    return null;
  }
  /** A usage row naming a record past the end of the chain. */
  async leftOver(): Promise<UsageLink | null> {
    return this.#peek();
  }
}

function parseBody(text: string): Body | null {
  try {
    const body = JSON.parse(text) as unknown;
    return body !== null && typeof body === 'object' ? (body as Body) : null;
  } catch {
    return null;
  }
}

function consistent(row: AuditRow, body: Body): boolean {
  return body.seq === row.seq && typeof body.at === 'string' && Date.parse(body.at) === row.at && body.event?.type === row.type;
}
