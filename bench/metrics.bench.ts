// The cost of Prometheus metrics and OpenTelemetry tracing on the hot path: the same lean gateway
// (no privacy scan, no usage/audit rows) with both off, metrics on, and metrics and tracing on
// (spans exported to a local sink), interleaved, against a loopback stand-in upstream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild } from './child-server.js';
import { BENCH_BODY, BENCH_KEY, gatewayChild, sequential, type Target } from './gateway-load.js';
import type { RequestOutcome } from '../src/audit/request-outcome.js';
import { createGatewayMetrics } from '../src/metrics/index.js';
import { createTracing, type Tracing } from '../src/telemetry/index.js';
import { fmt, percentile, processCpuSeconds, table } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const LEAN = 'privacy:\n  detect: []\n  cloud: allow\naudit:\n  enabled: false\n';

export async function run(): Promise<void> {
  console.log('\n## Metrics and tracing on vs off (lean gateway, loopback stand-in upstream)\n');
  const upstream = await startChild(['--import', 'tsx', join(root, 'bench/serve-stand-in.ts')]);
  // An OTLP sink in its own process: takes the span batches and answers 200.
  const sink = await startChild(['--import', 'tsx', join(root, 'bench/otlp-sink.ts')]);
  const sinkUrl = sink.url;
  if (process.env.BENCH_IN_PROCESS_ONLY === '1') {
    await inProcess(sinkUrl).finally(() => Promise.all([sink.stop(), upstream.stop()]));
    return;
  }
  const baseline = process.env.BENCH_BASELINE !== undefined;
  const homes = [0, 1, 2, 3, 4, 5].map(() => mkdtempSync(join(tmpdir(), 'flambeau-bench-')));
  const traced = `${LEAN}metrics:\n  enabled: true\ntelemetry:\n  otlp_endpoint: ${sinkUrl}\n  export_interval_ms: 1000\n`;
  // Two identical gateways with both off (an A/A pair): their difference is the bench's own noise.
  const children = [
    await gatewayChild(homes[0] as string, upstream.url, `${LEAN}metrics:\n  enabled: false\n`),
    await gatewayChild(homes[3] as string, upstream.url, `${LEAN}metrics:\n  enabled: false\n`),
    await gatewayChild(homes[1] as string, upstream.url, `${LEAN}metrics:\n  enabled: true\n`),
    await gatewayChild(homes[2] as string, upstream.url, traced),
    // Head sampling at 10%: the other nine requests carry a traceparent upstream but record nothing.
    await gatewayChild(
      homes[4] as string,
      upstream.url,
      `${LEAN}metrics:\n  enabled: true\ntelemetry:\n  otlp_endpoint: ${sinkUrl}\n  export_interval_ms: 1000\n  sample_ratio: 0.1\n`,
    ),
    // BENCH_BASELINE=DIR: the same traced gateway from another build, in the same rounds.
    ...(baseline ? [await gatewayChild(homes[5] as string, upstream.url, traced, { baseline: true })] : []),
  ];
  const names = ['off', 'off-again', 'metrics', 'traced', 'sampled', ...(baseline ? ['traced-baseline'] : [])];
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
    const labels: Record<string, string> = {
      'off-again': 'off (A/A)',
      metrics: 'metrics on',
      traced: 'metrics + tracing',
      sampled: '+ tracing at 10%',
      'traced-baseline': 'metrics + tracing (baseline build)',
    };
    const others = names.slice(1);
    table(
      ['measure', 'both off', ...others.flatMap((name) => [labels[name] ?? name, 'added'])],
      [
        ...[50, 99].map((p) => [`latency p${p} (ms)`, fmt(lat('off', p)), ...others.flatMap((name) => [fmt(lat(name, p)), added(name, p)])]),
        ['gateway CPU per request (µs)', fmt(cpuPer(0), 0), ...others.flatMap((_, j) => [fmt(cpuPer(j + 1), 0), `${fmt(cpuPer(j + 1) - cpuPer(0), 0)} µs`])],
      ],
    );
    const scrape = await targets[2]?.pool.request({ method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${BENCH_KEY}` } });
    const exposition = (await scrape?.body.text()) ?? '';
    const samples = exposition.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    console.log(`scrape after the run: ${exposition.length} bytes, ${samples} samples (target: metrics and tracing add p50 ≤ 30 µs)`);
    console.log('');
    await inProcess(sinkUrl);
  } finally {
    await Promise.all(targets.map((t) => t.pool.close()));
    await Promise.all(children.map((c) => c.stop()));
    await upstream.stop();
    await sink.stop();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  }
}

/** A request's outcome as the lean bench's requests end (known model, usage, cost). */
const OUTCOME: RequestOutcome = {
  requestId: 'r',
  startedAt: 0,
  principal: null,
  claimedKeyId: null,
  endpoint: '/v1/chat/completions',
  endpointKnown: true,
  model: 'bench',
  modelKnown: true,
  route: 'default',
  provider: 'upstream',
  upstreamModel: 'bench-upstream',
  locality: 'cloud',
  privacy: { action: 'allow', findings: {} },
  status: 200,
  errorCode: null,
  usage: { inputTokens: 12, outputTokens: 10, estimated: false },
  costUsd: 0.0000052,
  heldUsd: null,
  latencyMs: 2.3,
  escalation: null,
  log: { ttftMs: null, streamed: false },
};

/**
 * The same costs in this process, CPU time per request (process.cpuUsage), less exposed to the
 * machine's load than latencies across processes: counting one outcome, and one request's trace
 * as the gateway opens it (request span, four stages, one attempt with its traceparent), exported
 * with OTLP/HTTP to the sink (another process: the export's CPU here is the encoding and the
 * POST). "In the request" is the wall time of the calls the request itself makes (the encoding
 * and the export run on later ticks).
 */
async function inProcess(sinkUrl: string): Promise<void> {
  const n = Number(process.env.BENCH_IN_PROCESS_REQUESTS ?? 20_000);
  const cpuPer = async (work: (i: number) => void, after: () => Promise<void> = async () => undefined): Promise<[number, number]> => {
    const c0 = process.cpuUsage();
    let inRequest = 0;
    for (let i = 0; i < n; i += 200) {
      const t0 = performance.now();
      for (let j = i; j < i + 200; j++) work(j);
      inRequest += performance.now() - t0;
      await new Promise<void>((resolve) => setImmediate(resolve)); // let exports run, as between requests
    }
    await after();
    const c = process.cpuUsage(c0);
    return [(c.user + c.system) / n, (inRequest * 1000) / n];
  };
  const metrics = createGatewayMetrics({ breakers: () => [], engine: () => [], budgets: async () => [] }, { user: 'flag', document: 'flag', tool: 'flag' });
  const traced = (tracing: Tracing) => () => {
    const trace = tracing.startRequest('POST /v1/chat/completions', undefined, { 'http.request.method': 'POST', 'http.route': '/v1/chat/completions' });
    if (trace.sampled) for (const stage of ['flambeau.retrieve', 'flambeau.injection', 'flambeau.privacy', 'flambeau.route']) trace.child(stage).end();
    const attempt = trace.child(
      'chat bench-upstream',
      { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'upstream', 'gen_ai.request.model': 'bench-upstream', 'flambeau.attempt': 1 },
      'client',
    );
    attempt.traceparent();
    attempt.end();
    if (trace.sampled) {
      trace.root.set({
        'http.response.status_code': 200,
        'gen_ai.request.model': 'bench',
        'gen_ai.provider.name': 'upstream',
        'gen_ai.response.model': 'bench-upstream',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 10,
        'flambeau.route': 'default',
        'flambeau.locality': 'cloud',
        'flambeau.cost_usd': 0.0000052,
      });
    }
    trace.root.end();
  };
  // Wait for the pending exports: their CPU is part of the cost.
  const flushed = () => new Promise<void>((resolve) => setTimeout(resolve, 1100));
  const variants: { name: string; work: () => void; after?: () => Promise<void>; tracing?: Tracing }[] = [
    { name: 'count the outcome (metrics)', work: () => metrics.observeRequest(OUTCOME) },
  ];
  for (const ratio of [1, 0.1]) {
    const tracing = createTracing({ endpoint: sinkUrl, serviceVersion: 'bench', exportIntervalMs: 1000, sampleRatio: ratio });
    variants.push({ name: `trace the request, sampled ${ratio * 100}% (spans + OTLP export)`, work: traced(tracing), after: flushed, tracing });
  }
  // The spans and their protobuf encoding, without the HTTP export: a sender that drops each batch.
  const dropping = createTracing({ endpoint: sinkUrl, serviceVersion: 'bench', exportIntervalMs: 1000, send: async () => undefined });
  variants.push({ name: 'trace the request, sampled 100%, spans + encoding (no HTTP)', work: traced(dropping), after: flushed, tracing: dropping });
  // Rounds whose order rotates (the machine's load drifts): each variant's median and range.
  const rounds = Number(process.env.BENCH_IN_PROCESS_ROUNDS ?? 3);
  const seen = variants.map(() => [] as [number, number][]);
  for (const v of variants) for (let i = 0; i < 2000; i++) v.work(); // warm-up
  await flushed();
  for (let r = 0; r < rounds; r++)
    for (let j = 0; j < variants.length; j++) {
      const k = (r + j) % variants.length;
      const v = variants[k] as (typeof variants)[number];
      seen[k]?.push(await cpuPer(v.work, v.after));
    }
  for (const v of variants) await v.tracing?.shutdown();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const spread = (xs: number[]) => `${fmt(median(xs), 1)} (${fmt(Math.min(...xs), 1)}–${fmt(Math.max(...xs), 1)})`;
  const rows = variants.map((v, k) => [v.name, spread((seen[k] ?? []).map((x) => x[0])), spread((seen[k] ?? []).map((x) => x[1]))]);
  table([`in-process, per request (median and range of ${rounds} rounds)`, 'CPU (µs)', 'in the request (µs, wall)'], rows);
}
