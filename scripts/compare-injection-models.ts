#!/usr/bin/env node
/**
 * Experiment (decision 0006, round 5): the linear window model against a fastText-style dense one, on the
 * TUNING part only (training origins left out of the fit; the held-out origins are never read
 * here). Both are calibrated the way the trainer does it (per-source bias so that 1% of the benign
 * calibration rows are flagged) and compared by recall at the calibrated point and at 1/2/3% of
 * the tuning part's benign rows, with the tuning hard negatives' FPR at each point.
 *
 *   npm run train:injection -- --tune --out /tmp/linear-tune.json       # the linear model, same training part
 *   node --import tsx scripts/compare-injection-models.ts --linear /tmp/linear-tune.json [--residual] [--hash-bits 17] [--dim 8]
 *        [--hidden 16] [--epochs 2] [--rounds 1] [--average 8] [--mix 0.5] [--model-seed N] [--seed N (data, as the trainer's)]
 *
 * Figures and verdict: docs/decisions/0006-injection-detector.md, round 5.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectSignals } from '../src/injection/collect-signals.js';
import { codesOf, createFeaturizer, DEFAULT_FEATURIZER, type FeaturizerSettings } from '../src/injection/featurize-window.js';
import { windowLogit } from '../src/injection/injection-model.js';
import { INJECTION_SOURCES, type InjectionSource } from '../src/injection/injection-sources.js';
import { decodeInjectionModel } from '../src/injection/injection-weights-wire.js';
import { normalizeForModel } from '../src/injection/normalize-text.js';
import { SIGNAL_LOGIT, type SignalKind } from '../src/injection/signals/injection-signal.js';
import { planWindows } from '../src/injection/text-windows.js';
import { calibrateSourceBias } from '../src/injection/training/calibrate-source-bias.js';
import { createDenseModel, DEFAULT_DENSE_OPTIONS, denseInstance, denseLogit, fitDense, type DenseInstance } from '../src/injection/training/fit-dense.js';
import { generateBenignRows } from '../src/injection/training/generate-benign-rows.js';
import { generateHardNegativeRows } from '../src/injection/training/generate-hard-negative-rows.js';
import { generateOwnRows } from '../src/injection/training/generate-own-rows.js';
import { generateRound4Rows } from '../src/injection/training/generate-round4-rows.js';
import { dedupeRows, loadPoolRows, type InjectionRow } from '../src/injection/training/injection-rows.js';
import { splitByOrigin, TUNING_ORIGINS } from '../src/injection/training/split-by-origin.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(root, '..', 'shared', 'data', 'injection', 'train.jsonl.gz') },
    seed: { type: 'string', default: '20250315' },
    // The dense model's own seed (initial table, order of instances); the data keep `--seed`.
    'model-seed': { type: 'string' },
    linear: { type: 'string' },
    'hash-bits': { type: 'string', default: '16' },
    dim: { type: 'string', default: '16' },
    hidden: { type: 'string', default: '16' },
    epochs: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
    'table-rate': { type: 'string' },
    'dense-rate': { type: 'string' },
    l2: { type: 'string' },
    // Average this many snapshots of the last epoch (Polyak-style) instead of keeping the last iterate.
    average: { type: 'string', default: '0' },
    mix: { type: 'string' },
    save: { type: 'string' },
    // Fit the dense model on top of the linear one (its window logit as a fixed offset); score = linear + dense.
    residual: { type: 'boolean', default: false },
    // Only report the linear file (no dense fit).
    'linear-only': { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const pool = loadPoolRows(values.data);
const own = [...generateOwnRows(seed), ...generateBenignRows(seed + 1, 'train'), ...generateHardNegativeRows(seed + 3), ...generateRound4Rows(seed + 4)];
const rows = dedupeRows([...pool, ...own]);
const tuning = splitByOrigin(splitByOrigin(rows).train, TUNING_ORIGINS);
const train = tuning.train;
const tune = tuning.validation;
const calibration = dedupeRows(generateBenignRows(seed + 2, 'calibration', 0.5));
console.log(`training ${train.length}, tuning ${tune.length} (${tune.filter((r) => r.label === 1).length} attacks), calibration ${calibration.length}`);

/** Windows of a row, as sorted bucket lists. */
function windowsOf(settings: FeaturizerSettings, row: InjectionRow, maxWindows: number): Int32Array[] {
  const featurizer = createFeaturizer(settings);
  const text = normalizeForModel(row.text);
  const plan = planWindows(text.length, settings.windowChars, settings.strideChars, maxWindows);
  const features = featurizer.read(codesOf(text), text.length);
  return plan.windows.map((w) => features.window(w.start, w.end));
}

