// What each inbound protocol adds over Chat Completions on the same target: the same lean gateway,
// the same stand-in upstream, the same prompt, requests interleaved so that machine noise hits all
// alike. The translators should cost next to nothing (issue 13: ≤ 0.1 ms at p50).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild } from './child-server.js';
import { fmt, percentile, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'flm-bench-key-0123456789';
const PROMPT = 'Say something short.';

interface Door {
  name: string;
  path: string;
  body: string;
  streamBody: string;
}

const DOORS: Door[] = [
  {
    name: 'chat completions',
    path: '/v1/chat/completions',
    body: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: PROMPT }], max_tokens: 32 }),
    streamBody: JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: PROMPT }], max_tokens: 32 }),
  },
  {
    name: 'responses, store: false',
    path: '/v1/responses',
    body: JSON.stringify({ model: 'bench', input: PROMPT, max_output_tokens: 32, store: false }),
    streamBody: JSON.stringify({ model: 'bench', input: PROMPT, max_output_tokens: 32, store: false, stream: true }),
  },
  {
    name: 'responses, stored (default)',
    path: '/v1/responses',
    body: JSON.stringify({ model: 'bench', input: PROMPT, max_output_tokens: 32 }),
    streamBody: JSON.stringify({ model: 'bench', input: PROMPT, max_output_tokens: 32, stream: true }),
  },
  {
    name: 'anthropic messages',
    path: '/v1/messages',
    body: JSON.stringify({ model: 'bench', max_tokens: 32, messages: [{ role: 'user', content: PROMPT }] }),
    streamBody: JSON.stringify({ model: 'bench', max_tokens: 32, stream: true, messages: [{ role: 'user', content: PROMPT }] }),
  },
  {
    name: 'ollama chat',
    path: '/api/chat',
    body: JSON.stringify({ model: 'bench', stream: false, messages: [{ role: 'user', content: PROMPT }], options: { num_predict: 32 } }),
    streamBody: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: PROMPT }], options: { num_predict: 32 } }),
  },
];

async function once(pool: Pool, path: string, body: string): Promise<{ total: number; ttfb: number; status: number }> {
  const t0 = performance.now();
  const res = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body });
  let ttfb = Number.NaN;
  for await (const _chunk of res.body) if (Number.isNaN(ttfb)) ttfb = performance.now() - t0;
  return { total: performance.now() - t0, ttfb, status: res.statusCode };
}

export async function run(): Promise<void> {
  console.log('\n## Inbound protocols: added latency over Chat Completions (same lean gateway, same stand-in upstream)\n');
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
    for (const door of DOORS) {
      const probe = await once(pool, door.path, door.body);
      if (probe.status !== 200) throw new Error(`${door.path} answered ${probe.status}`);
    }
    const n = Number(process.env.BENCH_REQUESTS ?? 2000);
    const plain = new Map(DOORS.map((d) => [d.name, [] as number[]]));
    const firstByte = new Map(DOORS.map((d) => [d.name, [] as number[]]));
    for (let i = 0; i < n + 200; i++) {
      const order = i % 2 === 0 ? DOORS : [...DOORS].reverse();
      for (const door of order) {
        const a = await once(pool, door.path, door.body);
        const b = await once(pool, door.path, door.streamBody);
        // The first 200 rounds warm the JIT and the pools.
        if (i >= 200) {
          plain.get(door.name)?.push(a.total);
          firstByte.get(door.name)?.push(b.ttfb);
        }
      }
    }
    const base = DOORS[0] as Door;
    const rows = DOORS.map((door) => {
      const p = percentile(plain.get(door.name) ?? [], 50);
      const f = percentile(firstByte.get(door.name) ?? [], 50);
      const bp = percentile(plain.get(base.name) ?? [], 50);
      const bf = percentile(firstByte.get(base.name) ?? [], 50);
      return [door.name, fmt(p), fmt(p - bp), fmt(p / bp, 2), fmt(f), fmt(f - bf)];
    });
    table(['door (same target)', 'p50 (ms)', 'added p50 (ms)', 'ratio', 'stream first byte p50 (ms)', 'added (ms)'], rows);
  } finally {
    await pool.close();
    await gateway.stop();
    await upstream.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
