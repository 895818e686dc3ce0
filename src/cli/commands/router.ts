import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { homePaths } from '../../config/home-layout.js';
import { loadConfig } from '../../config/load-config.js';
import {
  createComplexityScorer,
  encodeComplexityModel,
  evaluateScores,
  formatRouterEvaluation,
  loadComplexityScorer,
  loadRoutingRows,
  trainComplexityModel,
} from '../../router/complexity/index.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { safe } from '../terminal-text.js';

/** Offline, in-process (like `eval`): fit and measure the complexity score on labelled prompts. */
export function registerRouter(program: Command): void {
  const router = program.command('router').description('Train and evaluate the routing complexity score on labelled prompts.');
  router
    .command('train')
    .description('Refit the complexity score on labelled traffic (JSONL, optionally gzipped: {prompt, weak, strong} per line).')
    .requiredOption('--data <file>', 'labelled prompts: one JSON object a line with `prompt`, `weak` (0/1) and `strong` (0/1)')
    .option('--out <file>', 'where to write the weights (default HOME/router/complexity-weights.json)')
    .option('--home <dir>', 'home folder')
    .action(async (opts: { data: string; out?: string; home?: string }) => {
      const rows = await readRows(opts.data);
      const started = performance.now();
      const model = trainComplexityModel(rows);
      const out = opts.out === undefined ? homePaths(loadConfig({ home: opts.home }).home).complexityWeights : resolve(opts.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, encodeComplexityModel(model, `Trained by \`flambeau router train\` on ${opts.data} (${rows.length} prompts).`));
      const scorer = createComplexityScorer(model);
      const evaluation = evaluateScores(
        rows,
        rows.map((row) => scorer.score(row.prompt)),
      );
      process.stdout.write(`${formatRouterEvaluation(evaluation, 'refit (on its own training data: optimistic)')}\n`);
      process.stdout.write(safe`\nwrote ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s; use it with routing.complexity_weights: ${out}\n`);
    });
  router
    .command('eval')
    .description('Measure the complexity score on labelled prompts: APGR, CPT(50%), CPT(80%), calls avoided at 95% quality, with random and oracle rows.')
    .requiredOption('--data <file>', 'labelled prompts (same format as train)')
    .option('--weights <file>', 'weights to evaluate (default: routing.complexity_weights of the config, else the shipped ones)')
    .option('--config <path>', 'config file')
    .action(async (opts: { data: string; weights?: string; config?: string }) => {
      const config = loadConfig({ configPath: opts.config });
      const configured =
        config.routing.complexity_weights === undefined
          ? undefined
          : resolve(config.configPath === null ? process.cwd() : dirname(config.configPath), config.routing.complexity_weights);
      const scorer = loadComplexityScorer(opts.weights === undefined ? configured : resolve(opts.weights));
      const rows = await readRows(opts.data);
      process.stdout.write(
        `${formatRouterEvaluation(
          evaluateScores(
            rows,
            rows.map((row) => scorer.score(row.prompt)),
          ),
        )}\n`,
      );
    });
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
