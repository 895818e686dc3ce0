import type { Command } from 'commander';
import { resolveClientSettings } from '../../config/client-settings.js';
import { compareRuns, parseRunJson, summaryJson, type EvalRun } from '../../eval/index.js';
import { GatewayClient } from '../client.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { KEY_HELP, URL_HELP, type ServerFlags } from '../options.js';
import { printTable } from '../table.js';
import { jsonText } from '../terminal-text.js';
import { evalRunAction, type EvalRunFlags } from './eval-run.js';
import { printComparison, printDiff, printFailures, printRunSummary } from './eval-print.js';

interface RunListJson {
  data: { id: string; kind: string; source: string; started_at: string; cases: number; pass_counts: { model: string; cases: number; passed: number }[] }[];
}

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

function withServer(command: Command): Command {
  return command.option('--url <url>', URL_HELP).option('--key <key>', KEY_HELP).option('--home <dir>', 'home folder holding master.key');
}

async function fetchRun(client: GatewayClient, id: string): Promise<{ json: unknown; run: EvalRun }> {
  if (!RUN_ID.test(id)) throw new CliExit(EXIT.usage, 'error: a run id looks like ev_Ab3dE6fG9hI2');
  const json = await client.getJson<unknown>(`/admin/evals/${encodeURIComponent(id)}`);
  return { json, run: parseRunJson(json) };
}

export function registerEval(program: Command): void {
  const evalCommand = program.command('eval').description('Evaluate models on a suite of cases through the running gateway; stored runs, compared.');

  withServer(
    evalCommand
      .command('run')
      .description('Run every case of SUITE (a .jsonl file or builtin:smoke) against every model, grade the answers, store the run.')
      .argument('<suite>', 'a JSONL suite file, or builtin:smoke')
      .requiredOption('--models <a,b>', 'comma-separated model names (as `flambeau models` lists them)')
      .option('--judge <model>', 'the model that grades judge cases (default: the first local chat model)')
      .option('--concurrency <n>', 'calls in flight at once', '2')
      .option('--timeout-ms <ms>', 'give up on one call after this long', '300000')
      .option('--show-diff', 'show the cases where the models disagree, with their answers')
      .option('--include-content', 'store each answer with the run (by default no answer text is stored)')
      .option('--no-store', 'print the figures only; do not store the run')
      .option('--json', 'print the run as JSON'),
  ).action((suite: string, flags: EvalRunFlags) => evalRunAction(suite, flags));

  withServer(
    evalCommand
      .command('list')
      .description('The latest stored runs, with each model’s pass count.')
      .option('--limit <n>', 'how many runs', '20')
      .option('--json', 'print JSON'),
  ).action(async (flags: ServerFlags & { limit: string; json?: boolean }) => {
    if (!/^[1-9]\d{0,3}$/.test(flags.limit)) throw new CliExit(EXIT.usage, 'error: --limit expects 1 to 9999');
    const list = await new GatewayClient(resolveClientSettings(flags)).getJson<RunListJson>(`/admin/evals?limit=${flags.limit}`);
    if (flags.json === true) {
      process.stdout.write(`${jsonText(list)}\n`);
      return;
    }
    printTable(
      ['RUN', 'STARTED', 'SOURCE', 'CASES', 'PASSED'],
      list.data.map((run) => [
        run.id,
        run.started_at.slice(0, 19).replace('T', ' '),
        run.source,
        String(run.cases),
        run.pass_counts.map((m) => `${m.model} ${m.passed}/${m.cases}`).join(', '),
      ]),
    );
  });

  withServer(
    evalCommand
      .command('show')
      .description('A stored run: per model pass rate (95% CI), latency, tokens and cost; its failed cases.')
      .argument('<run>', 'run id (see `flambeau eval list`)')
      .option('--show-diff', 'the cases where the models disagree')
      .option('--json', 'print the run as JSON'),
  ).action(async (id: string, flags: ServerFlags & { json?: boolean; showDiff?: boolean }) => {
    const { json, run } = await fetchRun(new GatewayClient(resolveClientSettings(flags)), id);
    if (flags.json === true) {
      process.stdout.write(`${jsonText(json)}\n`);
      return;
    }
    printRunSummary(run, true);
    printFailures(run);
    if (flags.showDiff === true) printDiff(run.results);
  });

  withServer(
    evalCommand
      .command('compare')
      .description('Compare a run to an earlier one, model by model: pass rates, cases that flipped, McNemar p-value.')
      .argument('<before>', 'the earlier run')
      .argument('<after>', 'the later run')
      .option('--json', 'print JSON'),
  ).action(async (before: string, after: string, flags: ServerFlags & { json?: boolean }) => {
    const client = new GatewayClient(resolveClientSettings(flags));
    const comparison = compareRuns((await fetchRun(client, before)).run, (await fetchRun(client, after)).run);
    if (flags.json !== true) {
      printComparison(comparison);
      return;
    }
    const models = comparison.models.map((m) => ({
      model: m.model,
      before: summaryJson(m.before),
      after: summaryJson(m.after),
      paired: m.paired,
      regressed: m.regressed,
      improved: m.improved,
      p_value: m.pValue,
    }));
    process.stdout.write(
      `${jsonText({ object: 'eval.comparison', before: comparison.before, after: comparison.after, same_suite: comparison.sameSuite, models })}\n`,
    );
  });
}
