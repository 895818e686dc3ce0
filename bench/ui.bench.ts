// The cost of the dashboard's /ui/api proxy: the same chat call made directly with the key and
// through /ui/api/ with a session cookie and the CSRF header (cookie MAC check, the key checked
// again, the call re-entering the request handler). Two identical lean gateways, one per way,
// interleaved, against a loopback stand-in upstream; CPU time of each gateway process.
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
  console.log('\n## Dashboard proxy: /v1/chat/completions direct vs through /ui/api/ (lean gateway, loopback stand-in upstream)\n');
  const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  const homes = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'flambeau-bench-')));
  const children = [await gatewayChild(homes[0] as string, upstream.url, LEAN), await gatewayChild(homes[1] as string, upstream.url, LEAN)];
  const signIn = await fetch(`${children[1]?.url}/ui/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: BENCH_KEY }),
  });
  const cookie = /flambeau_session=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')?.[0];
  const csrf = ((await signIn.json()) as { csrf_token?: string }).csrf_token;
  if (cookie === undefined || csrf === undefined) throw new Error(`ui bench: sign-in failed (HTTP ${signIn.status})`);
  const targets: Target[] = [
    {
      name: 'direct',
      pool: new Pool(children[0]?.url as string, { connections: 8 }),
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
    },
    {
      name: 'proxied',
      pool: new Pool(children[1]?.url as string, { connections: 8 }),
      path: '/ui/api/v1/chat/completions',
      headers: { 'content-type': 'application/json', cookie, 'x-flambeau-csrf': csrf },
    },
  ];
  const cpu = () => Promise.all(children.map((c) => processCpuSeconds(c.child.pid as number)));
  try {
    await sequential(targets, BENCH_BODY, 300); // warm-up
    const n = Number(process.env.BENCH_REQUESTS ?? 2000);
    const cpu0 = await cpu();
    const runs = await sequential(targets, BENCH_BODY, n);
    const cpu1 = await cpu();
    const lat = (name: string, p: number) => percentile(runs.get(name)?.total ?? [], p);
    const cpuPer = (i: number) => (((cpu1[i] ?? 0) - (cpu0[i] ?? 0)) / n) * 1e6;
    table(
      ['measure', 'direct', 'through /ui/api', 'added', 'ratio'],
      [
        ...[50, 99].map((p) => [
          `latency p${p} (ms)`,
          fmt(lat('direct', p)),
          fmt(lat('proxied', p)),
          `${fmt((lat('proxied', p) - lat('direct', p)) * 1000, 0)} µs`,
          fmt(lat('proxied', p) / lat('direct', p), 2),
        ]),
        ['gateway CPU per request (µs)', fmt(cpuPer(0), 0), fmt(cpuPer(1), 0), `${fmt(cpuPer(1) - cpuPer(0), 0)} µs`, fmt(cpuPer(1) / cpuPer(0), 2)],
      ],
    );
  } finally {
    await Promise.all(targets.map((t) => t.pool.close()));
    await Promise.all(children.map((c) => c.stop()));
    await upstream.stop();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  }
}
