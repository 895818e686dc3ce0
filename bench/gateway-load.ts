// Load helpers shared by the gateway benches: one request, interleaved sequential runs, a closed
// loop at a given concurrency, and a gateway child process in front of an upstream.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'undici';
import { startChild } from './child-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_KEY = 'flm-bench-key-0123456789';
export const BENCH_BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Say something short.' }], max_tokens: 32 });

export interface Target {
  name: string;
  pool: Pool;
  path: string;
  headers: Record<string, string>;
}

export async function once(target: Target, payload: string): Promise<{ total: number; ttfb: number }> {
  const t0 = performance.now();
  const res = await target.pool.request({ method: 'POST', path: target.path, headers: target.headers, body: payload });
  let ttfb = Number.NaN;
  for await (const _chunk of res.body) if (Number.isNaN(ttfb)) ttfb = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${target.name}: HTTP ${res.statusCode}`);
  return { total: performance.now() - t0, ttfb };
}

export async function sequential(targets: Target[], payload: string, count: number): Promise<Map<string, { total: number[]; ttfb: number[] }>> {
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

export async function throughput(target: Target, concurrency: number, count: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        await once(target, BENCH_BODY);
      }
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

/** A gateway child serving model `bench` from `upstreamUrl`, with `extra` YAML appended to its config. */
export async function gatewayChild(
  home: string,
  upstreamUrl: string,
  extra: string,
  env: Record<string, string> = {},
): Promise<Awaited<ReturnType<typeof startChild>>> {
  const config = join(home, 'flambeau.yaml');
  writeFileSync(
    config,
    `providers:\n  - id: upstream\n    type: openai-compatible\n    base_url: ${upstreamUrl}/v1\n    locality: cloud\nmodels:\n  - name: bench\n    provider: upstream\n    model: bench-upstream\n    price: { input_per_mtok: 0.1, output_per_mtok: 0.4 }\nrouting:\n  health_interval_ms: 0\n${extra}`,
  );
  return startChild([join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--home', home, '--port', '0'], {
    FLAMBEAU_MASTER_KEY: BENCH_KEY,
    FLAMBEAU_LOG_LEVEL: 'error',
    ...env,
  });
}
