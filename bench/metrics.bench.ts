// The cost of Prometheus metrics and OpenTelemetry tracing on the hot path: the same lean gateway
// (no privacy scan, no usage/audit rows) with both off, metrics on, and metrics and tracing on
// (spans exported to a local sink), interleaved, against a loopback stand-in upstream.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  console.log('\n## Metrics and tracing on vs off (lean gateway, loopback stand-in upstream)\n');
  const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  // An OTLP sink: takes the span batches and answers 200.
  const sink = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')));
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const homes = [0, 1, 2, 3, 4].map(() => mkdtempSync(join(tmpdir(), 'flambeau-bench-')));
  // Two identical gateways with both off (an A/A pair): their difference is the bench's own noise.
  const children = [
    await gatewayChild(homes[0] as string, upstream.url, `${LEAN}metrics:\n  enabled: false\n`),
    await gatewayChild(homes[3] as string, upstream.url, `${LEAN}metrics:\n  enabled: false\n`),
    await gatewayChild(homes[1] as string, upstream.url, `${LEAN}metrics:\n  enabled: true\n`),
    await gatewayChild(
      homes[2] as string,
      upstream.url,
      `${LEAN}metrics:\n  enabled: true\ntelemetry:\n  otlp_endpoint: ${sinkUrl}\n  export_interval_ms: 1000\n`,
    ),
    // Head sampling at 10%: the other nine requests carry a traceparent upstream but record nothing.
    await gatewayChild(
      homes[4] as string,
      upstream.url,
      `${LEAN}metrics:\n  enabled: true\ntelemetry:\n  otlp_endpoint: ${sinkUrl}\n  export_interval_ms: 1000\n  sample_ratio: 0.1\n`,
    ),
  ];
  const names = ['off', 'off-again', 'metrics', 'traced', 'sampled'];
  const targets: Target[] = children.map((child, i) => ({
    name: names[i] as string,
    pool: new Pool(child.url, { connections: 8 }),
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
  }));
  const cpu = () => Promise.all(children.map((c) => processCpuSeconds(c.child.pid as number)));
  try {
    await sequential(targets, BENCH_BODY, 300); // warm-up
    const n = Number(process.env.BENCH_REQUESTS ?? 2000);
    // Rounds: each round is a sequential run whose first slot rotates; CPU is read per round.
    const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
    const totals = new Map(names.map((name) => [name, [] as number[]]));
    const cpuSum = names.map(() => 0);
    for (let r = 0; r < rounds; r++) {
      const order = names.map((_, j) => targets[(r + j) % targets.length] as Target);
      const cpu0 = await cpu();
      const runs = await sequential(order, BENCH_BODY, Math.floor(n / rounds));
      const cpu1 = await cpu();
      for (const [name, run] of runs) totals.get(name)?.push(...run.total);
      names.forEach((_, i) => (cpuSum[i] = (cpuSum[i] ?? 0) + (cpu1[i] ?? 0) - (cpu0[i] ?? 0)));
    }
    const per = Math.floor(n / rounds) * rounds;
    const lat = (name: string, p: number) => percentile(totals.get(name) ?? [], p);
    const cpuPer = (i: number) => ((cpuSum[i] ?? 0) / per) * 1e6;
    const added = (name: string, p: number) => `${fmt((lat(name, p) - lat('off', p)) * 1000, 0)} µs`;
    table(
      ['measure', 'both off', 'off (A/A)', 'added', 'metrics on', 'added', 'metrics + tracing', 'added', '+ tracing at 10%', 'added'],
      [
        ...[50, 99].map((p) => [
          `latency p${p} (ms)`,
          fmt(lat('off', p)),
          fmt(lat('off-again', p)),
          added('off-again', p),
          fmt(lat('metrics', p)),
          added('metrics', p),
          fmt(lat('traced', p)),
          added('traced', p),
          fmt(lat('sampled', p)),
          added('sampled', p),
        ]),
        [
          'gateway CPU per request (µs)',
          fmt(cpuPer(0), 0),
          fmt(cpuPer(1), 0),
          `${fmt(cpuPer(1) - cpuPer(0), 0)} µs`,
          fmt(cpuPer(2), 0),
          `${fmt(cpuPer(2) - cpuPer(0), 0)} µs`,
          fmt(cpuPer(3), 0),
          `${fmt(cpuPer(3) - cpuPer(0), 0)} µs`,
          fmt(cpuPer(4), 0),
          `${fmt(cpuPer(4) - cpuPer(0), 0)} µs`,
        ],
      ],
    );
    const scrape = await targets[2]?.pool.request({ method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${BENCH_KEY}` } });
    const exposition = (await scrape?.body.text()) ?? '';
    const samples = exposition.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    console.log(`scrape after the run: ${exposition.length} bytes, ${samples} samples (target: metrics and tracing add p50 ≤ 30 µs)`);
  } finally {
    await Promise.all(targets.map((t) => t.pool.close()));
    await Promise.all(children.map((c) => c.stop()));
    await upstream.stop();
    sink.close();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  }
}
