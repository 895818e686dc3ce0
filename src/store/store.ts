import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { FlambeauError } from '../errors/index.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { createPgClient } from './pg-client.js';
import { PG_MIGRATIONS } from './pg-migrations.js';
import { ADVISORY_LOCKS, type SqlClient } from './sql.js';
import { createSqliteClient } from './sqlite-client.js';
import { startWalCheckpointer, type WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer.js';

export type Db = Database.Database;

export interface Store {
  /** The home folder's SQLite file: the knowledge index always, and everything else when `sql` is SQLite too. */
  readonly db: Db;
  readonly path: string;
  /** Where keys, budgets, usage, the audit chain, the request log, model versions, responses, evals and shadow live. */
  readonly sql: SqlClient;
  /** The WAL checkpoint thread of the SQLite file, when the store was opened with one. */
  readonly checkpointer: WalCheckpointer | null;
  /** Closes both (the SQLite file at once; a PostgreSQL pool once its queries end). */
  close(): Promise<void>;
}

export interface StoreOptions {
  /**
   * Checkpoint the SQLite file's WAL on a worker thread (wal-checkpointer.ts): for a long-running
   * server, whose event loop would otherwise wait for the checkpoints' fsyncs. Short commands keep
   * SQLite's own checkpoints. `true` or the checkpointer's options.
   */
  checkpointThread?: boolean | WalCheckpointerOptions;
}

/**
 * Opens the home folder's SQLite file: WAL (readers never block the writer) with
 * synchronous=NORMAL, under which a committed transaction survives a kill -9 of the process (only
 * an OS crash may lose the last ones) without an fsync per request; then applies pending
 * migrations, one transaction each. Its `sql` is that same file.
 */
export function openStore(path: string, migrations: readonly Migration[] = MIGRATIONS, options: StoreOptions = {}): Store {
  const db = openSqlite(path, migrations);
  const sql = createSqliteClient(db, path);
  const threaded = options.checkpointThread ?? false;
  const checkpointer = threaded === false ? null : startWalCheckpointer(db, sql, threaded === true ? {} : threaded);
  return {
    db,
    path,
    sql,
    checkpointer,
    close: () => {
      checkpointer?.close();
      // Synchronous when nothing holds the connection, so that callers that do not await still close it.
      const closing = sql.close();
      return closing;
    },
  };
}

/**
 * The configured store: `url` null keeps everything in HOME/flambeau.db (`openStore`); a
 * `postgres://` URL moves the gateway's state there (migrated under an advisory lock, so several
 * instances may start at once) while the knowledge index stays in the local file.
 */
export async function openConfiguredStore(path: string, url: string | null, options: StoreOptions = {}): Promise<Store> {
  if (url === null) return openStore(path, MIGRATIONS, options);
  const sql = openPgClient(url);
  try {
    await migratePg(sql);
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error instanceof FlambeauError
      ? error
      : new FlambeauError('store_unavailable', `cannot migrate the PostgreSQL store at ${sql.label}: ${(error as Error).message}`, { cause: error });
  }
  const db = openSqlite(path, MIGRATIONS);
  return {
    db,
    path,
    sql,
    // Only the knowledge index is written here, outside the request path: SQLite's own checkpoints.
    checkpointer: null,
    close: async () => {
      if (db.open) db.close();
      await sql.close();
    },
  };
}

export function openPgClient(url: string): SqlClient {
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new FlambeauError('invalid_request', 'store.url must be a postgres:// (or postgresql://) URL.', { param: 'store.url' });
  return createPgClient(url);
}

/**
 * Applies pending PostgreSQL migrations, each in its own transaction, while holding a session
 * advisory lock: instances starting together queue, and each sees the others' work done.
 */
export async function migratePg(sql: SqlClient, migrations: readonly Migration[] = PG_MIGRATIONS): Promise<void> {
  await sql.transaction(async (tx) => {
    // A transaction-level lock: released by the commit even if this process dies mid-way.
    await tx.get('SELECT pg_advisory_xact_lock(?)', [ADVISORY_LOCKS.migrations]);
    await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (id BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const applied = new Set((await tx.all<{ id: number }>('SELECT id FROM schema_migrations')).map((row) => row.id));
    for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
      if (applied.has(migration.id)) continue;
      await tx.run(migration.sql);
      await tx.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [migration.id, migration.name, Date.now()]);
    }
  });
}

function openSqlite(path: string, migrations: readonly Migration[]): Db {
  let db: Db;
  try {
    const fresh = path !== ':memory:' && !existsSync(path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    // Key hashes, usage and the audit trail: readable by the gateway's user only.
    if (fresh) chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    throw new FlambeauError('internal', `cannot open the store at ${path}: ${(error as Error).message}`, { cause: error });
  }
  migrate(db, migrations);
  return db;
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
  const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as number[]);
  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.id, migration.name, Date.now());
    })();
  }
}
