#!/usr/bin/env node
/**
 * Regenerates the shipped weights of the prompt-injection detector, deterministically:
 *
 *   npm run train:injection -- [--data FILE] [--out FILE] [--seed N] [--l2 X] [--all]
 *
 * - Reads the public pool (default ../shared/data/injection/train.jsonl.gz; see its README for
 *   sources and licences) and adds flambeau's own rows generated from src/injection/data/ (seeded).
 * - Holds out whole origins for validation (src/injection/training/split-by-origin.ts).
 * - Fits on the rest, writes src/injection/injection-weights.json, and prints the figures of the
 *   full detector (model + signals) on the validation part and on the hand-written held-out
 *   sets (src/injection/data/heldout-*.jsonl, never used for training).
 *
 * `--all` fits on the validation origins too; the validation table is then no longer a fair estimate.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeInjectionModel, encodeInjectionModel } from '../src/injection/injection-weights-wire.js';
import { BLIND_HELDOUT_PATH, HANDWRITTEN_HELDOUT_PATH, SHIPPED_INJECTION_WEIGHTS } from '../src/injection/load-injection-model.js';
import { createInjectionScanner } from '../src/injection/scan-injection.js';
import { figureTable, formatFigures } from '../src/injection/training/evaluate-injection.js';
import { generateOwnRows } from '../src/injection/training/generate-own-rows.js';
import { dedupeRows, loadOwnRows, loadPoolRows, type InjectionRow } from '../src/injection/training/injection-rows.js';
import { splitByOrigin } from '../src/injection/training/split-by-origin.js';
import { trainInjectionModel } from '../src/injection/training/train-injection-model.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const NOTICE =
  'Trained on public prompt-injection and benign prompt sets (MIT, Apache-2.0, CC-BY-4.0; list and licences in ' +
  'docs/decisions/0006-injection-detector.md) and on text written for flambeau.';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(root, '..', 'shared', 'data', 'injection', 'train.jsonl.gz') },
    out: { type: 'string', default: SHIPPED_INJECTION_WEIGHTS },
    seed: { type: 'string', default: '20250315' },
    l2: { type: 'string' },
    all: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const pool = loadPoolRows(values.data);
const own = generateOwnRows(seed);
const rows = dedupeRows([...pool, ...own]);
const { train, validation } = splitByOrigin(rows);
const heldout = loadOwnRows(HANDWRITTEN_HELDOUT_PATH, 'flambeau:handwritten');
console.log(
  `pool ${pool.length} rows, generated ${own.length}, after dedupe ${rows.length}: training ${train.length}, validation ${validation.length}; hand-written held-out ${heldout.length}`,
);

const started = Date.now();
const fitted = trainInjectionModel(values.all ? rows : train, values.l2 === undefined ? {} : { l2: Number(values.l2) }, {
  seed,
  trainedOn: values.all ? 'all rows' : 'training part',
  rows: values.all ? rows.length : train.length,
});
console.log(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const text = encodeInjectionModel(fitted, NOTICE);
writeFileSync(values.out, text);
console.log(`wrote ${values.out} (${(text.length / 1024).toFixed(0)} KiB)`);

// Score with the weights as written (quantised), exactly as the gateway will.
const model = decodeInjectionModel(text);
const scanner = createInjectionScanner({ loadModel: () => model, threshold: 0.5 });
const report = (title: string, set: InjectionRow[]) => {
  console.log(`\n${title}`);
  console.log(
    formatFigures(
      figureTable(
        set,
        set.map((r) => scanner.scan(r.text, r.channel).flagged),
      ),
    ),
  );
};
report('validation part (held-out origins)', validation);
report('hand-written held-out set', heldout);
report('blind hand-written held-out set', loadOwnRows(BLIND_HELDOUT_PATH, 'flambeau:blind'));
