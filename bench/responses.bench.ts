// What the Responses translator adds over Chat Completions: the same prompt to the same target
// through POST /v1/chat/completions and POST /v1/responses of one lean gateway, interleaved.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild } from './child-server.js';
import { fmt, percentile, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'flm-bench-key-0123456789';
const prompt = 'Say something short.';
const bodies = {
  chat: { path: '/v1/chat/completions', plain: { model: 'bench', messages: [{ role: 'user', content: prompt }], max_tokens: 32 } },
  responses: { path: '/v1/responses', plain: { model: 'bench', input: prompt, max_output_tokens: 32 } },
} as const;

type Protocol = keyof typeof bodies;

async function once(pool: Pool, protocol: Protocol, stream: boolean): Promise<{ total: number; ttfb: number }> {
  const { path, plain } = bodies[protocol];
  const t0 = performance.now();
  const res = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(stream ? { ...plain, stream: true } : plain),
  });
  let ttfb = Number.NaN;
  for await (const _chunk of res.body) if (Number.isNaN(ttfb)) ttfb = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode}`);
  return { total: performance.now() - t0, ttfb };
}

export async function run(): Promise<void> {
  console.log('\n## Responses API translator (same lean gateway, same target: /v1/responses vs /v1/chat/completions)\n');
  const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  const home = mkdtempSync(join(tmpdir(), 'flambeau-bench-'));
  const config = join(home, 'flambeau.yaml');
  writeFileSync(
    config,
    `providers:\n  - id: upstream\n    type: openai-compatible\n    base_url: ${upstream.url}/v1\n    locality: cloud\nmodels:\n  - name: bench\n    provider: upstream\n    model: bench-upstream\nrouting:\n  health_interval_ms: 0\nprivacy:\n  detect: []\n  cloud: allow\naudit:\n  enabled: false\n`,
  );
  const gateway = await startChild([join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--home', home, '--port', '0'], {
    FLAMBEAU_MASTER_KEY: KEY,
    FLAMBEAU_LOG_LEVEL: 'error',
  });
  const pool = new Pool(gateway.url, { connections: 8 });
  try {
    const n = Number(process.env.BENCH_REQUESTS ?? 2000);
    const rows: (string | number)[][] = [];
    for (const stream of [false, true]) {
      const times: Record<Protocol, { total: number[]; ttfb: number[] }> = { chat: { total: [], ttfb: [] }, responses: { total: [], ttfb: [] } };
      const count = stream ? Math.floor(n / 2) : n;
      for (let i = 0; i < count + 100; i++) {
        // Interleaved, first 100 rounds are warm-up: machine noise hits both alike.
        for (const protocol of i % 2 === 0 ? (['chat', 'responses'] as const) : (['responses', 'chat'] as const)) {
          const r = await once(pool, protocol, stream);
          if (i >= 100) (times[protocol].total.push(r.total), times[protocol].ttfb.push(r.ttfb));
        }
      }
      const metric = stream ? 'ttfb' : 'total';
      for (const p of [50, 99]) {
        const [c, r] = [percentile(times.chat[metric], p), percentile(times.responses[metric], p)];
        rows.push([`${stream ? 'streamed time to first byte' : 'non-streamed latency'} p${p} (ms)`, fmt(c), fmt(r), fmt(r - c)]);
      }
    }
    table(['Responses vs Chat Completions', 'chat', 'responses', 'added'], rows);
  } finally {
    await pool.close();
    await gateway.stop();
    await upstream.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
