// The cost of Prometheus metrics on the hot path: the same lean gateway (no privacy scan, no
// usage/audit rows) with metrics on and off, interleaved, against a loopback stand-in upstream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild } from './child-server.js';
import { BENCH_BODY, BENCH_KEY, gatewayChild, sequential, type Target } from './gateway-load.js';
import { fmt, percentile, processCpuSeconds, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const LEAN = 'privacy:\n  detect: []\n  cloud: allow\naudit:\n  enabled: false\n';

export async function run(): Promise<void> {
  console.log('\n## Metrics on vs off (lean gateway, loopback stand-in upstream)\n');
  const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  const homes = [mkdtempSync(join(tmpdir(), 'flambeau-bench-')), mkdtempSync(join(tmpdir(), 'flambeau-bench-'))] as const;
  const on = await gatewayChild(homes[0], upstream.url, `${LEAN}metrics:\n  enabled: true\n`);
  const off = await gatewayChild(homes[1], upstream.url, `${LEAN}metrics:\n  enabled: false\n`);
  const target = (name: string, url: string): Target => ({
    name,
    pool: new Pool(url, { connections: 8 }),
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
  });
  const targets = [target('on', on.url), target('off', off.url)];
  try {
    await sequential(targets, BENCH_BODY, 300); // warm-up
    const n = Number(process.env.BENCH_REQUESTS ?? 2000);
    const cpu0 = await Promise.all([processCpuSeconds(on.child.pid as number), processCpuSeconds(off.child.pid as number)]);
    const runs = await sequential(targets, BENCH_BODY, n);
    const cpu1 = await Promise.all([processCpuSeconds(on.child.pid as number), processCpuSeconds(off.child.pid as number)]);
    const a = runs.get('on')?.total ?? [];
    const b = runs.get('off')?.total ?? [];
    const scrape = await targets[0]?.pool.request({ method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${BENCH_KEY}` } });
    const exposition = (await scrape?.body.text()) ?? '';
    table(
      ['measure', 'metrics off', 'metrics on', 'added'],
      [
        ['latency p50 (ms)', fmt(percentile(b, 50)), fmt(percentile(a, 50)), `${fmt((percentile(a, 50) - percentile(b, 50)) * 1000, 0)} µs`],
        ['latency p99 (ms)', fmt(percentile(b, 99)), fmt(percentile(a, 99)), `${fmt((percentile(a, 99) - percentile(b, 99)) * 1000, 0)} µs`],
        [
          'gateway CPU per request (µs)',
          fmt((((cpu1[1] ?? 0) - (cpu0[1] ?? 0)) / n) * 1e6, 0),
          fmt((((cpu1[0] ?? 0) - (cpu0[0] ?? 0)) / n) * 1e6, 0),
          `${fmt((((cpu1[0] ?? 0) - (cpu0[0] ?? 0) - ((cpu1[1] ?? 0) - (cpu0[1] ?? 0))) / n) * 1e6, 0)} µs`,
        ],
      ],
    );
    console.log(
      `scrape after the run: ${exposition.length} bytes, ${exposition.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length} samples (target: added p50 ≤ 30 µs)`,
    );
  } finally {
    await Promise.all(targets.map((t) => t.pool.close()));
    await Promise.all([on.stop(), off.stop()]);
    await upstream.stop();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  }
}
