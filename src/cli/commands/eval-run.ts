import { randomBytes } from 'node:crypto';
import { resolveClientSettings } from '../../config/client-settings.js';
import { FlambeauError } from '../../errors/index.js';
import { parseRunJson, parseSuite, readSuiteSource, runBodyJson, runJson, runSuite, type EvalRun, type PostedRun, type Suite } from '../../eval/index.js';
import { GatewayClient } from '../client.js';
import { CliExit, EXIT } from '../exit-codes.js';
import type { ServerFlags } from '../options.js';
import { jsonText, terminalSafe } from '../terminal-text.js';
import { gatewayCall } from './eval-gateway-call.js';
import { printDiff, printFailures, printRunSummary } from './eval-print.js';

export interface EvalRunFlags extends ServerFlags {
  models: string;
  judge?: string;
  concurrency: string;
  timeoutMs: string;
  json?: boolean;
  showDiff?: boolean;
  includeContent?: boolean;
  store: boolean;
}

interface ModelList {
  data: { id: string; flambeau?: { locality?: string; embeddings?: boolean; routed?: boolean } }[];
}

function intFlag(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new CliExit(EXIT.usage, `error: ${flag} expects a whole number from ${min} to ${max}`);
  return value;
}

async function loadSuite(source: string): Promise<Suite> {
  try {
    const { name, bytes } = await readSuiteSource(source);
    return parseSuite(bytes, name);
  } catch (error) {
    if (error instanceof FlambeauError && error.code === 'invalid_request') throw new CliExit(EXIT.usage, `error: ${error.message}`);
    throw error;
  }
}

/** The asked models, checked against the gateway's list; the judge: --judge, else the first local chat model. */
async function resolveModels(client: GatewayClient, flags: EvalRunFlags, needsJudge: boolean): Promise<{ models: string[]; judge: string | null }> {
  const models = [...new Set(flags.models.split(',').map((m) => m.trim()))].filter((m) => m !== '');
  if (models.length === 0 || models.length > 20) throw new CliExit(EXIT.usage, 'error: --models expects 1 to 20 comma-separated model names');
  const listed = await client.getJson<ModelList>('/v1/models');
  const known = new Set(listed.data.map((m) => m.id));
  const missing = [...models, ...(flags.judge === undefined ? [] : [flags.judge])].filter((m) => !known.has(m));
  if (missing.length > 0)
    throw new CliExit(EXIT.usage, `error: no model named ${missing.map((m) => `'${m}'`).join(', ')} is available to this key (see \`flambeau models\`)`);
  if (flags.judge !== undefined || !needsJudge) return { models, judge: flags.judge ?? null };
  // Local GGUF models say `embeddings: true` too (they embed as well as chat): locality alone decides.
  const local = listed.data.find((m) => m.flambeau?.locality === 'device' && m.flambeau.routed !== true);
  if (local === undefined) process.stderr.write('warning: the suite has judge cases and the gateway serves no local model to judge them; give --judge MODEL\n');
  return { models, judge: local?.id ?? null };
}

/**
 * Stores the run through `POST /admin/evals`: with the run's key when it is the master key, else
 * with the master key from FLAMBEAU_MASTER_KEY or the home folder. Null (with a warning) when no
 * key may store it.
 */
async function storeRun(flags: EvalRunFlags, run: PostedRun): Promise<EvalRun | null> {
  const keys = [...new Set([resolveClientSettings(flags).key, resolveClientSettings({ ...flags, key: undefined }).key])].filter((k) => k !== undefined);
  let last = 'no key';
  for (const key of keys) {
    const client = new GatewayClient({ url: resolveClientSettings(flags).url, key });
    const answer = await client.exchange('/admin/evals', runBodyJson(run), {});
    if (answer.status === 201) return parseRunJson(JSON.parse(answer.text));
    last = `HTTP ${answer.status}`;
    if (answer.status !== 401 && answer.status !== 403) break;
  }
  process.stderr.write(`warning: the run was not stored (${last}): storing needs the master key (FLAMBEAU_MASTER_KEY or HOME/master.key)\n`);
  return null;
}

/** `flambeau eval run SUITE --models a,b`: every case against every model through the running gateway. */
export async function evalRunAction(source: string, flags: EvalRunFlags): Promise<void> {
  const concurrency = intFlag(flags.concurrency, '--concurrency', 1, 64);
  const timeoutMs = intFlag(flags.timeoutMs, '--timeout-ms', 1, 3_600_000);
  const suite = await loadSuite(source);
  const client = new GatewayClient(resolveClientSettings(flags));
  const { models, judge } = await resolveModels(
    client,
    flags,
    suite.cases.some((c) => c.expect.kind === 'judge'),
  );
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const progress = process.stderr.isTTY === true && flags.json !== true;
  const startedAt = Date.now();
  const results = await runSuite({
    suite,
    models,
    judge,
    concurrency,
    call: gatewayCall(client, timeoutMs),
    runId: `ev-${randomBytes(6).toString('base64url')}`,
    signal: controller.signal,
    keepAnswers: flags.includeContent === true || flags.showDiff === true,
    ...(progress ? { onResult: (_r, done, total) => process.stderr.write(`\r${done}/${total} `) } : {}),
  });
  if (progress) process.stderr.write('\r');
  const posted: PostedRun = {
    kind: 'eval',
    source: suite.name,
    suiteSha256: suite.sha256,
    models,
    judge,
    startedAt,
    finishedAt: Date.now(),
    cases: suite.cases.length,
    includeContent: flags.includeContent === true,
    results,
  };
  const stored = flags.store ? await storeRun(flags, posted) : null;
  // Answers are shown by --show-diff from this process's memory, stored only with --include-content.
  const run: EvalRun =
    stored === null ? { id: '', ...posted } : { ...stored, results: stored.results.map((r, i) => ({ ...r, answer: results[i]?.answer ?? null })) };
  if (flags.json === true) {
    const body = runJson(run);
    process.stdout.write(`${jsonText(stored === null ? { ...body, id: null } : body)}\n`);
    return;
  }
  printRunSummary(run, stored !== null);
  printFailures(run);
  if (flags.showDiff === true) printDiff(run.results);
  if (stored !== null) process.stdout.write(`\nstored as ${terminalSafe(stored.id)}: flambeau eval show ${terminalSafe(stored.id)}\n`);
}
