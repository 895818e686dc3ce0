// Knowledge across hosts (docs/decisions/0012): the same full-text search over the same chunks,
// in a local SQLite FTS5 index (what each host keeps today) and in PostgreSQL with a `tsvector`
// column and a GIN index (what a shared index would be), plus what a vector search without a
// PostgreSQL extension costs: every vector of the collection read over the wire per query. The
// same queries run interleaved on both. PostgreSQL: FLAMBEAU_BENCH_PG_URL (default the local
// trust-auth server, database `test`); it skips, saying so, without one.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { fmt, percentile, table } from './stats.js';

const pgUrl = process.env.FLAMBEAU_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DIMENSIONS = 384;

/** A deterministic generator (mulberry32), so that both engines index the very same text. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Chunks of ~120 words drawn from a Zipf-like vocabulary, and queries of 2-3 mid-frequency words. */
function corpus(chunks: number): { texts: string[]; queries: string[] } {
  const rand = random(42);
  const syllables = ['ka', 'lo', 'mi', 'ner', 'sa', 'tu', 'vo', 'rin', 'pel', 'dor', 'ghi', 'zan', 'qua', 'bel', 'fot'];
  const vocabulary = Array.from({ length: 8000 }, (_, i) => {
    let word = '';
    for (let n = i + 1; n > 0; n = Math.floor(n / syllables.length)) word += syllables[n % syllables.length];
    return `${word}${i % 7 === 0 ? 'es' : ''}`;
  });
  const word = () => vocabulary[Math.floor(vocabulary.length * rand() ** 3)] as string;
  const texts = Array.from({ length: chunks }, () => Array.from({ length: 120 }, word).join(' '));
  const queries = Array.from({ length: 60 }, () =>
    Array.from({ length: 2 + Math.floor(rand() * 2) }, () => vocabulary[200 + Math.floor(rand() * 2000)] as string).join(' '),
  );
  return { texts, queries };
}

async function reachable(): Promise<pg.Client | null> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return client;
  } catch {
    return null;
  }
}

export async function run(): Promise<void> {
  console.log('\n## Knowledge across hosts: SQLite FTS5 on each host vs PostgreSQL tsvector (decision 0012)\n');
  const client = await reachable();
  if (client === null) {
    console.log(`skipped: no PostgreSQL at ${pgUrl}`);
    return;
  }
  const schema = `flambeau_bench_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-knowledge-'));
  const rows: (string | number)[][] = [];
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    for (const size of (process.env.BENCH_CHUNKS ?? '5000,20000').split(',').map(Number)) {
      const { texts, queries } = corpus(size);
      const sqlite = new Database(join(dir, `k${size}.db`));
      sqlite.exec('CREATE VIRTUAL TABLE chunks USING fts5(text)');
      const insert = sqlite.prepare('INSERT INTO chunks (rowid, text) VALUES (?, ?)');
      sqlite.transaction(() => texts.forEach((text, i) => insert.run(i + 1, text)))();
      const search = sqlite.prepare('SELECT rowid, bm25(chunks) AS score FROM chunks WHERE chunks MATCH ? ORDER BY score LIMIT 20');

      const table_ = `${schema}.chunks_${size}`;
      await client.query(`CREATE TABLE ${table_} (id integer PRIMARY KEY, text text NOT NULL, tsv tsvector NOT NULL, vector bytea NOT NULL)`);
      const vector = Buffer.alloc(DIMENSIONS * 4, 1);
      for (let start = 0; start < texts.length; start += 1000) {
        const batch = texts.slice(start, start + 1000);
        await client.query(
          `INSERT INTO ${table_} (id, text, tsv, vector) SELECT i, t, to_tsvector('simple', t), $3 FROM unnest($1::int[], $2::text[]) AS u(i, t)`,
          [batch.map((_, i) => start + i + 1), batch, vector],
        );
      }
      await client.query(`CREATE INDEX ON ${table_} USING gin (tsv)`);
      await client.query(`ANALYZE ${table_}`);
      const pgSearch = `SELECT id, ts_rank_cd(tsv, q) AS score FROM ${table_}, plainto_tsquery('simple', $1) q WHERE tsv @@ q ORDER BY score DESC LIMIT 20`;
      // The queries are OR of their words in both engines (FTS5 syntax; websearch_to_tsquery would AND them).
      const orQuery = (q: string) => q.split(' ').join(' OR ');
      const pgOr = pgSearch.replace("plainto_tsquery('simple', $1)", "to_tsquery('simple', $1)");

      const fts: number[] = [];
      const pgt: number[] = [];
      const vectors: number[] = [];
      for (const [i, query] of queries.entries()) {
        const runFts = () => {
          const t0 = performance.now();
          search.all(orQuery(query));
          fts.push(performance.now() - t0);
        };
        const runPg = async () => {
          const t0 = performance.now();
          await client.query(pgOr, [query.split(' ').join(' | ')]);
          pgt.push(performance.now() - t0);
        };
        if (i % 2 === 0) {
          runFts();
          await runPg();
        } else {
          await runPg();
          runFts();
        }
        if (i < 10) {
          const t0 = performance.now();
          await client.query(`SELECT id, vector FROM ${table_}`);
          vectors.push(performance.now() - t0);
        }
      }
      sqlite.close();
      rows.push([
        `${size} chunks`,
        fmt(percentile(fts, 50), 2),
        fmt(percentile(pgt, 50), 2),
        fmt(percentile(pgt, 50) / percentile(fts, 50), 1),
        fmt(percentile(fts, 95), 2),
        fmt(percentile(pgt, 95), 2),
        fmt(percentile(vectors, 50), 0),
      ]);
    }
    table(
      ['full-text top 20, OR of 2-3 words', 'FTS5 p50 (ms)', 'PG tsvector p50 (ms)', 'ratio', 'FTS5 p95 (ms)', 'PG p95 (ms)', 'PG: read every vector (ms)'],
      rows,
    );
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
