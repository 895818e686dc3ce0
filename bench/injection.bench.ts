/**
 * Prompt-injection detector benchmark:
 * 1. Detection: balanced accuracy, precision, recall and false-positive rate, overall and per
 *    source and language, of the full detector (model + signals) and of a rules-only baseline (the
 *    same signals alone: flagged when any fires), on
 *    - the validation part of the public pool (whole origins held out from training; needs
 *      ../shared/data/injection/train.jsonl.gz, skipped with a note when absent), and
 *    - flambeau's hand-written FR/EN held-out sets with hard negatives (in the repo; the blind
 *      ones were written before the training data they were measured against, and their rows
 *      were never inspected), the held-out hard negatives (316 benign rows, round 3), and the
 *      held-out part of the pinned npm packages' docs (benign; round 6; skipped without node_modules).
 *    Targets (issue 15), at the shipped threshold 0.5: recall >= 60%, FPR <= 3% on benign text and
 *    <= 5% on benign hard negatives (the "benign hard negatives alone" row).
 * 2. Cost: KB scanned per CPU millisecond (and µs of CPU per KB: target <= 50) on one core, from 1 KB to 1 MB of benign mail text (it
 *    should stay flat as size grows), and the one-off cost of loading the weights.
 * Run alone: `node --import tsx bench/injection.bench.ts [--weights FILE] [--no-speed]`, or through `npm run bench`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { collectSignals } from '../src/injection/collect-signals.js';
import { BLIND_2_HELDOUT_PATH, BLIND_HELDOUT_PATH, HANDWRITTEN_HELDOUT_PATH, loadInjectionModel } from '../src/injection/load-injection-model.js';
import { createInjectionScanner, type InjectionScanner } from '../src/injection/scan-injection.js';
import { decodeInjectionModel } from '../src/injection/injection-weights-wire.js';
import { figureTable, formatFigures } from '../src/injection/training/evaluate-injection.js';
import { heldoutHardNegatives } from '../src/injection/training/heldout-hard-negatives.js';
import { dedupeRows, loadOwnRows, loadPoolRows, type InjectionRow } from '../src/injection/training/injection-rows.js';
import { splitByOrigin } from '../src/injection/training/split-by-origin.js';
import { packageDocRows } from '../src/injection/training/package-docs.js';
import { loadPackageDocCorpus } from '../scripts/injection-package-docs.js';
import { mailText } from './injection-speed.js';

const POOL = join(fileURLToPath(new URL('..', import.meta.url)), '..', 'shared', 'data', 'injection', 'train.jsonl.gz');
const THRESHOLD = 0.5;

function compare(title: string, rows: InjectionRow[], scanner: InjectionScanner): void {
  console.log(`\n${title} (${rows.length} rows, ${rows.filter((r) => r.label === 1).length} attacks)`);
  console.log('  detector (model + signals):');
  console.log(
    indent(
      formatFigures(
        figureTable(
          rows,
          rows.map((r) => scanner.scan(r.text, r.channel).flagged),
        ),
      ),
    ),
  );
  console.log('  rules-only baseline (any signal):');
  console.log(
    indent(
      formatFigures(
        figureTable(
          rows,
          rows.map((r) => collectSignals(r.text, { threshold: THRESHOLD }).signals.length > 0),
        ),
      ),
    ),
  );
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

function throughput(scanner: InjectionScanner, bytes: number): { kbPerCpuMs: number; msPerScan: number } {
  const texts = [0, 1, 2].map((s) => mailText(bytes, s));
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    let runs = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    while (performance.now() - t0 < 300 || runs < 2) scanner.scan(texts[runs++ % texts.length] as string, 'document');
    const cpu = process.cpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000 / runs);
    wallMs.push((performance.now() - t0) / runs);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;
  return { kbPerCpuMs: bytes / 1024 / median(cpuMs), msPerScan: median(wallMs) };
}

/** `weights`: another weights file than the shipped one (training experiments); `speed: false` skips the cost part. */
export async function run(options: { weights?: string; speed?: boolean } = {}): Promise<void> {
  const t0 = performance.now();
  const model = options.weights === undefined ? loadInjectionModel() : decodeInjectionModel(readFileSync(options.weights, 'utf8'));
  console.log(`\ninjection: weights loaded in ${(performance.now() - t0).toFixed(0)} ms (once per process, on the first scan)`);
  const scanner = createInjectionScanner({ loadModel: () => model, threshold: THRESHOLD });
  if (existsSync(POOL)) compare('validation part of the public pool (origins held out from training)', splitByOrigin(loadPoolRows(POOL)).validation, scanner);
  else console.log(`\n(no ${POOL}: the validation part of the public pool is skipped)`);
  compare(
    'hand-written FR/EN held-out set, with hard negatives (read while writing the training data)',
    loadOwnRows(HANDWRITTEN_HELDOUT_PATH, 'flambeau:handwritten'),
    scanner,
  );
  compare('blind hand-written FR/EN held-out set (written after round 1, totals only ever read)', loadOwnRows(BLIND_HELDOUT_PATH, 'flambeau:blind'), scanner);
  compare(
    'second blind FR/EN held-out set (written before round 2 data and calibration, totals only ever read)',
    loadOwnRows(BLIND_2_HELDOUT_PATH, 'flambeau:blind-2'),
    scanner,
  );
  compare('held-out hard negatives (benign only; round 3, never trained or calibrated on)', heldoutHardNegatives(), scanner);
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (existsSync(join(root, 'node_modules')))
    compare(
      "pinned packages' docs, held-out packages (benign only; round 6, never trained or calibrated on)",
      dedupeRows(packageDocRows((await loadPackageDocCorpus(root)).parts.heldout, 20250315 + 8)),
      scanner,
    );
  else console.log('\n(no node_modules: the held-out package docs are skipped)');
  if (options.speed === false) return;

  console.log('\ninjection: scan cost on benign FR/EN mail text, source document, one core (median of 5 rounds)');
  const rates: number[] = [];
  for (const [label, bytes] of [
    ['1 KB', 1024],
    ['10 KB', 10 * 1024],
    ['100 KB', 100 * 1024],
    ['1 MB', 1024 * 1024],
  ] as const) {
    const r = throughput(scanner, bytes);
    rates.push(r.kbPerCpuMs);
    console.log(
      `  ${label.padEnd(7)} ${r.kbPerCpuMs.toFixed(2).padStart(6)} KB per CPU ms = ${(1000 / r.kbPerCpuMs).toFixed(1).padStart(5)} µs of CPU per KB (target ≤ 50)  (${r.msPerScan.toFixed(2)} ms per scan, wall)`,
    );
  }
  console.log(`  1 MB vs 10 KB: ${((rates[3] as number) / (rates[1] as number)).toFixed(2)}x the rate (about 1 when the scan is linear)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { weights: { type: 'string' }, 'no-speed': { type: 'boolean', default: false } } });
  await run({ ...(values.weights === undefined ? {} : { weights: values.weights }), speed: !values['no-speed'] });
}
