import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { homePaths } from '../../config/home-layout.js';
import { loadConfig } from '../../config/load-config.js';
import { parseSince } from '../../auth/key-options.js';
import {
  createComplexityScorer,
  DEFAULT_FEATURIZER_OPTIONS,
  encodeComplexityModel,
  evaluateScores,
  formatRouterEvaluation,
  loadComplexityScorer,
  loadRoutingRows,
  scoreFeatures,
  trainComplexityModel,
  type ComplexityScorer,
  type Features,
  type RoutingRow,
} from '../../router/complexity/index.js';
import { createShadowStore, shadowTrainingSet } from '../../shadow/index.js';
import { openConfiguredStore } from '../../store/store.js';
import { parseFlag } from './keys.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { safe } from '../terminal-text.js';

/** Offline, in-process (like `eval`): fit and measure the complexity score on labelled prompts. */
export function registerRouter(program: Command): void {
  const router = program.command('router').description('Train and evaluate the routing complexity score on labelled prompts.');
  router
    .command('train')
    .description('Refit the complexity score on labelled traffic (JSONL, optionally gzipped: {prompt, weak, strong} per line) or on stored shadow comparisons.')
    .option('--data <file>', 'labelled prompts: one JSON object a line with `prompt`, `weak` (0/1) and `strong` (0/1)')
    .option('--from-shadow', 'learn from the shadow comparisons stored in the home folder (local answer as good or not)')
    .option('--since <when>', 'with --from-shadow: comparisons since a date, an ISO time or a duration (30d); default all')
    .option('--out <file>', 'where to write the weights (default HOME/router/complexity-weights.json)')
    .option('--home <dir>', 'home folder')
    .action(async (opts: LabelFlags & { out?: string }) => {
      const { rows, features, source } = await labelledRows(opts);
      const started = performance.now();
      const model = trainComplexityModel(rows, {}, features);
      const out = opts.out === undefined ? homePaths(loadConfig({ home: opts.home }).home).complexityWeights : resolve(opts.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, encodeComplexityModel(model, `Trained by \`flambeau router train\` on ${source} (${rows.length} prompts).`));
      const scorer = createComplexityScorer(model);
      process.stdout.write(
        `${formatRouterEvaluation(evaluateScores(rows, scoresOf(scorer, rows, features)), 'refit (on its own training data: optimistic)')}\n`,
      );
      process.stdout.write(safe`\nwrote ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s; use it with routing.complexity_weights: ${out}\n`);
    });
  router
    .command('eval')
    .description('Measure the complexity score on labelled prompts: APGR, CPT(50%), CPT(80%), calls avoided at 95% quality, with random and oracle rows.')
    .option('--data <file>', 'labelled prompts (same format as train)')
    .option('--from-shadow', 'measure on the shadow comparisons stored in the home folder')
    .option('--since <when>', 'with --from-shadow: comparisons since a date, an ISO time or a duration (30d); default all')
    .option('--weights <file>', 'weights to evaluate (default: routing.complexity_weights of the config, else the shipped ones)')
    .option('--config <path>', 'config file')
    .option('--home <dir>', 'home folder')
    .action(async (opts: LabelFlags & { weights?: string; config?: string }) => {
      const config = loadConfig({ configPath: opts.config, home: opts.home });
      const configured =
        config.routing.complexity_weights === undefined
          ? undefined
          : resolve(config.configPath === null ? process.cwd() : dirname(config.configPath), config.routing.complexity_weights);
      const scorer = loadComplexityScorer(opts.weights === undefined ? configured : resolve(opts.weights));
      const { rows, features } = await labelledRows({ ...opts, home: config.home });
      process.stdout.write(`${formatRouterEvaluation(evaluateScores(rows, scoresOf(scorer, rows, features)))}\n`);
    });
}

interface LabelFlags {
  data?: string;
  fromShadow?: boolean;
  since?: string;
  home?: string;
}

/** The labelled rows of `--data FILE` or `--from-shadow` (exactly one), with features for the latter. */
async function labelledRows(opts: LabelFlags): Promise<{ rows: RoutingRow[]; features?: Features[]; source: string }> {
  if ((opts.data === undefined) === (opts.fromShadow !== true)) throw new CliExit(EXIT.usage, 'error: give exactly one of --data FILE or --from-shadow');
  if (opts.data !== undefined) return { rows: await readRows(opts.data), source: opts.data };
  const since = opts.since === undefined ? 0 : parseFlag(() => parseSince(opts.since as string, Date.now(), '--since'));
  const config = loadConfig({ home: opts.home });
  const store = await openConfiguredStore(homePaths(config.home).db, config.store.url?.reveal() ?? null);
  let set: ReturnType<typeof shadowTrainingSet>;
  try {
    set = shadowTrainingSet(await createShadowStore(store.sql).list(since));
  } finally {
    await store.close();
  }
  if (set.rows.length === 0) throw new CliExit(EXIT.usage, `error: no shadow comparison with a verdict to learn from (${set.skipped} without one)`);
  if (set.skipped > 0) process.stderr.write(`${set.skipped} shadow comparison(s) without a verdict (error, denied) left out\n`);
  return { rows: set.rows, features: set.features, source: `${set.rows.length} shadow comparisons` };
}

/** Scores of the rows: their prompts, or their stored features (which need the same featurizer settings). */
function scoresOf(scorer: ComplexityScorer, rows: readonly RoutingRow[], features: readonly Features[] | undefined): number[] {
  if (features === undefined) return rows.map((row) => scorer.score(row.prompt));
  const a = scorer.model.featurizer;
  const b = DEFAULT_FEATURIZER_OPTIONS;
  if ((Object.keys(b) as (keyof typeof b)[]).some((k) => a[k] !== b[k]))
    throw new CliExit(EXIT.usage, 'error: these weights use other featurizer settings than the stored shadow features; train them with --from-shadow');
  return features.map((f) => scoreFeatures(scorer.model, f));
}

async function readRows(path: string) {
  try {
    const rows = await loadRoutingRows(path);
    if (rows.length === 0) throw new CliExit(EXIT.usage, `error: ${path} holds no labelled prompt`);
    return rows;
  } catch (error) {
    if (error instanceof CliExit) throw error;
    throw new CliExit(EXIT.usage, `error: cannot read ${path}: ${(error as Error).message}`);
  }
}
