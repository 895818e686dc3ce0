import Database from 'better-sqlite3';
import { FlambeauError } from '../errors/index.js';
import type { Db } from '../store/store.js';

// SQLite result codes that mean "the store cannot serve now", as opposed to a bug in our SQL.
// Extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT, ...) share these prefixes.
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|PROTOCOL|NOMEM|AUTH|PERM)/;

/**
 * Runs `work` against the store and translates failures: a store that is locked beyond the busy
 * timeout, failing, full, unreadable or closed becomes `store_unavailable` (503), so that callers
 * fail closed and never report a store failure as a wrong key. Other SQLite errors are bugs
 * (`internal`). FlambeauErrors thrown by `work` pass through unchanged.
 */
export function guardStore<T>(db: Db, what: string, work: () => T): T {
  try {
    return work();
  } catch (thrown) {
    throw storeError(db, what, thrown);
  }
}

export function storeError(db: Db, what: string, thrown: unknown): FlambeauError {
  if (thrown instanceof FlambeauError) return thrown;
  if (isUnavailable(db, thrown)) {
    const code = thrown instanceof Database.SqliteError ? thrown.code : 'SQLITE_CLOSED';
    return new FlambeauError(
      'store_unavailable',
      `The store is unavailable (${code}) while ${what}; the request was refused rather than served unrecorded. Retry shortly.`,
      { details: { store: 'sqlite', sqliteCode: code }, cause: thrown },
    );
  }
  return new FlambeauError('internal', `Store error while ${what}.`, { cause: thrown });
}

function isUnavailable(db: Db, thrown: unknown): boolean {
  // better-sqlite3 throws a TypeError ("The database connection is not open") once closed.
  if (!db.open) return true;
  return thrown instanceof Database.SqliteError && UNAVAILABLE.test(thrown.code);
}
