// Added latency, time to first byte, throughput and CPU per request of the gateway's hot path,
// measured in one run against a loopback stand-in upstream (direct vs through the gateway).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild } from './child-server.js';
import { BENCH_BODY, BENCH_KEY, gatewayChild, sequential, throughput, type Target } from './gateway-load.js';
import { fmt, percentile, processCpuSeconds, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const KEY = BENCH_KEY;
const body = BENCH_BODY;
const streamBody = JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'Say something short.' }], max_tokens: 32 });

const PII_BODY = JSON.stringify({
  model: 'bench',
  messages: [
    { role: 'user', content: 'Écris à Mme Claire Martin (claire.martin@example.fr, 06 12 34 56 78) au sujet du virement FR76 3000 6000 0112 3456 7890 189.' },
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
  try {
    await sequential([direct, through, guarded], body, 200); // warm-up: JIT, pools, SQLite
    const n = Number(process.env.BENCH_REQUESTS ?? 2000);
    const plain = await sequential([direct, floor, through], body, n);
    const streamed = await sequential([direct, floor, through], streamBody, Math.floor(n / 2));
    const rows: (string | number)[][] = [];
    const d = plain.get('direct');
    const g = plain.get('gateway');
    const ds = streamed.get('direct');
    const gs = streamed.get('gateway');
    const b = plain.get('bare');
    const bs = streamed.get('bare');
    if (d && g && ds && gs && b && bs) {
      for (const p of [50, 99]) {
        const [dp, bp, gp] = [percentile(d.total, p), percentile(b.total, p), percentile(g.total, p)];
        rows.push([`non-streamed latency p${p} (ms)`, fmt(dp), fmt(bp), fmt(gp), fmt(gp - dp), fmt(bp - dp), fmt(gp / dp, 2)]);
      }
      for (const p of [50, 99]) {
        const [dp, bp, gp] = [percentile(ds.ttfb, p), percentile(bs.ttfb, p), percentile(gs.ttfb, p)];
        rows.push([`streamed time to first byte p${p} (ms)`, fmt(dp), fmt(bp), fmt(gp), fmt(gp - dp), fmt(bp - dp), fmt(gp / dp, 2)]);
      }
    }
    table(['proxy path (lean gateway vs direct)', 'direct', 'bare proxy', 'gateway', 'added', 'bare added', 'ratio'], rows);

    console.log('');
    const onOff = await sequential([through, guarded], body, Math.floor(n / 2));
    const pii = await sequential([through, guarded], PII_BODY, Math.floor(n / 2));
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
    const rpsRows: (string | number)[][] = [];
    for (const c of [1, 50]) {
      const count = c === 1 ? Math.floor(n / 2) : n * 2;
      const rd = await throughput(direct, c, count);
      const cpu0 = await processCpuSeconds(lean.child.pid as number);
      const rg = await throughput(through, c, count);
      const cpu1 = await processCpuSeconds(lean.child.pid as number);
      const fcpu0 = await processCpuSeconds(full.child.pid as number);
      const rf = await throughput(guarded, c, count);
      const fcpu1 = await processCpuSeconds(full.child.pid as number);
      rpsRows.push([
        `concurrency ${c}`,
        fmt(rd, 0),
        fmt(rg, 0),
        fmt(rg / rd, 2),
        fmt(((cpu1 - cpu0) / count) * 1e6, 0),
        fmt(rf, 0),
        fmt(((fcpu1 - fcpu0) / count) * 1e6, 0),
      ]);
    }
    table(['requests/s', 'direct', 'lean gateway', 'ratio', 'lean CPU µs/req', 'full gateway', 'full CPU µs/req'], rpsRows);
  } finally {
    await Promise.all([direct.pool.close(), floor.pool.close(), through.pool.close(), guarded.pool.close()]);
    await Promise.all([lean.stop(), full.stop(), bare.stop()]);
    await upstream.stop();
    rmSync(leanHome, { recursive: true, force: true });
    rmSync(fullHome, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
