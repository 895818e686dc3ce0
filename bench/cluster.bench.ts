// Requests/s of three gateway instances against one, all guards on (API key with a budget and
// limits, privacy scan, usage + audit rows), on one shared store and one Redis (rate limits and the
// cluster bus). The same three processes serve both rounds: "one" sends every request to the
// first, "three" spreads them round robin, as a load balancer would; rounds are interleaved so
// that the machine's noise hits both alike. Store: HOME's SQLite file, or the PostgreSQL URL in
// FLAMBEAU_BENCH_STORE_URL (given to the instances as FLAMBEAU_STORE_URL, the `store.url` setting).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { Redis } from 'ioredis';
import { startChild } from './child-server.js';
import { BENCH_BODY, BENCH_KEY, type Target } from './gateway-load.js';
import { fmt, processCpuSeconds, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const redisUrl = process.env.FLAMBEAU_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const storeUrl = process.env.FLAMBEAU_BENCH_STORE_URL;

/** Refusals seen, by status and code (a loaded machine may time out the store or Redis: counted, not hidden). */
const refusals = new Map<string, number>();

async function attempt(target: Target): Promise<boolean> {
  const res = await target.pool.request({ method: 'POST', path: target.path, headers: target.headers, body: BENCH_BODY });
  const text = await res.body.text();
  if (res.statusCode === 200) return true;
  const code = /"code":"([a-z_]+)"/.exec(text)?.[1] ?? 'unknown';
  refusals.set(`${res.statusCode} ${code}`, (refusals.get(`${res.statusCode} ${code}`) ?? 0) + 1);
  return false;
}

/** `count` requests spread over `targets` in turn, `concurrency` at a time; answered (200) requests/s. */
async function spread(targets: Target[], concurrency: number, count: number): Promise<number> {
  let next = 0;
  let answered = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const target = targets[next % targets.length] as Target;
        next += 1;
        if (await attempt(target)) answered += 1;
      }
    }),
  );
  return answered / ((performance.now() - t0) / 1000);
}

export async function run(): Promise<void> {
  console.log(`\n## Scale out: three instances vs one (all guards on; store: ${storeUrl === undefined ? 'one SQLite file' : 'PostgreSQL'}; Redis)\n`);
  const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  const home = mkdtempSync(join(tmpdir(), 'flambeau-bench-cluster-'));
  const namespace = `flambeau-bench-${randomBytes(4).toString('hex')}`;
  const config = join(home, 'flambeau.yaml');
  writeFileSync(
    config,
    `providers:\n  - id: upstream\n    type: openai-compatible\n    base_url: ${upstream.url}/v1\n    locality: cloud\nmodels:\n  - name: bench\n    provider: upstream\n    model: bench-upstream\n    price: { input_per_mtok: 0.1, output_per_mtok: 0.4 }\nrouting:\n  health_interval_ms: 0\n`,
  );
  const env = {
    FLAMBEAU_MASTER_KEY: BENCH_KEY,
    FLAMBEAU_LOG_LEVEL: 'error',
    FLAMBEAU_RATE_LIMIT_REDIS_URL: redisUrl,
    FLAMBEAU_CLUSTER_NAMESPACE: namespace,
    ...(storeUrl === undefined ? {} : { FLAMBEAU_STORE_URL: storeUrl }),
  };
  const serve = () => startChild([join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--home', home, '--port', '0'], env);
  const first = await serve();
  const instances = [first, ...(await Promise.all([serve(), serve()]))];
  const adminPool = new Pool(first.url);
  const created = await adminPool.request({
    method: 'POST',
    path: '/admin/keys',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
    body: JSON.stringify({ name: 'bench', budget: '100000/month', rpm: 10000000, tpm: 1000000000 }),
  });
  const apiKey = ((await created.body.json()) as { key: string }).key;
  await adminPool.close();
  const targets: Target[] = instances.map((instance, i) => ({
    name: `instance ${i + 1}`,
    pool: new Pool(instance.url, { connections: 64 }),
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
  }));
  const cpu = async () => (await Promise.all(instances.map((i) => processCpuSeconds(i.child.pid as number)))).reduce((a, b) => a + b, 0);
  try {
    const one = [targets[0] as Target];
    await spread(targets, 8, 300); // warm-up: JIT, pools, key caches of all three
    const n = Number(process.env.BENCH_REQUESTS ?? 1500);
    const rounds = 3;
    const rows: (string | number)[][] = [];
    for (const concurrency of [1, 48]) {
      const measured = { one: { rps: [] as number[], cpu: 0 }, three: { rps: [] as number[], cpu: 0 } };
      for (let round = 0; round < rounds; round++) {
        for (const which of round % 2 === 0 ? (['one', 'three'] as const) : (['three', 'one'] as const)) {
          const before = await cpu();
          measured[which].rps.push(await spread(which === 'one' ? one : targets, concurrency, concurrency === 1 ? Math.floor(n / 4) : n));
          measured[which].cpu += (await cpu()) - before;
        }
      }
      const count = (concurrency === 1 ? Math.floor(n / 4) : n) * rounds;
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
      const [r1, r3] = [median(measured.one.rps), median(measured.three.rps)];
      rows.push([
        `concurrency ${concurrency}`,
        fmt(r1, 0),
        fmt(r3, 0),
        fmt(r3 / r1, 2),
        fmt((measured.one.cpu / count) * 1e6, 0),
        fmt((measured.three.cpu / count) * 1e6, 0),
      ]);
    }
    const refused = [...refusals].map(([what, n]) => `${what} ×${n}`).join(', ');
    console.log(refused === '' ? 'every request answered 200' : `refused (not counted in the rates above): ${refused}`);
    table(['requests/s (median of 3 interleaved rounds)', 'one instance', 'three instances', 'ratio', 'CPU µs/req (one)', 'CPU µs/req (three)'], rows);
    console.log(
      '\nCPU: the gateway processes only (the stand-in upstream and Redis excluded). On a machine with fewer cores than instances, three instances share the same CPUs: the ratio then shows the cost of coordination, not the gain of more hosts.',
    );
  } finally {
    await Promise.all(targets.map((t) => t.pool.close()));
    await Promise.all(instances.map((i) => i.stop()));
    await upstream.stop();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    rmSync(home, { recursive: true, force: true });
  }
}
