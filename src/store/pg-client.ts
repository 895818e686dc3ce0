import pg from 'pg';
import type { SqlClient, SqlExecutor, SqlRow } from './sql.js';
import { rethrowConflict } from './unique-violation.js';

// int8 (COUNT, SUM of integers, BIGINT columns) and numeric (SUM of BIGINT) as JS numbers: our
// values (unix ms, nano-USD, token counts) stay far below 2^53.
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

// SQLSTATE classes that mean "the store cannot serve now": connection exceptions (08),
// insufficient resources (53), operator intervention (57: shutdown, cancel), system errors (58),
// a lock that waited too long (55P03), and a transaction PostgreSQL rolled back to break a deadlock
// or a serialization conflict (40: the caller may retry; it is not the caller's mistake).
const UNAVAILABLE_STATES = /^(08|53|57|58|40)|^55P03$/;
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

const placeholders = new Map<string, string>();
/** `?` → `$1, $2…` (our SQL never holds a literal `?`), cached per statement text. */
function toPg(sql: string): string {
  let text = placeholders.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    placeholders.set(sql, text);
  }
  return text;
}

function executorOf(client: pg.Pool | pg.PoolClient, inTransaction: boolean, transaction: SqlExecutor['transaction']): SqlExecutor {
  // A unique violation (two calls inserting one key at once) becomes `conflict` (409), not `internal`.
  const query = (sql: string, params: readonly unknown[] = []) => client.query(toPg(sql), params as unknown[]).catch(rethrowConflict);
  return {
    dialect: 'postgres',
    inTransaction,
    all: async <T = SqlRow>(sql: string, params?: readonly unknown[]) => (await query(sql, params)).rows as T[],
    get: async <T = SqlRow>(sql: string, params?: readonly unknown[]) => (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
    transaction,
  };
}

/** The PostgreSQL URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    for (const name of ['password', 'sslpassword', 'sslkey']) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return 'postgres://[unparseable url]';
  }
}

/**
 * The store interface on a `pg` pool. Each transaction takes one pooled connection for its whole
 * life (READ COMMITTED; repositories take row locks or advisory locks where they need order);
 * statements outside one use any free connection. Commits are synchronous (PostgreSQL's
 * default): a committed record survives a crash of the gateway or of the database server.
 */
export function createPgClient(url: string, options: { max?: number } = {}): SqlClient {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: TYPES, application_name: 'flambeau' });
  // An idle connection dropped by the server must not crash the process: the next query reconnects.
  pool.on('error', () => undefined);
  async function transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const connection = await pool.connect();
    let broken = false;
    try {
      await connection.query('BEGIN');
      const tx: SqlExecutor = executorOf(connection, true, (inner) => inner(tx));
      const result = await work(tx);
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await connection.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      connection.release(broken);
    }
  }
  return {
    ...executorOf(pool, false, transaction),
    label: redactUrl(url),
    isUnavailable(error) {
      const e = error as { code?: unknown; message?: unknown } | null;
      if (e === null || typeof e !== 'object') return false;
      if (typeof e.code === 'string' && (UNAVAILABLE_STATES.test(e.code) || UNAVAILABLE_ERRNOS.has(e.code))) return true;
      // pg's own messages for a pool or connection that is gone.
      return (
        typeof e.message === 'string' && /Connection terminated|Cannot use a pool after calling end|Client has encountered a connection error/.test(e.message)
      );
    },
    close: () => pool.end(),
  };
}
