import Database from 'better-sqlite3';
import { FlambeauError } from '../errors/index.js';
import type { SqlClient } from '../store/sql.js';

/**
 * Runs `work` against the store and translates failures: a store that is locked beyond the busy
 * timeout, down, failing, full, unreadable or closed becomes `store_unavailable` (503), so that
 * callers fail closed and never report a store failure as a wrong key. Other errors are bugs
 * (`internal`). FlambeauErrors thrown by `work` pass through unchanged.
 */
export async function guardStore<T>(sql: SqlClient, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (thrown) {
    throw storeError(sql, what, thrown);
  }
}

export function storeError(sql: SqlClient, what: string, thrown: unknown): FlambeauError {
  if (thrown instanceof FlambeauError) return thrown;
  if (sql.isUnavailable(thrown)) {
    const sqliteCode = thrown instanceof Database.SqliteError ? thrown.code : 'SQLITE_CLOSED';
    const code = sql.dialect === 'sqlite' ? sqliteCode : String((thrown as { code?: unknown }).code ?? 'unreachable');
    return new FlambeauError(
      'store_unavailable',
      `The store is unavailable (${code}) while ${what}; the request was refused rather than served unrecorded. Retry shortly.`,
      { details: sql.dialect === 'sqlite' ? { store: 'sqlite', sqliteCode } : { store: 'postgres', pgCode: code }, cause: thrown },
    );
  }
  return new FlambeauError('internal', `Store error while ${what}.`, { cause: thrown });
}
