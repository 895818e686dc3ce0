/**
 * The store interface every repository is written against: positional `?` parameters, rows as
 * plain objects, one transaction primitive. Two implementations: SQLite (sqlite-client.ts, the
 * embedded default in HOME/flambeau.db) and PostgreSQL (pg-client.ts, `store.url`), checked by
 * one contract suite (store-contract.test.ts). SQL that differs between the two is chosen by
 * `dialect` in the repository that owns it; there is little of it.
 */
export type Dialect = 'sqlite' | 'postgres';

export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  readonly dialect: Dialect;
  all<T = SqlRow>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T = SqlRow>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * SQLite: `BEGIN IMMEDIATE` (the write lock is taken first, so concurrent writers queue instead
   * of failing); PostgreSQL: READ COMMITTED, the repository takes the row or advisory locks it
   * needs. Called on an executor that is already a transaction, it joins it.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** True inside `transaction`'s `work`. */
  readonly inTransaction: boolean;
}

export interface SqlClient extends SqlExecutor {
  /** `sqlite:PATH` or the PostgreSQL URL without its password: safe to print. */
  readonly label: string;
  /** True when `error` means the store cannot answer now (locked, down, full), not a bug in our SQL. */
  isUnavailable(error: unknown): boolean;
  /**
   * SQLite only: a value that changes whenever a write commits on the store, by this client (counted
   * once its commit has returned) or by another connection (`PRAGMA data_version`), so that a reader
   * can skip a read when nothing changed since it took the stamp. Writes made on the connection
   * without this client do not change it. Absent on PostgreSQL (read every time).
   */
  readonly changeStamp?: () => string;
  /**
   * SQLite only: this connection's `PRAGMA data_version` (it moves when another connection commits)
   * as read earlier in this turn of the event loop (by `changeStamp` or a previous call), else read
   * now. For readers that may notice another process's commit one turn late (the memory budget
   * holds, decision 0020); `changeStamp` itself always reads.
   */
  readonly dataVersionThisTurn?: () => number;
  close(): Promise<void>;
}

/** Advisory lock ids (PostgreSQL): one per thing serialised across instances. */
export const ADVISORY_LOCKS = { migrations: 0x666c6d01, auditChain: 0x666c6d02, modelVersions: 0x666c6d03 } as const;
