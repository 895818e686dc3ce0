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
  {
    id: 3,
    name: 'auth-keys-teams-budgets',
    sql: `
      -- A team carries its own budget and limits; its id is its name.
      CREATE TABLE teams (
        id TEXT PRIMARY KEY,
        budget_nusd INTEGER,                  -- budget in nano-USD (1e-9 USD): integer sums never drift
        budget_period TEXT CHECK (budget_period IN ('day', 'week', 'month', 'total')),
        rpm INTEGER,
        tpm INTEGER,
        created_at INTEGER NOT NULL,          -- unix ms
        updated_at INTEGER NOT NULL
      ) STRICT;
      -- API keys: only the sha256 of the whole token is kept; the id is the lookup handle.
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        team TEXT REFERENCES teams (id),
        secret_hash TEXT NOT NULL,            -- hex sha256 of the token
        models TEXT NOT NULL,                 -- JSON array of names or patterns; ["*"] = all
        endpoints TEXT NOT NULL,              -- JSON array
        collections TEXT NOT NULL,            -- JSON array
        budget_nusd INTEGER,
        budget_period TEXT CHECK (budget_period IN ('day', 'week', 'month', 'total')),
        rpm INTEGER,
        tpm INTEGER,
        expires_at INTEGER,
        revoked_at INTEGER,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      ) STRICT;
      CREATE INDEX api_keys_team ON api_keys (team);
      -- Settled spend per scope ('key:<id>' or 'team:<id>') and UTC day; any period sums its days.
      CREATE TABLE budget_spend (
        scope TEXT NOT NULL,
        day INTEGER NOT NULL,                 -- unix ms of the UTC day's start
        spent_nusd INTEGER NOT NULL,
        PRIMARY KEY (scope, day)
      ) STRICT, WITHOUT ROWID;
      -- Worst-case costs of calls in flight; expired rows (a crashed process) stop counting.
      CREATE TABLE budget_reservations (
        id TEXT PRIMARY KEY,
        key_id TEXT,
        team TEXT,
        amount_nusd INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX budget_reservations_key ON budget_reservations (key_id, expires_at);
      CREATE INDEX budget_reservations_team ON budget_reservations (team, expires_at);
      CREATE INDEX budget_reservations_expires ON budget_reservations (expires_at);
    `,
  },
  {
    id: 4,
    name: 'usage-log',
    sql: `
      -- One row per request, written in the same transaction as its audit record.
      CREATE TABLE usage_log (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,             -- not unique: clients may reuse x-request-id
        at INTEGER NOT NULL,                  -- unix ms the request started
        key_id TEXT,                          -- NULL for the master key
        team TEXT,
        endpoint TEXT NOT NULL,
        model TEXT,                           -- the name the client asked for
        provider TEXT,
        upstream_model TEXT,
        locality TEXT,
        input_tokens INTEGER,
        output_tokens INTEGER,
        tokens_estimated INTEGER NOT NULL DEFAULT 0,
        cost_nusd INTEGER NOT NULL DEFAULT 0,
        latency_ms REAL NOT NULL,
        status INTEGER NOT NULL,
        error_code TEXT
      ) STRICT;
      CREATE INDEX usage_log_at ON usage_log (at);
      CREATE INDEX usage_log_request_id ON usage_log (request_id);
    `,
  },
  {
    id: 5,
    name: 'audit-log',
    sql: `
      -- Append-only hash chain: hash = sha256(prev_hash || body), body = canonical JSON {seq, at, event}.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,                  -- unix ms, also inside body
        type TEXT NOT NULL,                   -- 'request' | 'admin', also inside body
        body TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_at ON audit_log (at);
      -- Refuse edits through SQL; someone with the file can drop these, which verify() then catches.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
];
