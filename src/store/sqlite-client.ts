import Database from 'better-sqlite3';
import type { SqlClient, SqlExecutor, SqlRow } from './sql.js';
import { rethrowConflict } from './unique-violation.js';
import type { CheckpointedClient } from './wal-checkpointer.js';

// SQLite result codes that mean "the store cannot serve now", as opposed to a bug in our SQL.
// Extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT, ...) share these prefixes.
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|PROTOCOL|NOMEM|AUTH|PERM)/;

/**
 * The store interface on one better-sqlite3 connection. Statements run synchronously (the
 * promise is already settled); a transaction holds the connection across its awaits, so
 * statements from other callers wait for it to end instead of slipping into it.
 */
export function createSqliteClient(db: Database.Database, path: string): SqlClient & CheckpointedClient {
  const statements = new Map<string, Database.Statement>();
  // Parsed once: every transaction runs them.
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  // Commits and writes outside a transaction so far (what the WAL checkpointer watches).
  let writes = 0;
  // The same, plus writes with RETURNING that came as a query outside a transaction: counted after
  // each commit returns, for `changeStamp` (a read that took the stamp before a commit sees a new one after it).
  let committed = 0;
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  // `PRAGMA data_version` as read last in this turn of the event loop (null: not yet). Each read opens
  // and closes a read of the WAL index (two `fcntl` locks on the -shm file, ~5 µs under load); the
  // versions refresh reads it per request and the memory budget holds once per turn: the holds take
  // the refresh's read of the same turn instead of making their own (decision 0019, h-post amendment).
  let versionThisTurn: number | null = null;
  const endTurn = (): void => {
    versionThisTurn = null;
  };
  const readVersion = (): number => {
    const seen = dataVersion.get() as number;
    if (versionThisTurn === null) setImmediate(endTurn);
    versionThisTurn = seen;
    return seen;
  };
  // One transaction at a time holds the connection; `waiters` queue behind it (handed over in order).
  let locked = false;
  const waiters: (() => void)[] = [];
  const acquire = (): Promise<void> | undefined => {
    if (!locked) {
      locked = true;
      return undefined;
    }
    return new Promise<void>((resolve) => waiters.push(resolve));
  };
  const release = (): void => {
    const next = waiters.shift();
    if (next === undefined) locked = false;
    else next();
  };
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const direct = {
    // A write with RETURNING may come as a query: its unique violation is `conflict` too.
    all: <T>(sql: string, params: readonly unknown[] = []) => {
      try {
        return prepare(sql).all(...params) as T[];
      } catch (error) {
        return rethrowConflict(error);
      }
    },
    get: <T>(sql: string, params: readonly unknown[] = []) => {
      try {
        return prepare(sql).get(...params) as T | undefined;
      } catch (error) {
        return rethrowConflict(error);
      }
    },
    run: (sql: string, params: readonly unknown[] = []) => {
      const statement = prepare(sql);
      try {
        // A write with RETURNING reads like a query; count its rows.
        return statement.reader ? statement.all(...params).length : statement.run(...params).changes;
      } catch (error) {
        return rethrowConflict(error); // a unique violation becomes `conflict` (409), as on PostgreSQL
      }
    },
  };
  /** At once when no transaction holds the connection; else after it (and those queued before). */
  function later<T>(work: () => T): Promise<T> {
    if (!locked) {
      try {
        return Promise.resolve(work());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return (async () => {
      await acquire();
      try {
        return work();
      } finally {
        release();
      }
    })();
  }
  const inside: SqlExecutor = {
    dialect: 'sqlite',
    inTransaction: true,
    all: async (sql, params) => direct.all(sql, params),
    get: async (sql, params) => direct.get(sql, params),
    run: async (sql, params) => direct.run(sql, params),
    transaction: (work) => work(inside),
  };
  async function transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    await acquire();
    try {
      begin.run();
      try {
        const result = await work(inside);
        commit.run();
        writes += 1;
        committed += 1;
        return result;
      } catch (error) {
        if (db.inTransaction) rollback.run();
        throw error;
      }
    } finally {
      release();
    }
  }
  return {
    dialect: 'sqlite',
    label: `sqlite:${path}`,
    get inTransaction() {
      return false;
    },
    all: <T = SqlRow>(sql: string, params?: readonly unknown[]) =>
      later(() => {
        const rows = direct.all<T>(sql, params);
        if (!prepare(sql).readonly) committed += 1;
        return rows;
      }),
    get: <T = SqlRow>(sql: string, params?: readonly unknown[]) =>
      later(() => {
        const row = direct.get<T>(sql, params);
        if (!prepare(sql).readonly) committed += 1;
        return row;
      }),
    run: (sql, params) =>
      later(() => {
        const changed = direct.run(sql, params);
        writes += 1;
        committed += 1;
        return changed;
      }),
    transaction,
    writes: () => writes,
    // Another connection's commits move data_version, this connection's move `committed`. Writes
    // made on `db` directly, not through this client (the budget holds, knowledge), move neither.
    changeStamp: () => `${readVersion()}:${committed}`,
    dataVersionThisTurn: () => versionThisTurn ?? readVersion(),
    exclusive: async <T>(work: () => Promise<T>): Promise<T> => {
      await acquire();
      try {
        return await work();
      } finally {
        release();
      }
    },
    isUnavailable: (error) => !db.open || (error instanceof Database.SqliteError && UNAVAILABLE.test(error.code)),
    close: async () => {
      const waiting = acquire();
      if (waiting !== undefined) await waiting;
      if (db.open) db.close();
      release();
    },
  };
}
