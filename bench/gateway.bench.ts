// Added latency, time to first byte, throughput and CPU per request of the gateway's hot path,
// measured in one run against a loopback stand-in upstream (direct vs through the gateway).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild } from './child-server.js';
import { fmt, percentile, processCpuSeconds, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'flm-bench-key-0123456789';
const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Say something short.' }], max_tokens: 32 });
const streamBody = JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'Say something short.' }], max_tokens: 32 });

interface Target { name: string; pool: Pool; path: string; headers: Record<string, string> }

async function once(target: Target, payload: string): Promise<{ total: number; ttfb: number }> {
  const t0 = performance.now();
  const res = await target.pool.request({ method: 'POST', path: target.path, headers: target.headers, body: payload });
  let ttfb = Number.NaN;
  for await (const _chunk of res.body) if (Number.isNaN(ttfb)) ttfb = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${target.name}: HTTP ${res.statusCode}`);
  return { total: performance.now() - t0, ttfb };
}

async function sequential(targets: Target[], payload: string, count: number): Promise<Map<string, { total: number[]; ttfb: number[] }>> {
  const out = new Map(targets.map((t) => [t.name, { total: [] as number[], ttfb: [] as number[] }]));
  for (let i = 0; i < count; i++) {
    // Interleave the targets so that machine noise hits both alike.
    for (const target of i % 2 === 0 ? targets : [...targets].reverse()) {
      const r = await once(target, payload);
      out.get(target.name)?.total.push(r.total);
      out.get(target.name)?.ttfb.push(r.ttfb);
    }
  }
  return out;
}

async function throughput(target: Target, concurrency: number, count: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        await once(target, body);
      }
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

export async function run(): Promise<void> {
  console.log('\n## Gateway hot path (loopback stand-in upstream; gateway and upstream each in their own process)\n');
  const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  const home = mkdtempSync(join(tmpdir(), 'flambeau-bench-'));
  const config = join(home, 'flambeau.yaml');
  writeFileSync(config, `providers:\n  - id: upstream\n    type: openai-compatible\n    base_url: ${upstream.url}/v1\n    locality: lan\nmodels:\n  - name: bench\n    provider: upstream\n    model: bench-upstream\n`);
  const gateway = await startChild([join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--home', home, '--port', '0'], { FLAMBEAU_MASTER_KEY: KEY, FLAMBEAU_LOG_LEVEL: 'error' });
  const direct: Target = { name: 'direct', pool: new Pool(upstream.url, { connections: 64 }), path: '/v1/chat/completions', headers: { 'content-type': 'application/json' } };
  const through: Target = { name: 'gateway', pool: new Pool(gateway.url, { connections: 64 }), path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` } };
  try {
    await sequential([direct, through], body, 200); // warm-up: JIT, pools, SQLite
    const n = Number(process.env.BENCH_REQUESTS ?? 2000);
    const plain = await sequential([direct, through], body, n);
    const streamed = await sequential([direct, through], streamBody, Math.floor(n / 2));
    const rows: (string | number)[][] = [];
    const d = plain.get('direct');
    const g = plain.get('gateway');
    const ds = streamed.get('direct');
    const gs = streamed.get('gateway');
    if (d && g && ds && gs) {
      for (const p of [50, 99]) {
        rows.push([`non-streamed latency p${p} (ms)`, fmt(percentile(d.total, p)), fmt(percentile(g.total, p)), fmt(percentile(g.total, p) - percentile(d.total, p)), fmt(percentile(g.total, p) / percentile(d.total, p), 2)]);
      }
      for (const p of [50, 99]) {
        rows.push([`streamed time to first byte p${p} (ms)`, fmt(percentile(ds.ttfb, p)), fmt(percentile(gs.ttfb, p)), fmt(percentile(gs.ttfb, p) - percentile(ds.ttfb, p)), fmt(percentile(gs.ttfb, p) / percentile(ds.ttfb, p), 2)]);
      }
    }
    table(['measure', 'direct', 'gateway', 'added', 'ratio'], rows);

    console.log('');
    const rpsRows: (string | number)[][] = [];
    for (const c of [1, 50]) {
      const count = c === 1 ? Math.floor(n / 2) : n * 2;
      const rd = await throughput(direct, c, count);
      const cpu0 = await processCpuSeconds(gateway.child.pid as number);
      const rg = await throughput(through, c, count);
      const cpu1 = await processCpuSeconds(gateway.child.pid as number);
      rpsRows.push([`concurrency ${c}`, fmt(rd, 0), fmt(rg, 0), fmt(rg / rd, 2), fmt(((cpu1 - cpu0) / count) * 1e6, 0)]);
    }
    table(['requests/s', 'direct', 'gateway', 'ratio', 'gateway CPU µs/request'], rpsRows);
  } finally {
    await Promise.all([direct.pool.close(), through.pool.close()]);
    await gateway.stop();
    await upstream.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
