import { hash } from 'node:crypto';

/** The `prev_hash` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** One row of the audit_log table. */
export interface AuditRow {
  seq: number;
  at: number;
  type: string;
  /** Canonical JSON of {seq, at, event}. */
  body: string;
  prev_hash: string;
  hash: string;
  /** HMAC of seq and hash under the audit key; null before the chain was keyed. */
  mac: string | null;
}

/** hash = sha256(prev_hash + body), hex. */
export function chainHash(prevHash: string, body: string): string {
  // One-shot: no Hash object per record.
  return hash('sha256', prevHash + body, 'hex');
}
