import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { FlambeauError } from '../errors/index.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

export interface Store {
  readonly db: Db;
  readonly path: string;
  close(): void;
}

/**
 * Opens the home folder's SQLite file: WAL (readers never block the writer) with
 * synchronous=NORMAL, under which a committed transaction survives a kill -9 of the process (only
 * an OS crash may lose the last ones) without an fsync per request; then applies pending
 * migrations, one transaction each.
 */
export function openStore(path: string, migrations: readonly Migration[] = MIGRATIONS): Store {
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
  return { db, path, close: () => db.close() };
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
