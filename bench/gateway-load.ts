// Load helpers shared by the gateway benches: one request, interleaved sequential runs, a closed
// loop at a given concurrency, and a gateway child process in front of an upstream.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'undici';
import { startChild } from './child-server.js';
import { processCpuSeconds } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_KEY = 'flm-bench-key-0123456789';
export const BENCH_BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Say something short.' }], max_tokens: 32 });

let asked = 0;
/**
 * A request body whose question is new at every call, as a user's is: the gateway remembers the
 * scans of texts it has seen (a conversation re-sends its history), so a bench that sent one body
 * again and again would measure the remembered path, cheaper than real traffic.
 */
export function freshBody(): string {
  asked += 1;
  return JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: `Say something short about thing ${asked}.` }], max_tokens: 32 });
}

/** The same, asking for a streamed answer. */
export function freshStreamBody(): string {
  asked += 1;
  return JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: `Say something short about thing ${asked}.` }], max_tokens: 32 });
}

/** A body, or where each request gets its own (`freshBody`). */
export type Payload = string | (() => string);

export interface Target {
  name: string;
  pool: Pool;
  path: string;
  headers: Record<string, string>;
}

export async function once(target: Target, payload: Payload): Promise<{ total: number; ttfb: number }> {
  const body = typeof payload === 'string' ? payload : payload();
  const t0 = performance.now();
  const res = await target.pool.request({ method: 'POST', path: target.path, headers: target.headers, body });
  let ttfb = Number.NaN;
  for await (const _chunk of res.body) if (Number.isNaN(ttfb)) ttfb = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${target.name}: HTTP ${res.statusCode}`);
  return { total: performance.now() - t0, ttfb };
}

export async function sequential(targets: Target[], payload: Payload, count: number): Promise<Map<string, { total: number[]; ttfb: number[] }>> {
  const out = new Map(targets.map((t) => [t.name, { total: [] as number[], ttfb: [] as number[] }]));
  for (let i = 0; i < count; i++) {
    // Interleave the targets and rotate which one goes first, so that machine noise and the slot
    // (first after the client's own work, or last) hit every target alike.
    for (let j = 0; j < targets.length; j++) {
      const target = targets[(i + j) % targets.length] as Target;
      const r = await once(target, payload);
      out.get(target.name)?.total.push(r.total);
      out.get(target.name)?.ttfb.push(r.ttfb);
    }
  }
  return out;
}

/**
 * Each target alone, `count` requests back to back (split over `rounds`, whose target order
 * rotates): the latency of a process kept busy, where `sequential`'s interleaving leaves each
 * process idle while the others answer, and an idle process wakes slower (decision 0015, fourth pass).
 */
export async function backToBack(targets: Target[], payload: Payload, count: number, rounds: number): Promise<Map<string, number[]>> {
  const out = new Map(targets.map((t) => [t.name, [] as number[]]));
  const per = Math.max(1, Math.floor(count / rounds));
  for (let round = 0; round < rounds; round++)
    for (let j = 0; j < targets.length; j++) {
      const target = targets[(round + j) % targets.length] as Target;
      for (let i = 0; i < per; i++) out.get(target.name)?.push((await once(target, payload)).total);
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
        await once(target, freshBody);
      }
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

/** Requests/s and CPU µs per request of the process serving a target, summed over rounds. */
export interface Closed {
  rps: number;
  cpuUsPerRequest: number;
}

/**
 * A closed loop at `concurrency` on each target, in `rounds` short rounds whose order rotates, so
 * that a burst of load from the rest of the machine is shared by all targets. `pids` names the
 * process whose CPU time (user + system, what `process.cpuUsage()` reports inside it) is charged
 * to each target.
 */
export async function interleavedThroughput(
  targets: Target[],
  pids: Map<string, number>,
  concurrency: number,
  count: number,
  rounds: number,
): Promise<Map<string, Closed>> {
  const sums = new Map(targets.map((t) => [t.name, { seconds: 0, cpu: 0, n: 0 }]));
  const per = Math.max(1, Math.floor(count / rounds));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < targets.length; j++) {
      const target = targets[(r + j) % targets.length] as Target;
      const pid = pids.get(target.name);
      const c0 = pid === undefined ? 0 : await processCpuSeconds(pid);
      const t0 = performance.now();
      await throughput(target, concurrency, per);
      const seconds = (performance.now() - t0) / 1000;
      const c1 = pid === undefined ? 0 : await processCpuSeconds(pid);
      const sum = sums.get(target.name) as { seconds: number; cpu: number; n: number };
      sum.seconds += seconds;
      sum.cpu += c1 - c0;
      sum.n += per;
    }
  }
  return new Map([...sums].map(([name, s]) => [name, { rps: s.n / s.seconds, cpuUsPerRequest: (s.cpu / s.n) * 1e6 }]));
}

/**
 * A gateway child serving model `bench` from `upstreamUrl`, with `extra` YAML appended to its
 * config. `BENCH_CPU_PROF=DIR` runs it under `node --cpu-prof` (a `.cpuprofile` per gateway in DIR,
 * written when the bench stops it); `BENCH_BASELINE=DIR` runs `DIR/dist/cli/main.js` instead for
 * the children started with `baseline: true` (another build of flambeau, measured in the same run).
 * `env`: more environment for the child (a store URL, say).
 */
export async function gatewayChild(
  home: string,
  upstreamUrl: string,
  extra: string,
  options: { baseline?: boolean; env?: Record<string, string> } = {},
): Promise<Awaited<ReturnType<typeof startChild>>> {
  const config = join(home, 'flambeau.yaml');
  writeFileSync(
    config,
    `providers:\n  - id: upstream\n    type: openai-compatible\n    base_url: ${upstreamUrl}/v1\n    locality: cloud\nmodels:\n  - name: bench\n    provider: upstream\n    model: bench-upstream\n    price: { input_per_mtok: 0.1, output_per_mtok: 0.4 }\nrouting:\n  health_interval_ms: 0\n${extra}`,
  );
  const profile = process.env.BENCH_CPU_PROF;
  const main =
    options.baseline === true && process.env.BENCH_BASELINE !== undefined
      ? join(process.env.BENCH_BASELINE, 'dist/cli/main.js')
      : join(root, 'dist/cli/main.js');
  const flags = profile === undefined || profile === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
  return startChild([...flags, main, 'serve', '--config', config, '--home', home, '--port', '0'], {
    FLAMBEAU_MASTER_KEY: BENCH_KEY,
    FLAMBEAU_LOG_LEVEL: 'error',
    ...options.env,
  });
}
