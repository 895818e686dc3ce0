import type Database from 'better-sqlite3';
import { FlambeauError } from '../errors/index.js';
import type { SqlClient, SqlExecutor } from './sql.js';

/**
 * The tables `flambeau store migrate` copies from a home's SQLite file into PostgreSQL, parents
 * first (api_keys names teams, eval_results names eval_runs). The knowledge index is not among
 * them: it stays in each host's HOME/flambeau.db (docs/decisions/0013).
 */
export const COPIED_TABLES = [
  'teams',
  'api_keys',
  'budget_spend',
  'budget_reservations',
  'usage_log',
  'audit_log',
  'request_log',
  'model_versions',
  'model_pointers',
  'stored_responses',
  'eval_runs',
  'eval_results',
  'shadow_comparisons',
  // Signed-in dashboard browsers keep their sessions across the move (auth/dashboard-sessions.ts).
  'ui_sessions',
] as const;

/** The order of the WITHOUT ROWID tables (no rowid to copy them by): their primary key. */
const KEY_ORDER: Partial<Record<(typeof COPIED_TABLES)[number], string>> = { budget_spend: 'scope, day', budget_reservations: 'id', ui_sessions: 'id' };

/** Tables whose serial id the copy keeps: their sequences continue after the highest copied id. */
const SERIAL_IDS = ['usage_log', 'shadow_comparisons'] as const;

/** PostgreSQL caps a statement at 65535 parameters: rows per INSERT stay well below. */
const MAX_PARAMS = 30_000;

export type CopyReport = Record<(typeof COPIED_TABLES)[number], number>;

/**
 * Copies every row of the gateway's tables from `source` (a migrated SQLite home database) into
 * `target` (a migrated PostgreSQL store), in ONE transaction: a failed copy leaves the target as
 * it was. Refuses a target that already holds keys, usage or audit records (a copy would fork
 * its chain or double its spend). Rows keep their ids and their order (request_log and eval_runs
 * in rowid order, which the PostgreSQL row_id then follows).
 */
export async function copyStore(source: Database.Database, target: SqlClient): Promise<CopyReport> {
  for (const table of ['api_keys', 'usage_log', 'audit_log'] as const) {
    const found = await target.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
    if ((found?.n ?? 0) > 0)
      throw new FlambeauError('invalid_request', `The target store already holds rows in ${table}: store migrate copies into an empty store only.`, {
        param: 'to',
      });
  }
  const report = Object.fromEntries(COPIED_TABLES.map((t) => [t, 0])) as CopyReport;
  await target.transaction(async (tx) => {
    for (const table of COPIED_TABLES) report[table] = await copyTable(source, tx, table);
    for (const table of SERIAL_IDS)
      await tx.get(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT MAX(id) FROM ${table}), 0) + 1, false)`);
  });
  return report;
}

async function copyTable(source: Database.Database, tx: SqlExecutor, table: (typeof COPIED_TABLES)[number]): Promise<number> {
  const targetColumns = new Set(
    (
      await tx.all<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?', [
        table,
      ])
    ).map((c) => c.column_name),
  );
  const columns = (source.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).filter((c) => targetColumns.has(c));
  const missing = [...targetColumns].filter((c) => !columns.includes(c) && c !== 'row_id');
  if (missing.length > 0 && table !== 'audit_log')
    throw new FlambeauError('internal', `${table}: the source has no column ${missing.join(', ')}; start flambeau on it once to migrate it.`);
  const perInsert = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const list = columns.map((c) => `"${c}"`).join(', ');
  let batch: unknown[][] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
    await tx.run(`INSERT INTO ${table} (${list}) VALUES ${rows}`, batch.flat());
    copied += batch.length;
    batch = [];
  };
  const order = KEY_ORDER[table] ?? 'rowid';
  const statement = source.prepare(`SELECT ${list} FROM ${table} ORDER BY ${order}`).raw(true);
  for (const row of statement.iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    if (batch.length >= perInsert) await flush();
  }
  await flush();
  return copied;
}
