#!/usr/bin/env node
/**
 * Regenerates the shipped weights of the routing complexity scorer, deterministically:
 *
 *   node --import tsx scripts/train-router.ts [--data FILE] [--out FILE] [--tune] [--all]
 *
 * - Reads the RouteLLM-derived rows (default ../shared/data/routing/train.jsonl.gz).
 * - Splits them (hash of id, 20% per bench) into a training and a validation part.
 * - Fits on the training part with DEFAULT_TRAIN_OPTIONS (chosen by 5-fold cross-validation on
 *   the training part; `--tune` reruns a search over that grid: about 45 minutes on 2 cores).
 * - Writes src/router/complexity/complexity-weights.json and prints the validation table.
 *
 * `--all` fits on every row instead; the validation table is then no longer a fair estimate.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeComplexityModel, encodeComplexityModel } from '../src/router/complexity/complexity-weights-wire.js';
import { evaluateScores } from '../src/router/complexity/evaluate-scores.js';
import { createComplexityScorer, SHIPPED_WEIGHTS_PATH } from '../src/router/complexity/load-complexity-scorer.js';
import { loadRoutingRows } from '../src/router/complexity/load-routing-rows.js';
import { formatRouterEvaluation } from '../src/router/complexity/router-eval-report.js';
import type { RoutingRow } from '../src/router/complexity/routing-rows-wire.js';
import { splitRows } from '../src/router/complexity/split-rows.js';
import { trainComplexityModel, type TrainComplexityOptions } from '../src/router/complexity/train-complexity-model.js';
import { tuneComplexityOptions, type TuneGrid } from '../src/router/complexity/tune-complexity-options.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const NOTICE =
  'Derived from per-prompt results published by the RouteLLM project (lm-sys/RouteLLM), ' + 'Apache-2.0: see NOTICE and LICENSE-RouteLLM beside this file.';

/** The MMLU subject whose strong-model labels are an artefact (answers scored wrong for their prose). */
const ARTEFACT_SUBJECT = 'high_school_mathematics';

function printEvaluation(title: string, rows: readonly RoutingRow[], scores: readonly number[]): void {
  console.log(`\n${title}`);
  console.log(formatRouterEvaluation(evaluateScores(rows, scores)));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: join(root, '..', 'shared', 'data', 'routing', 'train.jsonl.gz') },
      out: { type: 'string', default: SHIPPED_WEIGHTS_PATH },
      tune: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
    },
  });
  const rows = await loadRoutingRows(values.data);
  const { train, validation } = splitRows(rows);
  console.log(`rows ${rows.length}: training part ${train.length}, validation part ${validation.length}`);
  let options: Partial<TrainComplexityOptions> = {};
  if (values.tune) {
    const grid: TuneGrid = { objectives: ['joint', 'gain'], l2: [1e-4, 3e-4, 1e-3, 3e-3], subjectSmoothing: [0, 0.5] };
    const tuned = tuneComplexityOptions(train, grid, 5, {}, (t) =>
      console.log(`cv ${t.kind} ${JSON.stringify(t.part)} apgr ${t.apgr.toFixed(4)} ${JSON.stringify(t.perBench)}`),
    );
    options = { choice: tuned.options.choice, open: tuned.options.open };
    console.log(`tuned: ${JSON.stringify(options)}`);
  }
  const started = Date.now();
  const model = trainComplexityModel(values.all ? rows : train, options);
  console.log(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s on ${values.all ? 'all rows' : 'the training part'}`);
  const text = encodeComplexityModel(model, NOTICE);
  writeFileSync(values.out, text);
  console.log(`wrote ${values.out} (${(text.length / 1024).toFixed(0)} KiB)`);

  // Score with the weights as written (quantised), exactly as `loadComplexityScorer` will.
  const scorer = createComplexityScorer(decodeComplexityModel(text));
  const scores = validation.map((r) => scorer.score(r.prompt));
  printEvaluation('validation part', validation, scores);
  const kept = validation.map((r, i) => ({ r, s: scores[i] ?? 0 })).filter(({ r }) => r.subject !== ARTEFACT_SUBJECT);
  printEvaluation(
    `validation part without ${ARTEFACT_SUBJECT}`,
    kept.map((k) => k.r),
    kept.map((k) => k.s),
  );
}

await main();
