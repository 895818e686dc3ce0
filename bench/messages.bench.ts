// Issue 13: what the Anthropic Messages translator adds over Chat Completions, same gateway, same
// target (lean gateway, loopback stand-in upstream), interleaved request by request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild } from './child-server.js';
import { fmt, percentile, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'flm-bench-key-0123456789';
const messages = [{ role: 'user', content: 'Say something short.' }];

interface Case {
  name: string;
  path: string;
  body: string;
  streamBody: string;
}

const CASES: Case[] = [
  {
    name: 'chat',
    path: '/v1/chat/completions',
    body: JSON.stringify({ model: 'bench', messages, max_tokens: 32 }),
    streamBody: JSON.stringify({ model: 'bench', messages, max_tokens: 32, stream: true }),
  },
  {
    name: 'messages',
    path: '/v1/messages',
    body: JSON.stringify({ model: 'bench', messages, max_tokens: 32 }),
    streamBody: JSON.stringify({ model: 'bench', messages, max_tokens: 32, stream: true }),
  },
];

async function once(pool: Pool, c: Case, streamed: boolean): Promise<{ total: number; ttfb: number }> {
  const t0 = performance.now();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
  const res = await pool.request({ method: 'POST', path: c.path, headers, body: streamed ? c.streamBody : c.body });
  let ttfb = Number.NaN;
  for await (const _chunk of res.body) if (Number.isNaN(ttfb)) ttfb = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${c.name}: HTTP ${res.statusCode}`);
  return { total: performance.now() - t0, ttfb };
}

async function sequential(pool: Pool, streamed: boolean, count: number): Promise<Map<string, { total: number[]; ttfb: number[] }>> {
  const out = new Map(CASES.map((c) => [c.name, { total: [] as number[], ttfb: [] as number[] }]));
  for (let i = 0; i < count; i++) {
    for (const c of i % 2 === 0 ? CASES : [...CASES].reverse()) {
      const r = await once(pool, c, streamed);
      out.get(c.name)?.total.push(r.total);
      out.get(c.name)?.ttfb.push(r.ttfb);
    }
  }
  return out;
}

export async function run(): Promise<void> {
  console.log('\n## Anthropic Messages translator vs Chat Completions (same lean gateway, same target)\n');
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
    await sequential(pool, false, 200); // warm-up
    await sequential(pool, true, 100);
    const n = Number(process.env.BENCH_REQUESTS ?? 2000);
    const plain = await sequential(pool, false, n);
    const streamed = await sequential(pool, true, Math.floor(n / 2));
    const rows: (string | number)[][] = [];
    for (const [label, runs, key] of [
      ['non-streamed latency', plain, 'total'],
      ['streamed total', streamed, 'total'],
      ['streamed time to first byte', streamed, 'ttfb'],
    ] as const) {
      const chat = runs.get('chat')?.[key] ?? [];
      const msgs = runs.get('messages')?.[key] ?? [];
      for (const p of [50, 99]) {
        const [c, m] = [percentile(chat, p), percentile(msgs, p)];
        rows.push([`${label} p${p} (ms)`, fmt(c), fmt(m), fmt(m - c)]);
      }
    }
    table(['/v1/messages vs /v1/chat/completions', 'chat', 'messages', 'added'], rows);
  } finally {
    await pool.close();
    await gateway.stop();
    await upstream.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
