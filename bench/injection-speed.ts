/**
 * Scan cost alone (no detection figures): µs of CPU per KB of benign FR/EN mail text, source
 * document, one core, as bench/injection.bench.ts's `throughput` measures it.
 *
 * `node --import tsx bench/injection-speed.ts [--against DIR | --old-weights FILE] [--source user|document] [--rounds N] [--ms MS] [--sizes 1,10,100,1024]`
 *
 * `--against DIR`: DIR holds another copy of the source tree (e.g. `git archive main src | tar -x -C DIR`,
 * plus a node_modules link); its scanner is measured interleaved with this tree's, in one process,
 * the order alternating each round, after checking that both give the same scans. Prints each
 * round's new/old ratio, then medians. `--old-weights FILE`: this tree's scanner with another weights
 * file as "old" (a weights-only change; scores differ, so they are not compared). For a profile: `node --cpu-prof --import tsx bench/injection-speed.ts`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { PARAGRAPHS } from '../src/injection/data/document-parts.js';
import { INJECTION_SOURCES, type InjectionSource } from '../src/injection/injection-sources.js';
import { decodeInjectionModel } from '../src/injection/injection-weights-wire.js';
import { loadInjectionModel } from '../src/injection/load-injection-model.js';
import { createInjectionScanner, type InjectionScanner, type ScannerOptions } from '../src/injection/scan-injection.js';

/** Benign mail text of `bytes` characters, as the detection bench builds it. */
export function mailText(bytes: number, seed: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const lang = (i + seed) % 3 === 0 ? 'fr' : 'en';
    const p = PARAGRAPHS[lang][(i * 7 + seed) % PARAGRAPHS[lang].length] as string;
    parts.push(`${p} (${i})`);
    size += p.length + 6;
  }
  return parts.join('\n\n').slice(0, bytes);
}

/** Median µs of CPU per KB over `rounds` rounds of at least `ms` ms each. */
function cpuPerKb(scanner: InjectionScanner, texts: readonly string[], bytes: number, ms: number, source: InjectionSource = 'document'): number {
  let runs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ms || runs < 2) scanner.scan(texts[runs++ % texts.length] as string, source);
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / runs / (bytes / 1024);
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      against: { type: 'string' },
      'old-weights': { type: 'string' },
      source: { type: 'string', default: 'document' },
      rounds: { type: 'string', default: '5' },
      ms: { type: 'string', default: '300' },
      sizes: { type: 'string', default: '1,10,100,1024' },
    },
  });
  const model = loadInjectionModel();
  const options: ScannerOptions = { loadModel: () => model, threshold: 0.5 };
  const scanners: { name: string; scanner: InjectionScanner }[] = [{ name: 'new', scanner: createInjectionScanner(options) }];
  if (values.against !== undefined) {
    const other = (await import(pathToFileURL(`${values.against}/src/injection/scan-injection.ts`).href)) as {
      createInjectionScanner: typeof createInjectionScanner;
    };
    scanners.push({ name: 'old', scanner: other.createInjectionScanner(options) });
  }
  const oldWeights = values['old-weights'];
  if (oldWeights !== undefined) {
    const old = decodeInjectionModel(readFileSync(oldWeights, 'utf8'));
    scanners.push({ name: 'old', scanner: createInjectionScanner({ loadModel: () => old, threshold: 0.5 }) });
  }
  const source = values.source as InjectionSource;
  if (!INJECTION_SOURCES.includes(source)) throw new Error(`--source: one of ${INJECTION_SOURCES.join(', ')}`);
  const sizes = (values.sizes ?? '').split(',').map((s) => Number(s) * 1024);
  const rounds = Number(values.rounds);
  const ms = Number(values.ms);
  const texts = new Map(sizes.map((bytes) => [bytes, [0, 1, 2].map((s) => mailText(bytes, s))]));
  for (const list of oldWeights === undefined ? texts.values() : [])
    for (const text of list) {
      const scans = scanners.map((s) => s.scanner.scan(text, 'document'));
      if (!scans.every((s) => isDeepStrictEqual(s, scans[0]))) throw new Error('the scanners disagree on a bench text');
    }
  console.log(
    `injection scan cost, source ${source}, µs of CPU per KB (${rounds} rounds of ${ms} ms per size and scanner; ${scanners.map((s) => s.name).join(' vs ')})`,
  );
  const results = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    const line: string[] = [];
    for (const bytes of sizes) {
      const order = round % 2 === 0 ? scanners : [...scanners].reverse();
      const got = new Map<string, number>();
      for (const { name, scanner } of order) {
        const v = cpuPerKb(scanner, texts.get(bytes) as string[], bytes, ms, source);
        got.set(name, v);
        const key = `${name} ${bytes}`;
        results.set(key, [...(results.get(key) ?? []), v]);
      }
      const ratio = got.has('old') ? ` (${((got.get('new') as number) / (got.get('old') as number)).toFixed(2)})` : '';
      line.push(`${bytes / 1024} KB ${[...got].map(([n, v]) => `${n} ${v.toFixed(1)}`).join(' ')}${ratio}`);
    }
    console.log(`  round ${round + 1}: ${line.join(' | ')}`);
  }
  for (const bytes of sizes) {
    const parts = scanners.map(({ name }) => `${name} ${median(results.get(`${name} ${bytes}`) as number[]).toFixed(1)}`);
    const ratios =
      scanners.length === 2 ? (results.get(`new ${bytes}`) as number[]).map((v, i) => v / ((results.get(`old ${bytes}`) as number[])[i] as number)) : [];
    const ratio =
      ratios.length > 0 ? `  new/old median ${median(ratios).toFixed(2)} (range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : '';
    console.log(`  median ${`${bytes / 1024} KB`.padEnd(7)} ${parts.join('  ')}${ratio}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
