import type { Migration } from './migrations.js';

/**
 * The PostgreSQL schema: the same tables and columns as the SQLite migrations (src/store/
 * migrations.ts), minus the knowledge index, which stays in each host's HOME/flambeau.db
 * (docs/decisions/0013). Numbered from 1, append only, applied by `migratePg` under an advisory
 * lock. Integers are BIGINT (unix ms, nano-USD), REAL is DOUBLE PRECISION, JSON stays TEXT so
 * both stores read the same strings back; serial ids (usage_log, shadow_comparisons) and
 * request_log's row_id stand in for SQLite's rowid.
 */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'gateway-state',
    sql: `
      CREATE TABLE request_log (
        id TEXT PRIMARY KEY,
        row_id BIGSERIAL NOT NULL,
        started_at BIGINT NOT NULL,
        endpoint TEXT NOT NULL,
        model TEXT,
        provider TEXT,
        upstream_model TEXT,
        locality TEXT,
        status BIGINT NOT NULL,
        error_code TEXT,
        input_tokens BIGINT,
        output_tokens BIGINT,
        tokens_estimated BIGINT NOT NULL DEFAULT 0,
        latency_ms DOUBLE PRECISION NOT NULL,
        ttft_ms DOUBLE PRECISION,
        streamed BIGINT NOT NULL DEFAULT 0,
        privacy_action TEXT,
        privacy_findings TEXT,
        injection TEXT
      );
      CREATE INDEX request_log_started_at ON request_log (started_at);

      CREATE TABLE teams (
        id TEXT PRIMARY KEY,
        budget_nusd BIGINT,
        budget_period TEXT CHECK (budget_period IN ('day', 'week', 'month', 'total')),
        rpm BIGINT,
        tpm BIGINT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        team TEXT REFERENCES teams (id),
        secret_hash TEXT NOT NULL,
        models TEXT NOT NULL,
        endpoints TEXT NOT NULL,
        collections TEXT NOT NULL,
        budget_nusd BIGINT,
        budget_period TEXT CHECK (budget_period IN ('day', 'week', 'month', 'total')),
        rpm BIGINT,
        tpm BIGINT,
        expires_at BIGINT,
        revoked_at BIGINT,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT
      );
      CREATE INDEX api_keys_team ON api_keys (team);
      CREATE TABLE budget_spend (
        scope TEXT NOT NULL,
        day BIGINT NOT NULL,
        spent_nusd BIGINT NOT NULL,
        PRIMARY KEY (scope, day)
      );
      CREATE TABLE budget_reservations (
        id TEXT PRIMARY KEY,
        key_id TEXT,
        team TEXT,
        amount_nusd BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX budget_reservations_key ON budget_reservations (key_id, expires_at);
      CREATE INDEX budget_reservations_team ON budget_reservations (team, expires_at);
      CREATE INDEX budget_reservations_expires ON budget_reservations (expires_at);

      CREATE TABLE usage_log (
        id BIGSERIAL PRIMARY KEY,
        request_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        key_id TEXT,
        team TEXT,
        endpoint TEXT NOT NULL,
        model TEXT,
        provider TEXT,
        upstream_model TEXT,
        locality TEXT,
        input_tokens BIGINT,
        output_tokens BIGINT,
        tokens_estimated BIGINT NOT NULL DEFAULT 0,
        cost_nusd BIGINT NOT NULL DEFAULT 0,
        latency_ms DOUBLE PRECISION NOT NULL,
        status BIGINT NOT NULL,
        error_code TEXT,
        audit_seq BIGINT
      );
      CREATE INDEX usage_log_at ON usage_log (at);
      CREATE INDEX usage_log_request_id ON usage_log (request_id);
      CREATE INDEX usage_log_audit_seq ON usage_log (audit_seq) WHERE audit_seq IS NOT NULL;

      -- Appends are serialised by an advisory transaction lock (audit/audit-log.ts): one chain
      -- whatever the number of instances; the primary key refuses a fork even without it.
      CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY,
        at BIGINT NOT NULL,
        type TEXT NOT NULL,
        body TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        mac TEXT
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

      CREATE TABLE model_versions (
        name TEXT NOT NULL,
        version BIGINT NOT NULL,
        sha256 TEXT NOT NULL,
        settings TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (name, version)
      );
      CREATE INDEX model_versions_sha256 ON model_versions (sha256);
      CREATE TABLE model_pointers (
        name TEXT PRIMARY KEY,
        current BIGINT NOT NULL,
        previous BIGINT,
        canary BIGINT,
        canary_percent BIGINT CHECK (canary_percent BETWEEN 1 AND 99),
        updated_at BIGINT NOT NULL
      );

      CREATE TABLE stored_responses (
        id TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        input_items TEXT NOT NULL,
        response TEXT NOT NULL
      );
      CREATE INDEX stored_responses_expires ON stored_responses (expires_at);

      CREATE TABLE eval_runs (
        id TEXT PRIMARY KEY,
        row_id BIGSERIAL NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('eval', 'shadow')),
        source TEXT NOT NULL,
        suite_sha256 TEXT,
        models TEXT NOT NULL,
        judge TEXT,
        started_at BIGINT NOT NULL,
        finished_at BIGINT NOT NULL,
        cases BIGINT NOT NULL,
        include_content BIGINT NOT NULL DEFAULT 0
      );
      CREATE INDEX eval_runs_started_at ON eval_runs (kind, started_at);
      CREATE TABLE eval_results (
        run_id TEXT NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
        seq BIGINT NOT NULL,
        case_id TEXT NOT NULL,
        model TEXT NOT NULL,
        tags TEXT,
        grader TEXT NOT NULL,
        pass BIGINT,
        score DOUBLE PRECISION,
        reason TEXT NOT NULL,
        error_code TEXT,
        latency_ms DOUBLE PRECISION,
        input_tokens BIGINT,
        output_tokens BIGINT,
        cost_nusd BIGINT,
        request_id TEXT,
        judge_request_id TEXT,
        judge_cost_nusd BIGINT,
        route TEXT,
        answer TEXT,
        PRIMARY KEY (run_id, seq)
      );

      CREATE TABLE shadow_comparisons (
        id BIGSERIAL PRIMARY KEY,
        created_at BIGINT NOT NULL,
        rule TEXT NOT NULL,
        route TEXT NOT NULL,
        local_model TEXT NOT NULL,
        reference_model TEXT NOT NULL,
        served_model TEXT NOT NULL,
        outcome TEXT NOT NULL,
        agreement DOUBLE PRECISION,
        method TEXT,
        judge_verdict TEXT,
        judge_reason TEXT,
        local_as_good BIGINT,
        local_latency_ms DOUBLE PRECISION,
        reference_latency_ms DOUBLE PRECISION,
        local_cost_nusd BIGINT,
        reference_cost_nusd BIGINT,
        shadow_cost_nusd BIGINT NOT NULL,
        error_code TEXT,
        features TEXT,
        local_text TEXT,
        reference_text TEXT
      );
      CREATE INDEX shadow_comparisons_created ON shadow_comparisons (created_at);
    `,
  },
  {
    id: 2,
    name: 'budget-reservations-lean',
    sql: `
      -- As SQLite's migration 18: every request inserts and deletes a hold, and this index was
      -- one more to maintain each time; the sweep of expired holds scans only the calls in flight.
      DROP INDEX IF EXISTS budget_reservations_expires;
    `,
  },
  {
    id: 3,
    name: 'ui-sessions',
    sql: `
      -- As SQLite's migration 19.
      CREATE TABLE ui_sessions (
        id TEXT PRIMARY KEY,
        key_id TEXT,
        name TEXT NOT NULL,
        admin INTEGER NOT NULL,
        sealed TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX ui_sessions_expires ON ui_sessions (expires_at);
      CREATE INDEX ui_sessions_key ON ui_sessions (key_id);
    `,
  },
];