/** Signal logit per row (rules only: hidden or encoded text is not read by a model here). */
const boostOf = (row: InjectionRow): number => {
  const kinds = new Set<SignalKind>(collectSignals(row.text, { threshold: 0.5 }).signals.map((s) => s.kind));
  let boost = 0;
  for (const k of kinds) boost += SIGNAL_LOGIT[k][row.channel];
  return boost;
};
const evalRows = [...tune, ...calibration];
const boosts = evalRows.map(boostOf);

interface Scored {
  name: string;
  logits: number[];
}

function report({ name, logits }: Scored): void {
  const tuneLogits = logits.slice(0, tune.length);
  const calLogits = logits.slice(tune.length);
  const cal = calibrateSourceBias(calibration, (r) => calLogits[calibration.indexOf(r)] as number, 0.01);
  const final = tuneLogits.map((l, i) => l + cal.bias[(tune[i] as InjectionRow).channel]);
  const at = (offset: number) => {
    let tp = 0;
    let fp = 0;
    let hn = 0;
    let hnFp = 0;
    const per: Record<InjectionSource, [number, number, number, number]> = { user: [0, 0, 0, 0], document: [0, 0, 0, 0], tool: [0, 0, 0, 0] };
    tune.forEach((r, i) => {
      const flagged = (final[i] as number) + offset >= 0;
      const p = per[r.channel];
      if (r.label === 1) {
        p[0]++;
        if (flagged) (tp++, p[1]++);
      } else {
        p[2]++;
        if (flagged) (fp++, p[3]++);
        if (r.hardNegative) (hn++, flagged && hnFp++);
      }
    });
    const attacks = tune.filter((r) => r.label === 1).length;
    const benign = tune.length - attacks;
    const perText = INJECTION_SOURCES.map(
      (s) => `${s} ${((100 * per[s][1]) / Math.max(1, per[s][0])).toFixed(1)}/${((100 * per[s][3]) / Math.max(1, per[s][2])).toFixed(1)}`,
    ).join(', ');
    return { recall: tp / attacks, fpr: fp / benign, hn: hnFp / Math.max(1, hn), perText };
  };
  const fmt = (f: ReturnType<typeof at>) =>
    `recall ${(100 * f.recall).toFixed(1)}% FPR ${(100 * f.fpr).toFixed(1)}% hardneg ${(100 * f.hn).toFixed(1)}% (${f.perText})`;
  console.log(`\n== ${name}\n  calibrated (1%): ${fmt(at(0))}  bias ${JSON.stringify(cal.bias)}`);
  // ROC points: the smallest offset-free global cut reaching each FPR on the tuning benign rows.
  const benignFinal = final.filter((_, i) => (tune[i] as InjectionRow).label === 0).sort((a, b) => b - a);
  for (const target of [0.01, 0.02, 0.03, 0.05]) {
    const k = Math.floor(target * benignFinal.length);
    const cut = ((benignFinal[k] as number) + (benignFinal[Math.max(0, k - 1)] as number)) / 2;
    console.log(`  at ${target * 100}% tuning FPR: ${fmt(at(-cut))}`);
  }
}

const started = Date.now();
const results: Scored[] = [];
// Linear baseline: the file trained with `train-injection --tune` (same training part).
if (values.linear !== undefined) {
  const linear = decodeInjectionModel(readFileSync(values.linear, 'utf8'));
  const logits = evalRows.map((r) => Math.max(...windowsOf(linear.featurizer, r, 4096).map((w) => windowLogit(linear, w))));
  results.push({ name: `linear (${values.linear})`, logits: logits.map((l, i) => l + (boosts[i] as number)) });
  report(results[0] as Scored);
}

