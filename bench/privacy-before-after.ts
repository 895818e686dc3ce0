/**
 * Scan throughput of two builds of the privacy domain, measured in one process with their rounds
 * interleaved (A B A B ...): on a shared, loaded machine, absolute rates move by tens of percent
 * from minute to minute, the ratio of two builds measured side by side much less.
 *
 *   npm run build && cp -r dist /tmp/dist-before     (on the old code)
 *   npm run build && node --import tsx bench/privacy-before-after.ts /tmp/dist-before [--detector tagger]
 *
 * The old build needs node_modules and package.json beside it (a symlink and a copy will do).
 *
 * Not a `.bench.ts` file: `npm run bench` does not run it (it needs a second build).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { textsOf } from './privacy.bench.js';

type PrivacyModule = typeof import('../src/privacy/index.js');

/** The whole scan of a build, or one of its detectors (`--detector NAME`). */
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

const rounds = Number(process.env.ROUNDS ?? 15);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const args = process.argv.slice(2);
const flag = args.indexOf('--detector');
const detector = flag === -1 ? undefined : args.splice(flag, 2)[1];
const before = args[0];
if (before === undefined) {
  console.error('usage: node --import tsx bench/privacy-before-after.ts DIST_BEFORE [DIST_AFTER=dist] [--detector NAME]');
  process.exit(2);
}
const after = args[1] ?? new URL('../dist', import.meta.url).pathname;
const scans = { before: await load(before, detector), after: await load(after, detector) };
const load1 = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`privacy ${detector ?? 'scan'}, before (${before}) vs after (${after}), MB per CPU second, median of interleaved rounds; load average ${load1()}`);
const sizes = [
  ['1 KB', 1024, 64],
  ['10 KB', 10 * 1024, 32],
  ['100 KB', 100 * 1024, 16],
  ['1 MB', 1024 * 1024, 4],
] as const;
for (const [label, bytes, count] of sizes) {
  const texts = textsOf(bytes, count);
  const mb = bytes / 1_048_576;
  // Warm both builds (JIT, lexicons) until two probes agree or 4 s pass.
  for (const scan of [scans.before, scans.after]) {
    const until = performance.now() + 4000;
    for (
      let last = round(scan, texts, 300, 0), now = round(scan, texts, 300, 7);
      Math.abs(now - last) > 0.05 * last && performance.now() < until;
      last = now, now = round(scan, texts, 300, 3)
    );
  }
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0;
    const x = round(first ? scans.before : scans.after, texts, 200, r);
    const y = round(first ? scans.after : scans.before, texts, 200, r);
    const [tb, ta] = first ? [x, y] : [y, x];
    a.push(tb);
    b.push(ta);
    ratios.push(tb / ta);
  }
  console.log(
    `  ${label.padEnd(7)} before ${(mb / (median(a) / 1e6)).toFixed(1).padStart(5)} MB/s   after ${(mb / (median(b) / 1e6)).toFixed(1).padStart(5)} MB/s   after/before ${median(ratios).toFixed(2)}x (rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; best rounds ${(mb / (Math.min(...a) / 1e6)).toFixed(1)} → ${(mb / (Math.min(...b) / 1e6)).toFixed(1)} MB/s, ${(Math.min(...a) / Math.min(...b)).toFixed(2)}x)`,
  );
}
console.log(`  load average at the end ${load1()}`);
