// One gateway instance with every guard on (API key with a budget and limits, privacy scan, usage
// + audit + request log rows) on its SQLite home vs on PostgreSQL (store.url), measured in one
// run against the same loopback stand-in upstream, rounds interleaved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { freshPgDatabase } from '../test/helpers/pg-database.js';
import { startChild } from './child-server.js';
import { BENCH_BODY, BENCH_KEY, gatewayChild, sequential, throughput, type Target } from './gateway-load.js';
import { fmt, percentile, processCpuSeconds, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));

async function apiKey(url: string): Promise<string> {
  const admin = new Pool(url);
  try {
    const created = await admin.request({
      method: 'POST',
      path: '/admin/keys',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
      body: JSON.stringify({ name: 'bench', team: 'bench-team', budget: '100000/month', rpm: 10000000, tpm: 1000000000 }),
    });
    return ((await created.body.json()) as { key: string }).key;
  } finally {
    await admin.close();
  }
}

export async function run(): Promise<void> {
  console.log('\n## Store: one instance with every guard on, SQLite (HOME/flambeau.db) vs PostgreSQL (store.url on 127.0.0.1)\n');
  const database = await freshPgDatabase('flambeau_bench');
  const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  const sqliteHome = mkdtempSync(join(tmpdir(), 'flambeau-bench-'));
  const pgHome = mkdtempSync(join(tmpdir(), 'flambeau-bench-'));
  const sqlite = await gatewayChild(sqliteHome, upstream.url, '');
  const postgres = await gatewayChild(pgHome, upstream.url, 'store:\n  url: env:DATABASE_URL\n', { env: { DATABASE_URL: database.url } });
  const target = async (name: string, url: string): Promise<Target> => ({
    name,
    pool: new Pool(url, { connections: 64 }),
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await apiKey(url)}` },
  });
  const onSqlite = await target('sqlite', sqlite.url);
  const onPostgres = await target('postgres', postgres.url);
  try {
    await sequential([onSqlite, onPostgres], BENCH_BODY, 200); // warm-up: JIT, pools, caches
    const n = Number(process.env.BENCH_REQUESTS ?? 2000);
    const latency = await sequential([onSqlite, onPostgres], BENCH_BODY, Math.floor(n / 2));
    const s = latency.get('sqlite');
    const p = latency.get('postgres');
    if (s && p)
      table(
        ['latency, one request at a time (ms)', 'SQLite', 'PostgreSQL', 'added', 'ratio'],
        [50, 99].map((q) => [
          `p${q}`,
          fmt(percentile(s.total, q)),
          fmt(percentile(p.total, q)),
          fmt(percentile(p.total, q) - percentile(s.total, q)),
          fmt(percentile(p.total, q) / percentile(s.total, q), 2),
        ]),
      );
    console.log('');
    const rows: (string | number)[][] = [];
    for (const c of [1, 16, 64]) {
      const count = c === 1 ? Math.floor(n / 2) : n;
      // Rounds interleaved (SQLite, PostgreSQL, SQLite, PostgreSQL): machine noise hits both alike.
      const rps = { sqlite: [] as number[], postgres: [] as number[] };
      const cpu = { sqlite: 0, postgres: 0 };
      for (let round = 0; round < 2; round++) {
        for (const [t, child] of [
          [onSqlite, sqlite],
          [onPostgres, postgres],
        ] as const) {
          const cpu0 = await processCpuSeconds(child.child.pid as number);
          rps[t.name as 'sqlite' | 'postgres'].push(await throughput(t, c, count / 2));
          cpu[t.name as 'sqlite' | 'postgres'] += (await processCpuSeconds(child.child.pid as number)) - cpu0;
        }
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      rows.push([
        `concurrency ${c}`,
        fmt(mean(rps.sqlite), 0),
        fmt(mean(rps.postgres), 0),
        fmt(mean(rps.postgres) / mean(rps.sqlite), 2),
        fmt((cpu.sqlite / count) * 1e6, 0),
        fmt((cpu.postgres / count) * 1e6, 0),
      ]);
    }
    table(['requests/s (full guards)', 'SQLite', 'PostgreSQL', 'ratio', 'SQLite gateway CPU µs/req', 'PostgreSQL gateway CPU µs/req'], rows);
  } finally {
    await Promise.allSettled([onSqlite.pool.close(), onPostgres.pool.close()]);
    await Promise.allSettled([sqlite.stop(), postgres.stop(), upstream.stop()]);
    await database.drop();
    rmSync(sqliteHome, { recursive: true, force: true });
    rmSync(pgHome, { recursive: true, force: true });
  }
}
