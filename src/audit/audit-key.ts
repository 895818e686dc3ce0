import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { HOME_ENTRIES, homePaths } from '../config/home-layout.js';
import { FlambeauError } from '../errors/index.js';

/** The head file's name in a home folder (kept for callers that hold a folder, not a home). */
export const AUDIT_HEAD_FILE = HOME_ENTRIES.auditHead;

/**
 * The key of the audit chain's MACs, kept in HOME/audit.key (mode 600), outside the database:
 * whoever can edit flambeau.db but cannot read this file cannot forge a record or the head.
 * Generated on first start, as master.key is. Back it up with the database: without it the
 * keyed records cannot be verified.
 */
export function ensureAuditKey(home: string): { key: Buffer; path: string; generated: boolean } {
  const path = homePaths(home).auditKey;
  const existing = readAuditKey(home);
  if (existing !== null) return { key: existing, path, generated: false };
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key, path, generated: true };
}

/** The audit key of a home folder, or null when it has none (a database from before keyed chains). */
export function readAuditKey(home: string): Buffer | null {
  const path = homePaths(home).auditKey;
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new FlambeauError('internal', `${path} is not an audit key (64 hex digits expected).`);
  return Buffer.from(text, 'hex');
}
