/**
 * Scan throughput of two builds of the privacy domain, each measured in its own processes, the
 * processes alternating (A B A B ...): on a shared, loaded machine absolute rates move by tens of
 * percent from minute to minute, the ratio of two builds measured turn by turn much less. Two
 * builds are not loaded in one process: their tables and compiled code would share the CPU caches
 * and each would be measured slower than it runs alone.
 *
 *   npm run build && cp -r dist /tmp/fb/dist-before     (on the old code; /tmp/fb needs
 *                                                       package.json and a node_modules link)
 *   npm run build && node --import tsx bench/privacy-before-after.ts /tmp/fb/dist-before [--detector tagger]
 *
 * Not a `.bench.ts` file: `npm run bench` does not run it (it needs a second build).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { textsOf } from './privacy.bench.js';

type PrivacyModule = typeof import('../src/privacy/index.js');

const SIZES = [
  ['1 KB', 1024, 64],
  ['10 KB', 10 * 1024, 32],
  ['100 KB', 100 * 1024, 16],
  ['1 MB', 1024 * 1024, 4],
] as const;

/** The whole scan of a build, or one of its detectors. */
async function load(dist: string, detector: string | undefined): Promise<(text: string) => unknown> {
  const mod = (await import(pathToFileURL(resolve(dist, 'privacy/index.js')).href)) as PrivacyModule;
  const config = mod.privacyConfigSchema.parse({});
  if (detector !== undefined) {
    const found = mod.detectorsFor(config).find((d) => d.name === detector);
    if (found === undefined) throw new Error(`no detector named ${detector}`);
    return (text) => found.detect(text);
  }
  const guard = mod.createPrivacyGuard(config);
  return (text) => guard.scanText(text);
}

/** CPU microseconds per scan over one round of about `ms` milliseconds. */
function round(scan: (text: string) => unknown, texts: string[], ms: number, offset: number): number {
  let runs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ms || runs < 2) {
    scan(texts[(offset + runs) % texts.length]!);
    runs++;
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / runs;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** In a child: MB per CPU second of one build at each size (median of 7 rounds after warming), as JSON. */
async function child(dist: string, detector: string | undefined): Promise<void> {
  const scan = await load(dist, detector);
  const rates: number[] = [];
  // Largest first, after 3 s of warming on mixed sizes: on a loaded machine the optimising
  // compiler's threads get little CPU, and the first seconds of a process run far slower.
  const warm = [...textsOf(100 * 1024, 4), ...textsOf(1024, 64)];
  for (const t0 = performance.now(); performance.now() - t0 < 3000;) round(scan, warm, 100, 0);
  for (let k = SIZES.length - 1; k >= 0; k--) {
    const [, bytes, count] = SIZES[k]!;
    const texts = textsOf(bytes, count);
    const until = performance.now() + 4000;
    for (
      let last = round(scan, texts, 250, 0), now = round(scan, texts, 250, 7);
      Math.abs(now - last) > 0.05 * last && performance.now() < until;
      last = now, now = round(scan, texts, 250, 3)
    );
    const us = Array.from({ length: 7 }, (_, r) => round(scan, texts, 150, r));
    rates[k] = bytes / 1_048_576 / (median(us) / 1e6);
  }
  process.stdout.write(JSON.stringify(rates));
}

const args = process.argv.slice(2);
const flag = args.indexOf('--detector');
const detector = flag === -1 ? undefined : args.splice(flag, 2)[1];
if (args[0] === '--child') {
  await child(args[1]!, detector);
} else {
  const before = args[0];
  if (before === undefined) {
    console.error('usage: node --import tsx bench/privacy-before-after.ts DIST_BEFORE [DIST_AFTER=dist] [--detector NAME]');
    process.exit(2);
  }
  const after = args[1] ?? fileURLToPath(new URL('../dist', import.meta.url));
  const pairs = Number(process.env.PAIRS ?? 4);
  const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `privacy ${detector ?? 'scan'}: before (${before}) vs after (${after}), MB per CPU second, ${pairs} process pairs alternating; load average ${loadavg()}`,
  );
  const runs: Record<'before' | 'after', number[][]> = { before: [], after: [] };
  const self = fileURLToPath(import.meta.url);
  for (let p = 0; p < pairs; p++) {
    for (const which of p % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', self, '--child', which === 'before' ? before : after, ...(detector === undefined ? [] : ['--detector', detector])],
        {
          encoding: 'utf8',
        },
      );
      runs[which].push(JSON.parse(out) as number[]);
    }
  }
  SIZES.forEach(([label], k) => {
    const b = runs.before.map((r) => r[k]!);
    const a = runs.after.map((r) => r[k]!);
    const ratios = a.map((v, i) => v / b[i]!);
    console.log(
      `  ${label.padEnd(7)} before ${median(b).toFixed(1).padStart(5)} MB/s   after ${median(a).toFixed(1).padStart(5)} MB/s   after/before ${(median(a) / median(b)).toFixed(2)}x (pairs ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
    );
  });
  console.log(`  load average at the end ${loadavg()}`);
}
