// Added latency, time to first byte, throughput and CPU per request of the gateway's hot path,
// measured in one run against a loopback stand-in upstream (direct vs through the gateway).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild } from './child-server.js';
import { backToBack, BENCH_KEY, freshBody, freshStreamBody, gatewayChild, interleavedThroughput, sequential, type Target } from './gateway-load.js';
import { fmt, percentile, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const KEY = BENCH_KEY;
// Every request asks something new (freshBody), as users do: the gateway's remembered scans must
// not make the bench cheaper than real traffic.
const body = freshBody;
const streamBody = freshStreamBody;

let written = 0;
const piiBody = (): string =>
  JSON.stringify({
    model: 'bench',
    messages: [
      {
        role: 'user',
        content: `Écris à Mme Claire Martin (claire.martin@example.fr, 06 12 34 56 78) au sujet du virement n° ${++written} depuis FR76 3000 6000 0112 3456 7890 189.`,
      },
    ],
    max_tokens: 32,
  });

function rowsFor(label: string, base: { total: number[] }, other: { total: number[] }): (string | number)[][] {
  return [50, 99].map((p) => [
    `${label} p${p} (ms)`,
    fmt(percentile(base.total, p)),
    fmt(percentile(other.total, p)),
    fmt(percentile(other.total, p) - percentile(base.total, p)),
    fmt(percentile(other.total, p) / percentile(base.total, p), 2),
  ]);
}

export async function run(): Promise<void> {
  console.log('\n## Gateway hot path (loopback stand-in upstream; gateway and upstream each in their own process)\n');
  const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  const leanHome = mkdtempSync(join(tmpdir(), 'flambeau-bench-'));
  const fullHome = mkdtempSync(join(tmpdir(), 'flambeau-bench-'));
  // Lean: no privacy detectors, no usage/audit rows, master key: the proxy path alone.
  const lean = await gatewayChild(leanHome, upstream.url, 'privacy:\n  detect: []\n  cloud: allow\naudit:\n  enabled: false\n');
  // Full: privacy guard (cloud: pseudonymize), an API key with a budget and limits, usage + audit rows.
  const full = await gatewayChild(fullHome, upstream.url, '');
  const adminPool = new Pool(full.url);
  const created = await adminPool.request({
    method: 'POST',
    path: '/admin/keys',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ name: 'bench', budget: '100000/month', rpm: 10000000, tpm: 1000000000 }),
  });
  const apiKey = ((await created.body.json()) as { key: string }).key;
  await adminPool.close();
  // BENCH_BASELINE=DIR: another build's full gateway beside this one, in the same run.
  const baseHome = process.env.BENCH_BASELINE === undefined ? null : mkdtempSync(join(tmpdir(), 'flambeau-bench-'));
  const baseFull = baseHome === null ? null : await gatewayChild(baseHome, upstream.url, '', { baseline: true });
  let baseKey = '';
  if (baseFull !== null) {
    const pool = new Pool(baseFull.url);
    const made = await pool.request({
      method: 'POST',
      path: '/admin/keys',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ name: 'bench', budget: '100000/month', rpm: 10000000, tpm: 1000000000 }),
    });
    baseKey = ((await made.body.json()) as { key: string }).key;
    await pool.close();
  }
  const bare = await startChild(['--import', 'tsx', join(root, 'bench/bare-proxy.ts'), upstream.url]);
  const floor: Target = {
    name: 'bare',
    pool: new Pool(bare.url, { connections: 64 }),
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
  };
  const direct: Target = {
    name: 'direct',
    pool: new Pool(upstream.url, { connections: 64 }),
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
  };
  const through: Target = {
    name: 'gateway',
    pool: new Pool(lean.url, { connections: 64 }),
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
  };
  const guarded: Target = {
    name: 'full',
    pool: new Pool(full.url, { connections: 64 }),
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
  };
  const baseline: Target | null =
    baseFull === null
      ? null
      : {
          name: 'baseline',
          pool: new Pool(baseFull.url, { connections: 64 }),
          path: '/v1/chat/completions',
          headers: { ...guarded.headers, authorization: `Bearer ${baseKey}` },
        };
  const withBase = (targets: Target[]) => (baseline === null ? targets : [...targets, baseline]);
  try {
    await sequential(withBase([direct, floor, through, guarded]), body, 300); // warm-up: JIT, pools, SQLite
    const n = Number(process.env.BENCH_REQUESTS ?? 2000);
    const plain = await sequential(withBase([direct, floor, through, guarded]), body, n);
    const streamed = await sequential([direct, floor, through], streamBody, Math.floor(n / 2));
    const rows: (string | number)[][] = [];
    const d = plain.get('direct');
    const g = plain.get('gateway');
    const f = plain.get('full');
    const ds = streamed.get('direct');
    const gs = streamed.get('gateway');
    const b = plain.get('bare');
    const bs = streamed.get('bare');
    if (d && g && f && ds && gs && b && bs) {
      for (const p of [50, 99]) {
        const [dp, bp, gp, fp] = [percentile(d.total, p), percentile(b.total, p), percentile(g.total, p), percentile(f.total, p)];
        rows.push([`non-streamed latency p${p} (ms)`, fmt(dp), fmt(bp), fmt(gp), fmt(fp), fmt(bp - dp), fmt(gp - dp), fmt(fp - dp), fmt(fp - bp)]);
      }
      for (const p of [50, 99]) {
        const [dp, bp, gp] = [percentile(ds.ttfb, p), percentile(bs.ttfb, p), percentile(gs.ttfb, p)];
        rows.push([`streamed time to first byte p${p} (ms)`, fmt(dp), fmt(bp), fmt(gp), '', fmt(bp - dp), fmt(gp - dp), '', '']);
      }
    }
    table(['proxy path vs direct', 'direct', 'bare proxy', 'lean gw', 'full gw', 'bare added', 'lean added', 'full added', 'full − bare'], rows);
    // The same latencies with each process kept busy (no other target between its requests).
    const busy = await backToBack(withBase([direct, floor, through, guarded]), body, n, 4);
    const [bd, bb, bg, bf] = ['direct', 'bare', 'gateway', 'full'].map((name) => percentile(busy.get(name) ?? [], 50)) as [number, number, number, number];
    console.log(
      `back to back, p50 (ms): direct ${fmt(bd)}, bare ${fmt(bb)}, lean ${fmt(bg)}, full ${fmt(bf)}; added: bare ${fmt(bb - bd)}, lean ${fmt(bg - bd)}, full ${fmt(bf - bd)}; full − bare ${fmt(bf - bb)}` +
        (busy.has('baseline') ? `; baseline full ${fmt(percentile(busy.get('baseline') ?? [], 50))}` : ''),
    );
    const base = plain.get('baseline');
    if (base && f)
      console.log(
        `baseline (${process.env.BENCH_BASELINE}) full gateway p50 ${fmt(percentile(base.total, 50))} ms vs this build ${fmt(percentile(f.total, 50))} ms`,
      );

    console.log('');
    const onOff = await sequential([through, guarded], body, Math.floor(n / 2));
    const pii = await sequential([through, guarded], piiBody, Math.floor(n / 2));
    const lo = onOff.get('gateway');
    const fo = onOff.get('full');
    const lp = pii.get('gateway');
    const fp = pii.get('full');
    if (lo && fo && lp && fp) {
      table(
        ['cost of the guards (full vs lean gateway)', 'lean', 'full', 'added', 'ratio'],
        [
          ...rowsFor('key + scope + rate limit + budget + usage/audit + privacy scan', lo, fo),
          ...rowsFor('same, prompt with personal data (pseudonymise + restore)', lp, fp),
        ],
      );
    }

    console.log('');
    const pids = new Map<string, number>([
      ['bare', bare.child.pid as number],
      ['gateway', lean.child.pid as number],
      ['full', full.child.pid as number],
      ...(baseFull === null ? [] : [['baseline', baseFull.child.pid as number] as [string, number]]),
    ]);
    const rpsRows: (string | number)[][] = [];
    const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
    for (const c of [1, 20]) {
      const count = c === 1 ? Math.floor(n / 2) : n * 2;
      const r = await interleavedThroughput(withBase([direct, floor, through, guarded]), pids, c, count, rounds);
      const at = (name: string) => r.get(name) ?? { rps: Number.NaN, cpuUsPerRequest: Number.NaN };
      const [rd, rb, rg, rf] = [at('direct'), at('bare'), at('gateway'), at('full')];
      rpsRows.push([
        `concurrency ${c}`,
        fmt(rd.rps, 0),
        fmt(rb.rps, 0),
        fmt(rg.rps, 0),
        fmt(rf.rps, 0),
        fmt(rf.rps / rb.rps, 2),
        fmt(rb.cpuUsPerRequest, 0),
        fmt(rg.cpuUsPerRequest, 0),
        fmt(rf.cpuUsPerRequest, 0),
        fmt(rf.cpuUsPerRequest / rb.cpuUsPerRequest, 2),
      ]);
      if (baseline !== null)
        rpsRows.push([
          `  baseline full, c=${c}`,
          '',
          '',
          '',
          fmt(at('baseline').rps, 0),
          fmt(at('baseline').rps / rb.rps, 2),
          '',
          '',
          fmt(at('baseline').cpuUsPerRequest, 0),
          fmt(at('baseline').cpuUsPerRequest / rb.cpuUsPerRequest, 2),
        ]);
    }
    table(
      ['requests/s and CPU', 'direct', 'bare', 'lean gw', 'full gw', 'full/bare', 'bare CPU µs/req', 'lean CPU µs/req', 'full CPU µs/req', 'full/bare CPU'],
      rpsRows,
    );
    console.log('targets (issue 19, full gateway = default guards): req/s at c=20 ≥ 0.5× bare; CPU per request ≤ 2× bare; added p50 ≤ bare added + 0.3 ms');
  } finally {
    await Promise.all([direct.pool.close(), floor.pool.close(), through.pool.close(), guarded.pool.close(), baseline?.pool.close()]);
    await Promise.all([lean.stop(), full.stop(), bare.stop(), baseFull?.stop()]);
    if (baseHome !== null) rmSync(baseHome, { recursive: true, force: true });
    await upstream.stop();
    rmSync(leanHome, { recursive: true, force: true });
    rmSync(fullHome, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
