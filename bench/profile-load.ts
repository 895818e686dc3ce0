// A closed loop at c=20 (C=N for another concurrency) on one gateway with the default guards (a key with a budget and limits,
// usage and audit rows, privacy scan), for a profile: `BENCH_CPU_PROF=DIR node --import tsx
// bench/profile-load.ts` writes the gateway's .cpuprofile in DIR. EXTRA appends YAML to its config;
// N requests are measured (after 1,000 of warm-up). BARE=1 loads the bare proxy instead.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild } from './child-server.js';
import { BENCH_KEY, freshBody, gatewayChild, once, throughput } from './gateway-load.js';
import { processCpuSeconds } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
const home = mkdtempSync(join(tmpdir(), 'flambeau-prof-'));
// BARE=1: the bare proxy (bench/bare-proxy.ts) instead of the gateway, to compare stage probes with.
const bare = process.env.BARE === '1';
const full = bare
  ? await startChild(['--import', 'tsx', join(root, 'bench/bare-proxy.ts'), upstream.url, 'serve'])
  : await gatewayChild(home, upstream.url, process.env.EXTRA ?? '');
const admin = new Pool(full.url);
const made = bare
  ? null
  : await admin.request({
      method: 'POST',
      path: '/admin/keys',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
      body: JSON.stringify({ name: 'bench', budget: '100000/month', rpm: 10000000, tpm: 1000000000 }),
    });
// MASTER=1: call with the master key, as the bench's lean gateway does (no key budget or limits).
const key = made === null || process.env.MASTER === '1' ? BENCH_KEY : ((await made.body.json()) as { key: string }).key;
const t = {
  name: 'full',
  pool: new Pool(full.url, { connections: 64 }),
  path: '/v1/chat/completions',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
};
const c = Number(process.env.C ?? 20);
const n = Number(process.env.N ?? 6000);
// GAP_MS: one request at a time, GAP_MS idle between them (the process sleeps, as it does between
// the interleaved requests of the gateway bench's latency rows); prints the client's p50.
const gap = process.env.GAP_MS === undefined ? null : Number(process.env.GAP_MS);
if (gap !== null) {
  const times: number[] = [];
  for (let i = 0; i < 1000 + n; i++) {
    await new Promise((resolve) => setTimeout(resolve, gap));
    const r = await once(t, freshBody);
    if (i >= 1000) times.push(r.total);
  }
  times.sort((a, b) => a - b);
  console.log(`gap ${gap} ms: p50 ${(times[Math.floor(times.length / 2)] as number).toFixed(3)} ms`);
} else {
  await throughput(t, c, 1000);
  const c0 = await processCpuSeconds(full.child.pid as number);
  const rps = await throughput(t, c, n);
  const c1 = await processCpuSeconds(full.child.pid as number);
  console.log(`rps ${rps.toFixed(0)} cpu µs/req ${(((c1 - c0) / n) * 1e6).toFixed(0)}`);
}
await t.pool.close();
await admin.close();
await full.stop();
await upstream.stop();
process.exit(0);
