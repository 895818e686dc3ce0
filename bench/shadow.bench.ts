// Shadow evaluation at sample 1.0 against shadow off: the client's latency must not move, as the
// shadow call starts only after the answer is settled. Two gateway children, interleaved, in front
// of stand-in clouds in their own processes: `bench` (the served reference) and `bench-local` (an
// echo, compared in the background). Prints the shadow report of the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild } from './child-server.js';
import { BENCH_KEY, once, type Target } from './gateway-load.js';
import { fmt, percentile, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const AGREE = 'The quick brown fox jumps over the lazy dog.';
const PROMPTS = [AGREE, 'Say something short.', 'Résume ce texte en une phrase.', AGREE, 'What is the capital of France?'];
const body = (content: string) => JSON.stringify({ model: 'bench', messages: [{ role: 'user', content }], max_tokens: 32 });

function gateway(home: string, reference: string, local: string, shadow: boolean) {
  const config = join(home, 'flambeau.yaml');
  const rule = shadow
    ? 'shadow:\n  - name: local-vs-cloud\n    compare: [bench-local, bench]\n    sample: 1.0\n    max_concurrency: 2\n    budget_usd: 5/day\n'
    : '';
  writeFileSync(
    config,
    `providers:\n  - { id: upstream, type: openai-compatible, base_url: ${reference}/v1, locality: cloud }\n` +
      `  - { id: office, type: openai-compatible, base_url: ${local}/v1, locality: lan }\n` +
      'models:\n  - { name: bench, provider: upstream, model: bench-upstream, price: { input_per_mtok: 0.1, output_per_mtok: 0.4 } }\n' +
      '  - { name: bench-local, provider: office, model: bench-local }\n' +
      `routing:\n  health_interval_ms: 0\n${rule}`,
  );
  return startChild([join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--home', home, '--port', '0'], {
    FLAMBEAU_MASTER_KEY: BENCH_KEY,
    FLAMBEAU_LOG_LEVEL: 'error',
  });
}

export async function run(): Promise<void> {
  console.log('\n## Shadow evaluation at sample 1.0 vs off (client latency, stand-in clouds)\n');
  const reference = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  const local = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')], { STAND_IN_ECHO: '1' });
  const homes = [mkdtempSync(join(tmpdir(), 'flambeau-bench-')), mkdtempSync(join(tmpdir(), 'flambeau-bench-'))] as const;
  const on = await gateway(homes[0], reference.url, local.url, true);
  const off = await gateway(homes[1], reference.url, local.url, false);
  const target = (name: string, url: string): Target => ({
    name,
    pool: new Pool(url, { connections: 8 }),
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
  });
  const targets = [target('on', on.url), target('off', off.url)];
  try {
    const n = Number(process.env.BENCH_REQUESTS ?? 600);
    const times = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (let i = 0; i < n + 50; i++) {
      const payload = body(PROMPTS[i % PROMPTS.length] as string);
      for (const t of i % 2 === 0 ? targets : [...targets].reverse()) {
        const r = await once(t, payload);
        if (i >= 50) times.get(t.name)?.push(r.total); // the first 50: warm-up
      }
    }
    const a = times.get('on') ?? [];
    const b = times.get('off') ?? [];
    table(
      ['measure', 'shadow off', 'shadow on (sample 1.0)', 'ratio'],
      [
        ['latency p50 (ms)', fmt(percentile(b, 50)), fmt(percentile(a, 50)), fmt(percentile(a, 50) / percentile(b, 50))],
        ['latency p90 (ms)', fmt(percentile(b, 90)), fmt(percentile(a, 90)), fmt(percentile(a, 90) / percentile(b, 90))],
        ['latency p99 (ms)', fmt(percentile(b, 99)), fmt(percentile(a, 99)), fmt(percentile(a, 99) / percentile(b, 99))],
      ],
    );
    console.log(`(target: p50 ratio ≤ 1.02; ${n} requests each, interleaved)`);
    await sleep(1000); // the last shadow calls land
    const scrape = await targets[0]?.pool.request({ method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${BENCH_KEY}` } });
    const counted = ((await scrape?.body.text()) ?? '').split('\n').filter((l) => l.startsWith('flambeau_shadow_comparisons_total'));
    console.log(`\n${counted.join('\n')}\n\nflambeau shadow report (after ${n + 50} requests):\n`);
    const report = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'shadow', 'report', '--home', homes[0]], { encoding: 'utf8' });
    process.stdout.write(report.stdout + report.stderr);
    await failingTarget(reference.url, Math.min(n, 200));
  } finally {
    await Promise.all(targets.map((t) => t.pool.close()));
    await Promise.all([on.stop(), off.stop(), reference.stop(), local.stop()]);
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  }
}

/** A shadow target that fails every call: the client must see no error. */
async function failingTarget(reference: string, n: number): Promise<void> {
  const failing = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')], { STAND_IN_FAIL: '1' });
  const home = mkdtempSync(join(tmpdir(), 'flambeau-bench-'));
  const gw = await gateway(home, reference, failing.url, true);
  const pool = new Pool(gw.url, { connections: 8 });
  const t: Target = {
    name: 'failing',
    pool,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
  };
  let errors = 0;
  try {
    for (let i = 0; i < n; i++) await once(t, body(PROMPTS[i % PROMPTS.length] as string)).catch(() => (errors += 1));
    await sleep(500);
    const scrape = await pool.request({ method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${BENCH_KEY}` } });
    const counted = (await scrape.body.text()).split('\n').filter((l) => l.startsWith('flambeau_shadow_comparisons_total'));
    console.log(`\nshadow target failing every call: ${errors} client error(s) in ${n} requests; ${counted.join(', ')}`);
  } finally {
    await pool.close();
    await Promise.all([gw.stop(), failing.stop()]);
    rmSync(home, { recursive: true, force: true });
  }
}
