/**
 * Router bench: how long the complexity scorer takes per prompt (featurize + score, the part of
 * a routing decision it adds), and `router eval` of the shipped weights on the validation part of
 * the RouteLLM-derived data. Needs ../shared/data/routing/train.jsonl.gz (relative to the repo
 * root); skips with a message without it.
 *
 *   node --import tsx bench/router.bench.ts
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { evaluateScores } from '../src/router/complexity/evaluate-scores.js';
import { loadComplexityScorer, type ComplexityScorer } from '../src/router/complexity/load-complexity-scorer.js';
import { loadRoutingRows } from '../src/router/complexity/load-routing-rows.js';
import { binnedRoutingCurve, apgr } from '../src/router/complexity/metrics.js';
import { formatRouterEvaluation } from '../src/router/complexity/router-eval-report.js';
import type { RoutingRow } from '../src/router/complexity/routing-rows-wire.js';
import { splitRows } from '../src/router/complexity/split-rows.js';
import { createComplexityScorer } from '../src/router/complexity/load-complexity-scorer.js';
import { trainComplexityModel } from '../src/router/complexity/train-complexity-model.js';
import { createModelCatalog } from '../src/models/model-catalog.js';
import { createOpenAiCompatibleProvider } from '../src/providers/openai-compatible/openai-provider.js';
import { compileRoutes } from '../src/router/compile-routes.js';
import { routingFileSchema } from '../src/router/route-config.js';
import { createRouter } from '../src/router/router.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(root, '..', 'shared', 'data', 'routing', 'train.jsonl.gz');
const ARTEFACT_SUBJECT = 'high_school_mathematics';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Scoring latency per prompt in microseconds, after a warm-up pass (JIT, first allocations). */
function timeScoring(scorer: ComplexityScorer, prompts: readonly string[]): { p50: number; p99: number; max: number } {
  for (const p of prompts.slice(0, 500)) scorer.score(p);
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const p of prompts) {
      const start = process.hrtime.bigint();
      scorer.score(p);
      times.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: times.at(-1) ?? Number.NaN };
}

function routellmApgr(rows: readonly RoutingRow[], scores: readonly number[]): string {
  const weak = rows.reduce((s, r) => s + r.weak, 0) / rows.length;
  const strong = rows.reduce((s, r) => s + r.strong, 0) / rows.length;
  return apgr(binnedRoutingCurve(scores, rows, 10), weak, strong).toFixed(3);
}

function report(title: string, rows: readonly RoutingRow[], scores: readonly number[]): void {
  console.log(`\n${title}`);
  console.log(formatRouterEvaluation(evaluateScores(rows, scores)));
  for (const bench of [...new Set(rows.map((r) => r.bench))].sort()) {
    const index = rows.map((_, i) => i).filter((i) => rows[i]?.bench === bench);
    const picked = index.map((i) => rows[i] as RoutingRow);
    console.log(
      `  ${bench}: APGR with RouteLLM's 10 quantile thresholds ${routellmApgr(
        picked,
        index.map((i) => scores[i] ?? 0),
      )}`,
    );
  }
}

/** A whole routing decision (facts, rules in order, complexity on the way, candidates), as the gateway makes it. */
function decisionTime(scorer: ComplexityScorer, prompts: readonly string[]): void {
  const providers = new Map([
    ['cloud', createOpenAiCompatibleProvider({ id: 'cloud', baseUrl: 'http://127.0.0.1:9/v1', locality: 'cloud' })],
    ['lan', createOpenAiCompatibleProvider({ id: 'lan', baseUrl: 'http://127.0.0.1:9/v1', locality: 'lan' })],
  ]);
  const catalog = createModelCatalog(
    [
      { name: 'cloud-big', provider: 'cloud', model: 'big', origin: 'file', price: null },
      { name: 'lan-chat', provider: 'lan', model: 'chat', origin: 'file', price: null },
    ],
    providers,
  );
  const rules = [
    { name: 'private', when: { pii: true }, to: ['lan-chat'] },
    { name: 'tools', when: { tools: true, tag: 'agents' }, to: ['cloud-big', 'lan-chat'] },
    { name: 'hard', when: { complexity_top_share: 0.3 }, to: ['cloud-big', 'lan-chat'] },
    { name: 'default', to: ['lan-chat', 'cloud-big'] },
  ];
  const router = createRouter({
    routes: compileRoutes(rules, new Set(['cloud-big', 'lan-chat']), (share) => scorer.thresholdForCloudShare(share)),
    settings: routingFileSchema.parse({}),
    catalog,
    scorer,
  });
  const decide = (text: string) =>
    router.route({
      requested: 'auto',
      request: { model: 'auto', messages: [{ role: 'user', content: text }] },
      findings: {},
      tokens: text.length / 4,
      caller: { keyId: null, keyName: null, team: null },
      tags: [],
    });
  for (const p of prompts.slice(0, 500)) decide(p);
  const times: number[] = [];
  for (const p of prompts) {
    const start = process.hrtime.bigint();
    decide(p);
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(
    `routing decision time (4 rules, complexity rule reached), ${prompts.length} prompts: p50 ${percentile(times, 0.5).toFixed(1)} µs, p99 ${percentile(times, 0.99).toFixed(1)} µs (target p99 <= 200 µs)`,
  );
  for (const provider of providers.values()) void provider.close();
}

export async function run(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`router bench: skipped, no routing data at ${DATA} (the ../shared folder is absent)`);
    return;
  }
  const loadStart = process.hrtime.bigint();
  const scorer = loadComplexityScorer();
  const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
  const { validation } = splitRows(await loadRoutingRows(DATA));
  const prompts = validation.map((r) => r.prompt);
  const latency = timeScoring(scorer, prompts);
  console.log(`router bench: complexity scorer loaded in ${loadMs.toFixed(0)} ms`);
  console.log(
    `routing decision time (complexity scorer, featurize + score), ${prompts.length} prompts x 3: ` +
      `p50 ${latency.p50.toFixed(1)} µs, p99 ${latency.p99.toFixed(1)} µs, max ${latency.max.toFixed(1)} µs (target p99 <= 200 µs)`,
  );
  decisionTime(scorer, prompts);
  // The shipped weights are fit on every row; for an honest validation figure, fit the same
  // pipeline on the training part only and score the validation part it never saw.
  const { train } = splitRows(await loadRoutingRows(DATA));
  const fitStart = process.hrtime.bigint();
  const heldOut = createComplexityScorer(trainComplexityModel(train));
  console.log(`(refit on the ${train.length}-row training part in ${(Number(process.hrtime.bigint() - fitStart) / 1e9).toFixed(1)} s)`);
  const scores = prompts.map((p) => heldOut.score(p));
  report('router eval, validation part (20% of rows by hash of id, per bench), model fit on the other 80%', validation, scores);
  const kept = validation.map((r, i) => ({ r, s: scores[i] ?? 0 })).filter(({ r }) => r.subject !== ARTEFACT_SUBJECT);
  report(
    `router eval, validation part without MMLU ${ARTEFACT_SUBJECT}`,
    kept.map((k) => k.r),
    kept.map((k) => k.s),
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
