/**
 * The one ordered list of schema migrations. Append only: never edit a migration that has
 * shipped; add a new one. Each domain writes its own SQL here and owns its tables.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/**
 * Letters the knowledge index spells out (migration 11's triggers; text-hits.ts folds queries
 * with the same table). Frozen: a change needs a new migration that re-indexes.
 */
export const INDEX_FOLDS: ReadonlyArray<readonly [string, string]> = [
  ['œ', 'oe'],
  ['Œ', 'OE'],
  ['æ', 'ae'],
  ['Æ', 'AE'],
  ['ß', 'ss'],
  ['ẞ', 'SS'],
  ['ﬀ', 'ff'],
  ['ﬁ', 'fi'],
  ['ﬂ', 'fl'],
  ['ﬃ', 'ffi'],
  ['ﬄ', 'ffl'],
  ['ﬅ', 'st'],
  ['ﬆ', 'st'],
];
const FOLDED_LETTERS = INDEX_FOLDS.map(([letter]) => letter).join('');
const folded = (column: string): string => INDEX_FOLDS.reduce((sql, [letter, spelled]) => `replace(${sql}, '${letter}', '${spelled}')`, column);

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
  {
    id: 6,
    name: 'knowledge',
    sql: `
      -- Private knowledge (src/knowledge/db.ts). Vectors live in sqlite-vec tables made at run time
      -- (knowledge_vec_<space>): their width depends on the embedding model, and vec0 needs the
      -- extension loaded, which plain migrations do not do.
      CREATE TABLE knowledge_collections (
        name TEXT PRIMARY KEY,
        shareable INTEGER NOT NULL DEFAULT 0,   -- 1: may reach non-device models (privacy guard still runs)
        created_at INTEGER NOT NULL,            -- unix ms
        last_ingest_at INTEGER
      ) STRICT;
      -- One row per source file; a file's chunks are replaced in one transaction with its row, so
      -- a killed run leaves each file either fully indexed (same hash: skipped next time) or not.
      CREATE TABLE knowledge_files (
        id INTEGER PRIMARY KEY,
        collection TEXT NOT NULL REFERENCES knowledge_collections (name) ON DELETE CASCADE,
        path TEXT NOT NULL,                     -- absolute
        hash TEXT NOT NULL,                     -- hex sha256 of the bytes
        size INTEGER NOT NULL,
        mtime INTEGER NOT NULL,                 -- unix ms
        embed_space TEXT,                       -- vector space the chunks were embedded in; NULL: none
        documents INTEGER NOT NULL,
        ingested_at INTEGER NOT NULL,
        UNIQUE (collection, path)
      ) STRICT;
      CREATE TABLE knowledge_chunks (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES knowledge_files (id) ON DELETE CASCADE,
        collection TEXT NOT NULL,
        path TEXT NOT NULL,
        doc_index INTEGER NOT NULL,             -- document within the file (message of a mailbox)
        seq INTEGER NOT NULL,                   -- chunk within the document
        title TEXT,
        heading TEXT,                           -- heading path, e.g. "Budget > 2026"
        page INTEGER,                           -- 1-based, PDF only
        start_offset INTEGER NOT NULL,          -- character offsets in the document's extracted text
        end_offset INTEGER NOT NULL,
        doc_date INTEGER NOT NULL,              -- unix ms: the message's date, else the file's mtime
        sender TEXT,
        subject TEXT,
        text TEXT NOT NULL
      ) STRICT;
      CREATE INDEX knowledge_chunks_file ON knowledge_chunks (file_id);
      CREATE INDEX knowledge_chunks_collection ON knowledge_chunks (collection, path);
      -- Case and accent folding: "reunion" finds "Réunion".
      CREATE VIRTUAL TABLE knowledge_fts USING fts5 (
        text, heading, title,
        content = 'knowledge_chunks', content_rowid = 'id',
        tokenize = "unicode61 remove_diacritics 2"
      );
      CREATE TRIGGER knowledge_chunks_ai AFTER INSERT ON knowledge_chunks BEGIN
        INSERT INTO knowledge_fts (rowid, text, heading, title) VALUES (new.id, new.text, new.heading, new.title);
      END;
      CREATE TRIGGER knowledge_chunks_ad AFTER DELETE ON knowledge_chunks BEGIN
        INSERT INTO knowledge_fts (knowledge_fts, rowid, text, heading, title) VALUES ('delete', old.id, old.text, old.heading, old.title);
      END;
      -- Vector spaces: one sqlite-vec table per embedding model and width.
      CREATE TABLE knowledge_vector_spaces (
        id TEXT PRIMARY KEY,                    -- table suffix
        model TEXT NOT NULL,
        dimensions INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (model, dimensions)
      ) STRICT;
    `,
  },
  {
    id: 7,
    name: 'model-versions',
    sql: `
      -- A served model name points at versions: a blob of HOME/models/blobs and its settings.
      CREATE TABLE model_versions (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,             -- 1, 2, 3... per name
        sha256 TEXT NOT NULL,                 -- HOME/models/blobs/sha256-<hex>
        settings TEXT NOT NULL,               -- JSON {context, threads, parallel, chat_template, max_tokens}
        created_at INTEGER NOT NULL,          -- unix ms
        PRIMARY KEY (name, version)
      ) STRICT;
      CREATE INDEX model_versions_sha256 ON model_versions (sha256);
      -- Which version answers now; read at request time, so a change needs no restart.
      CREATE TABLE model_pointers (
        name TEXT PRIMARY KEY,
        current INTEGER NOT NULL,
        previous INTEGER,                     -- what rollback returns to
        canary INTEGER,                       -- a version getting canary_percent of the requests
        canary_percent INTEGER CHECK (canary_percent BETWEEN 1 AND 99),
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    id: 8,
    name: 'knowledge-vectors',
    sql: `
      -- A plain copy of each chunk's vector: search re-scores a few hundred candidates of the
      -- in-memory 1-bit index by rowid lookups, ~100x faster here than in a vec0 table.
      -- Filled on write; spaces written before this migration are copied on their first search.
      CREATE TABLE knowledge_vectors (
        chunk_id INTEGER PRIMARY KEY,           -- knowledge_chunks.id
        space TEXT NOT NULL,                    -- knowledge_vector_spaces.id
        collection TEXT NOT NULL,
        embedding BLOB NOT NULL                 -- float32 little-endian, the space's width
      ) STRICT;
      CREATE INDEX knowledge_vectors_space ON knowledge_vectors (space);
    `,
  },
  {
    id: 9,
    name: 'knowledge-vector-log',
    sql: `
      -- Every stored vector added or removed, in order, whichever connection wrote it: a search
      -- applies what changed since its in-memory 1-bit index was built instead of re-reading every
      -- vector after each write. Trimmed to its last entries at the end of each ingest; an index
      -- further behind is rebuilt.
      CREATE TABLE knowledge_vector_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        space TEXT NOT NULL,
        chunk_id INTEGER NOT NULL,
        added INTEGER NOT NULL                  -- 1: inserted, 0: deleted
      ) STRICT;
      CREATE INDEX knowledge_vector_log_space ON knowledge_vector_log (space, seq);
      CREATE TRIGGER knowledge_vectors_ai AFTER INSERT ON knowledge_vectors BEGIN
        INSERT INTO knowledge_vector_log (space, chunk_id, added) VALUES (new.space, new.chunk_id, 1);
      END;
      CREATE TRIGGER knowledge_vectors_ad AFTER DELETE ON knowledge_vectors BEGIN
        INSERT INTO knowledge_vector_log (space, chunk_id, added) VALUES (old.space, old.chunk_id, 0);
      END;
    `,
  },
  {
    id: 10,
    name: 'knowledge-file-parts',
    sql: `
      -- A mailbox is indexed message by message: one row per message ("PATH#<content hash>",
      -- part_of = PATH) holding its chunks, each written in its own transaction, so an unchanged
      -- message is never re-embedded and an interrupted run resumes mid-mailbox. The mailbox's
      -- own row (part_of NULL, no chunks) is written last and carries the whole file's hash.
      ALTER TABLE knowledge_files ADD COLUMN part_of TEXT;
      CREATE INDEX knowledge_files_part_of ON knowledge_files (collection, part_of) WHERE part_of IS NOT NULL;
    `,
  },
  {
    id: 11,
    name: 'knowledge-fold-ligatures',
    sql: `
      -- Letters FTS5's unicode61 tokenizer does not fold are spelled out in the index (the stored
      -- text keeps them): "coeur" finds "cœur", "office" finds a PDF's "oﬃce", "strasse" finds
      -- "Straße". Queries are folded the same way (INDEX_FOLDS). The index thus differs from its
      -- external content table: never run FTS5's 'rebuild' on it (it would index the raw text
      -- and the delete trigger would then remove terms that are not there); re-index through the
      -- triggers instead, as this migration does for the rows it changes.
      DROP TRIGGER knowledge_chunks_ai;
      DROP TRIGGER knowledge_chunks_ad;
      CREATE TRIGGER knowledge_chunks_ai AFTER INSERT ON knowledge_chunks BEGIN
        INSERT INTO knowledge_fts (rowid, text, heading, title) VALUES (new.id, ${folded('new.text')}, ${folded('new.heading')}, ${folded('new.title')});
      END;
      CREATE TRIGGER knowledge_chunks_ad AFTER DELETE ON knowledge_chunks BEGIN
        INSERT INTO knowledge_fts (knowledge_fts, rowid, text, heading, title) VALUES ('delete', old.id, ${folded('old.text')}, ${folded('old.heading')}, ${folded('old.title')});
      END;
      -- Rows indexed before: out with what they were indexed as, in again folded.
      CREATE TEMP TABLE knowledge_refold AS SELECT id FROM knowledge_chunks
        WHERE text GLOB '*[${FOLDED_LETTERS}]*' OR heading GLOB '*[${FOLDED_LETTERS}]*' OR title GLOB '*[${FOLDED_LETTERS}]*';
      INSERT INTO knowledge_fts (knowledge_fts, rowid, text, heading, title)
        SELECT 'delete', id, text, heading, title FROM knowledge_chunks WHERE id IN (SELECT id FROM knowledge_refold);
      INSERT INTO knowledge_fts (rowid, text, heading, title)
        SELECT id, ${folded('text')}, ${folded('heading')}, ${folded('title')} FROM knowledge_chunks WHERE id IN (SELECT id FROM knowledge_refold);
      DROP TABLE knowledge_refold;
    `,
  },
  {
    id: 12,
    name: 'keyed-audit-chain',
    sql: `
      -- HMAC-SHA256 of the record's seq and hash under the audit key kept outside the database
      -- (HOME/audit.key): someone who can write the file but not read the key cannot rewrite the
      -- chain. NULL for records written before the key existed (they verify by hash alone).
      ALTER TABLE audit_log ADD COLUMN mac TEXT;
      -- The audit record that carries this usage row's cost and tokens: "audit verify" checks
      -- that they agree, so a cost edited in usage_log is caught. NULL for rows written before.
      ALTER TABLE usage_log ADD COLUMN audit_seq INTEGER;
      CREATE INDEX usage_log_audit_seq ON usage_log (audit_seq) WHERE audit_seq IS NOT NULL;
    `,
  },
  {
    id: 13,
    name: 'stored-responses',
    sql: `
      -- Responses API responses made with store: true (responses/response-store.ts). Text is kept
      -- as the client sent and received it, never in pseudonymised form; rows past expires_at are
      -- never read and are deleted on the next write.
      CREATE TABLE stored_responses (
        id TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,                 -- only this key may read or delete it
        created_at INTEGER NOT NULL,          -- unix ms
        expires_at INTEGER NOT NULL,          -- unix ms: created_at + responses.retention_days
        input_items TEXT NOT NULL,            -- JSON array: the conversation before this answer
        response TEXT NOT NULL                -- JSON: the response object as the client got it
      );
      CREATE INDEX stored_responses_expires ON stored_responses (expires_at);
    `,
  },
  {
    id: 14,
    name: 'injection-findings',
    sql: `
      -- Prompt injections the spine reported for a request: JSON [{source, score, signals}] (signal
      -- kinds only, never text); NULL when none was.
      ALTER TABLE request_log ADD COLUMN injection TEXT;
      -- Each chunk's injection score, scanned once at ingest (source document, with an HTML
      -- file's hidden parts), so chat does not rescan what it retrieves. A table of its own beside
      -- knowledge_chunks, removed with its chunk; a chunk without a row (ingested before) is
      -- scanned when retrieved.
      CREATE TABLE knowledge_chunk_injection (
        chunk_id INTEGER PRIMARY KEY,
        collection TEXT NOT NULL,
        score REAL NOT NULL,                  -- 0..1; flagged when >= injection.threshold (read at use)
        signals TEXT NOT NULL                 -- JSON array of signal kinds
      ) STRICT;
      CREATE INDEX knowledge_chunk_injection_collection ON knowledge_chunk_injection (collection, score);
      CREATE TRIGGER knowledge_chunk_injection_ad AFTER DELETE ON knowledge_chunks BEGIN
        DELETE FROM knowledge_chunk_injection WHERE chunk_id = old.id;
      END;
      `,
  },
  {
    id: 15,
    name: 'knowledge-stemmed-index',
    sql: `
      -- A stemmed index beside the exact one (knowledge_fts): one contentless FTS5 table per
      -- collection (knowledge_stems_<hash>, made by src/knowledge/stem-index.ts on first write),
      -- holding each chunk's words without stop words, stemmed in the chunk's language and folded.
      -- One table per collection gives BM25 the collection's own statistics. lang is the chunk's
      -- language (ISO 639-1, 'und' when not recognised); NULL means not in the stemmed index yet:
      -- stemming is JavaScript, so existing chunks are re-indexed by the knowledge domain when it
      -- opens (KnowledgeDb.indexPendingStems), not by this SQL.
      ALTER TABLE knowledge_chunks ADD COLUMN lang TEXT;
      CREATE INDEX knowledge_chunks_unstemmed ON knowledge_chunks (id) WHERE lang IS NULL;
      CREATE INDEX knowledge_chunks_lang ON knowledge_chunks (collection, lang);
      -- The fusion weight of the vector list for a collection, measured against BM25 by
      -- calibration (0: the embedder does not help; NULL: never measured), and the embedding
      -- model it was measured with (a weight measured for another model does not apply).
      ALTER TABLE knowledge_collections ADD COLUMN vector_weight REAL;
      ALTER TABLE knowledge_collections ADD COLUMN vector_weight_model TEXT;
    `,
  },
  {
    id: 16,
    name: 'eval-runs',
    sql: `
      -- Stored evaluation runs (eval/eval-store.ts): suite runs of \`flambeau eval run\` now, and the
      -- shadow comparisons of live traffic later (kind 'shadow', docs/decisions/0008). Never the
      -- prompt; the answer only in runs stored with content (include_content = 1).
      CREATE TABLE eval_runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('eval', 'shadow')),
        source TEXT NOT NULL,                 -- 'builtin:smoke', a suite file's name, or a shadow rule
        suite_sha256 TEXT,                    -- of the suite's bytes: compare warns when two runs differ
        models TEXT NOT NULL,                 -- JSON array, in the order asked
        judge TEXT,
        started_at INTEGER NOT NULL,          -- unix ms
        finished_at INTEGER NOT NULL,
        cases INTEGER NOT NULL,
        include_content INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX eval_runs_started_at ON eval_runs (kind, started_at);
      CREATE TABLE eval_results (
        run_id TEXT NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,                 -- suite order x model order
        case_id TEXT NOT NULL,                -- the suite row's id; for shadow, the request id
        model TEXT NOT NULL,
        tags TEXT,                            -- JSON array
        grader TEXT NOT NULL,
        pass INTEGER,                         -- 1 / 0; NULL: no verdict (shadow without one)
        score REAL,                           -- agreement in [0, 1] (shadow)
        reason TEXT NOT NULL,                 -- never quotes the answer (a judge's own words excepted)
        error_code TEXT,
        latency_ms REAL,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cost_nusd INTEGER,                    -- from the call's usage row; NULL: unknown
        request_id TEXT,                      -- joins usage_log and the audit record
        judge_request_id TEXT,
        judge_cost_nusd INTEGER,
        route TEXT,                           -- the routing rule (shadow)
        answer TEXT,                          -- only when the run's include_content = 1
        PRIMARY KEY (run_id, seq)
      ) STRICT;
    `,
  },
  {
    id: 17,
    name: 'shadow-comparisons',
    sql: `
      -- One row per shadow comparison (shadow/shadow-store.ts): a live answer against the other
      -- model of a shadow rule. No prompt or answer text unless the rule sets include_content.
      CREATE TABLE shadow_comparisons (
        id INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,          -- unix ms
        rule TEXT NOT NULL,
        route TEXT NOT NULL,
        local_model TEXT NOT NULL,            -- compare[0]
        reference_model TEXT NOT NULL,        -- compare[1]
        served_model TEXT NOT NULL,           -- the one that answered the client
        outcome TEXT NOT NULL,                -- agree | disagree | error | denied
        agreement REAL,                       -- 0..1, NULL when no second answer
        method TEXT,                          -- exact | json | text | judge
        judge_verdict TEXT,                   -- pass | fail | NULL
        judge_reason TEXT,
        local_as_good INTEGER,                -- 1: the local answer was as good; NULL: unknown
        local_latency_ms REAL,
        reference_latency_ms REAL,
        local_cost_nusd INTEGER,              -- nano-USD, as usage_log
        reference_cost_nusd INTEGER,
        shadow_cost_nusd INTEGER NOT NULL,    -- what this comparison cost (shadow call and judge)
        error_code TEXT,
        features TEXT,                        -- JSON: hashed complexity features of the prompt
        local_text TEXT,                      -- only with include_content
        reference_text TEXT
      ) STRICT;
      CREATE INDEX shadow_comparisons_created ON shadow_comparisons (created_at);
    `,
  },
  {
    id: 18,
    name: 'budget-reservations-lean',
    sql: `
      -- Every request inserts one hold and deletes it: each B-tree of the table is a page written
      -- twice per request. Keyed by its id (no separate rowid tree), and without the index on
      -- expires_at alone: the sweep of expired holds scans a table that holds only the calls in
      -- flight, and the key and team sums use their own indexes.
      CREATE TABLE budget_reservations_lean (
        id TEXT PRIMARY KEY,
        key_id TEXT,
        team TEXT,
        amount_nusd INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      INSERT INTO budget_reservations_lean SELECT id, key_id, team, amount_nusd, created_at, expires_at FROM budget_reservations;
      DROP TABLE budget_reservations;
      ALTER TABLE budget_reservations_lean RENAME TO budget_reservations;
      CREATE INDEX budget_reservations_key ON budget_reservations (key_id, expires_at);
      CREATE INDEX budget_reservations_team ON budget_reservations (team, expires_at);
    `,
  },
  {
    id: 19,
    name: 'ui-sessions',
    sql: `
      -- Dashboard sessions (auth/dashboard-sessions.ts), shared by every instance on the store. The
      -- cookie's token is never stored: the row is named by its SHA-256, and the key and CSRF token
      -- it opens are sealed under a key derived from it.
      CREATE TABLE ui_sessions (
        id TEXT PRIMARY KEY,
        key_id TEXT,                          -- NULL for the master key
        name TEXT NOT NULL,
        admin INTEGER NOT NULL,
        sealed TEXT NOT NULL,                 -- AES-256-GCM: iv, tag, {credential, csrf}
        created_at INTEGER NOT NULL,          -- unix ms
        expires_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX ui_sessions_expires ON ui_sessions (expires_at);
      CREATE INDEX ui_sessions_key ON ui_sessions (key_id);
    `,
  },
  {
    id: 20,
    name: 'gateway-instances',
    sql: `
      -- The gateways serving from this file (auth/instance-registry.ts, decision 0020): one that is
      -- alone keeps its budget holds in memory; a newcomer waits until every other has written its
      -- holds here and switched to durable holds. Rows of dead processes (same host) are removed
      -- by whoever finds them. Not copied by \`store migrate\`: it describes this file's users.
      CREATE TABLE gateway_instances (
        id TEXT PRIMARY KEY,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        started_at INTEGER NOT NULL,          -- unix ms
        mode TEXT NOT NULL CHECK (mode IN ('memory', 'durable'))
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    id: 21,
    name: 'record-journal-applied',
    sql: `
      -- How far each process's record journal (audit/record-journal.ts, decision 0019) has been
      -- applied: the apply transaction moves it forward with the rows it writes, so a replay after
      -- a crash between that commit and the journal's removal skips what is already in.
      CREATE TABLE record_journal_applied (
        journal TEXT PRIMARY KEY,             -- the journal's id (its file name without owner)
        applied_to INTEGER NOT NULL,          -- byte offset: every record ending at or before it is applied
        updated_at INTEGER NOT NULL           -- unix ms
      ) STRICT, WITHOUT ROWID;
    `,
  },
];
