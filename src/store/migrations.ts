/**
 * The one ordered list of schema migrations. Append only: never edit a migration that has
 * shipped; add a new one. Each domain writes its own SQL here and owns its tables.
 */
export interface Migration { id: number; name: string; sql: string }

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'request-log',
    sql: `
      CREATE TABLE request_log (
        id TEXT PRIMARY KEY,
        started_at INTEGER NOT NULL,          -- unix ms
        endpoint TEXT NOT NULL,
        model TEXT,                           -- name the client asked for
        provider TEXT,
        upstream_model TEXT,
        locality TEXT,
        status INTEGER NOT NULL,
        error_code TEXT,
        input_tokens INTEGER,
        output_tokens INTEGER,
        tokens_estimated INTEGER NOT NULL DEFAULT 0,
        latency_ms REAL NOT NULL,
        ttft_ms REAL,                         -- time to first token (streams and non-streams alike)
        streamed INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX request_log_started_at ON request_log (started_at);
    `,
  },
  {
    id: 2,
    name: 'request-log-privacy',
    sql: `
      ALTER TABLE request_log ADD COLUMN privacy_action TEXT;
      ALTER TABLE request_log ADD COLUMN privacy_findings TEXT;   -- JSON {TYPE: count}; never values
    `,
  },
];
