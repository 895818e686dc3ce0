import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { FlambeauError } from '../errors/index.js';
import { homePaths } from '../config/home-layout.js';
import { readAuditKey } from './audit-key.js';
import { createAuditLog, type AuditLog } from './audit-log.js';
import { createSqliteClient } from '../store/sqlite-client.js';
import { migratePg, openPgClient } from '../store/store.js';

/**
 * Opens a home folder's database READ-ONLY for `flambeau audit verify|export`: an integrity check
 * must not write to what it checks, nor trust the running server (it works with the server down,
 * or while it runs: WAL readers do not block it). No migration is applied. With HOME/audit.key,
 * it also checks each record's MAC and the head kept in HOME/audit.head.
 */
export function openAuditFile(path: string): { audit: AuditLog; close(): Promise<void> } {
  if (!existsSync(path)) throw new FlambeauError('not_found', `No flambeau database at ${path} (use --home, or start \`flambeau serve\` once).`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new FlambeauError('store_unavailable', `Cannot open ${path}: ${(error as Error).message}`, { cause: error });
  }
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
  if (table === undefined) {
    db.close();
    throw new FlambeauError('not_found', `${path} has no audit log yet: a flambeau with keys and audit must start on it once.`);
  }
  // The key and head beside the database: read, never created or written by a check.
  const home = dirname(path);
  let key: Buffer | null;
  try {
    key = readAuditKey(home);
  } catch (error) {
    db.close();
    throw error;
  }
  const sql = createSqliteClient(db, path);
  return { audit: createAuditLog({ sql, keyed: { key, headPath: homePaths(home).auditHead, readOnly: true } }), close: () => sql.close() };
}

/**
 * The audit chain of a PostgreSQL store (`store.url`) for `flambeau audit verify|export`: it only
 * reads, with HOME/audit.key (the key every instance shares) and this host's HOME/audit.head.
 */
export async function openAuditStore(home: string, url: string): Promise<{ audit: AuditLog; close(): Promise<void> }> {
  const key = readAuditKey(home);
  const sql = openPgClient(url);
  try {
    await migratePg(sql);
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw new FlambeauError('store_unavailable', `Cannot open the PostgreSQL store at ${sql.label}: ${(error as Error).message}`, { cause: error });
  }
  return { audit: createAuditLog({ sql, keyed: { key, headPath: homePaths(home).auditHead, readOnly: true } }), close: () => sql.close() };
}