// Dense model.
if (values['linear-only']) process.exit(0);
const settings: FeaturizerSettings = { ...DEFAULT_FEATURIZER, hashBits: Number(values['hash-bits']) };
const options = {
  ...DEFAULT_DENSE_OPTIONS,
  seed: Number(values['model-seed'] ?? seed),
  dim: Number(values.dim),
  hidden: Number(values.hidden),
  epochs: Number(values.epochs),
  averageSnapshots: Number(values.average),
  ...(values['table-rate'] === undefined ? {} : { tableRate: Number(values['table-rate']) }),
  ...(values['dense-rate'] === undefined ? {} : { denseRate: Number(values['dense-rate']) }),
  ...(values.l2 === undefined ? {} : { l2: Number(values.l2) }),
};
const linearModel = values.linear === undefined ? null : decodeInjectionModel(readFileSync(values.linear, 'utf8'));
const residual = values.residual && linearModel !== null;
const prepared = train.map((r) => ({
  label: r.label,
  windows: windowsOf(settings, r, 12).map(denseInstance),
  offsets: residual && linearModel !== null ? windowsOf(linearModel.featurizer, r, 12).map((w) => windowLogit(linearModel, w)) : [],
}));
console.log(`featurised in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const positives = prepared.filter((r) => r.label === 1).length;
const negatives = prepared.length - positives;
const model = createDenseModel(settings.hashBits, options);
let chosen = prepared.map(() => 0);
for (let round = 0; round <= Number(values.rounds); round++) {
  const instances: DenseInstance[] = [];
  const labels: number[] = [];
  const weights: number[] = [];
  const offsets: number[] = [];
  prepared.forEach((row, r) => {
    if (row.label === 1) {
      offsets.push(row.offsets[chosen[r] as number] ?? 0);
      instances.push(row.windows[chosen[r] as number] as DenseInstance);
      labels.push(1);
      weights.push(prepared.length / (2 * positives));
      return;
    }
    row.windows.forEach((w, i) => {
      offsets.push(row.offsets[i] ?? 0);
      instances.push(w);
      labels.push(0);
      weights.push(prepared.length / (2 * negatives) / row.windows.length);
    });
  });
  fitDense(
    model,
    { instances, labels: Uint8Array.from(labels), weights: Float64Array.from(weights), offsets: Float64Array.from(offsets) },
    { ...options, seed: options.seed + round },
  );
  chosen = prepared.map((row) => {
    if (row.label === 0) return 0;
    let best = 0;
    let bestLogit = Number.NEGATIVE_INFINITY;
    row.windows.forEach((w, i) => {
      const l = denseLogit(model, w) + (row.offsets[i] ?? 0);
      if (l > bestLogit) ((best = i), (bestLogit = l));
    });
    return best;
  });
  console.log(`round ${round} done at ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
// Buckets never seen in training keep their random start: zero them (unseen features add nothing).
const seen = new Uint8Array(2 ** settings.hashBits);
for (const row of prepared) for (const w of row.windows) for (const b of w.buckets) seen[b] = 1;
for (let b = 0; b < seen.length; b++) if (seen[b] === 0) model.table.fill(0, b * model.dim, (b + 1) * model.dim);
if (values.save !== undefined)
  writeFileSync(
    values.save,
    JSON.stringify({
      settings,
      model: {
        ...model,
        table: Array.from(model.table),
        linear: Array.from(model.linear),
        w1: Array.from(model.w1),
        b1: Array.from(model.b1),
        w2: Array.from(model.w2),
      },
    }),
  );
const denseLogits = evalRows.map((r) => {
  const windows = windowsOf(settings, r, 4096);
  const linearWindows = residual && linearModel !== null ? windowsOf(linearModel.featurizer, r, 4096) : [];
  return Math.max(
    ...windows.map(
      (w, i) => denseLogit(model, denseInstance(w)) + (residual && linearModel !== null ? windowLogit(linearModel, linearWindows[i] as Int32Array) : 0),
    ),
  );
});
const dense: Scored = {
  name: `${residual ? 'residual ' : ''}dense bits=${settings.hashBits} dim=${options.dim} hidden=${options.hidden} epochs=${options.epochs}x${Number(values.rounds) + 1} rates=${options.tableRate}/${options.denseRate} l2=${options.l2} avg=${options.averageSnapshots}`,
  logits: denseLogits.map((l, i) => l + (boosts[i] as number)),
};
report(dense);
const linearResult = results[0];
if (linearResult !== undefined) {
  for (const mix of (values.mix ?? '0.5').split(',').map(Number)) {
    report({
      name: `ensemble ${mix} linear + ${1 - mix} dense`,
      logits: denseLogits.map((l, i) => mix * ((linearResult.logits[i] as number) - (boosts[i] as number)) + (1 - mix) * l + (boosts[i] as number)),
    });
  }
}
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
