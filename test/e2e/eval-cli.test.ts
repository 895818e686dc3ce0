import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { makeTestModels, TEST_MODEL_ANSWER } from '../fixtures/test-models.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const tools = [{ type: 'function', function: { name: 'getWeather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

/** One case per grader; the stand-in cloud echoes the prompt, the tiny local model always says TEST_MODEL_ANSWER. */
const SUITE = [
  { id: 'c-equals', prompt: 'hello', expect: { equals: TEST_MODEL_ANSWER } },
  { id: 'c-contains', prompt: 'the answer is the word mango', expect: { contains: 'mango' } },
  { id: 'c-not-contains', prompt: 'nothing to see', expect: { not_contains: 'PWNED' } },
  { id: 'c-regex', prompt: 'code 2026-03-14 ok', expect: { regex: '\\d{4}-\\d{2}-\\d{2}' } },
  {
    id: 'c-json',
    prompt: '{"sku": "A-17", "qty": 36}',
    expect: { json_schema: { type: 'object', required: ['sku', 'qty'], properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 36 } } } },
  },
  { id: 'c-number', prompt: 'The total is 155', expect: { number: 155 } },
  { id: 'c-pii', prompt: 'Écris à jeanne.morel@example.fr pour confirmer.', expect: { contains: 'Bonjour' }, tags: ['privacy'] },
  { id: 'c-tool', prompt: 'Weather in Paris?', tools, expect: { tool_call: { name: 'getWeather', arguments: { city: 'Paris' } } } },
  { id: 'c-judge', prompt: 'Summarise: the cat sat on the mat.', expect: { judge: 'Mentions the cat.' } },
];

describe('flambeau eval through the running gateway', () => {
  let dir: string;
  let cloud: StandInCloud;
  let gw: TestGateway;
  let suitePath: string;
  let firstRun = '';

  const cli = (args: string[]): Promise<CliResult> => runCli([...args, '--url', gw.url], { env: { FLAMBEAU_MASTER_KEY: gw.key } });
  const admin = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await request(`${gw.url}${path}`, { headers: { authorization: `Bearer ${gw.key}` } });
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-eval-'));
    const models = await makeTestModels(dir);
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [
        { id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' },
        { id: 'local', type: 'llamacpp' },
      ],
      models: [
        { name: 'local-chat', provider: 'local', path: models.chat, context: 2048, threads: 1 },
        { name: 'cloud-small', provider: 'cloud', model: 'small-1', price: { input_per_mtok: 1000, output_per_mtok: 2000 } },
        { name: 'cloud-judge', provider: 'cloud', model: 'judge-1', price: { input_per_mtok: 500, output_per_mtok: 500 } },
      ],
      // Personal data may not reach the cloud: the eval's calls, the judge's included, obey it.
      privacy: { cloud: 'block' },
      // The cloud's replies are scripted in call order: a health probe must not take one (a run
      // slowed past the 30 s probe interval on a loaded machine did).
      routing: { health_interval_ms: 0 },
    });
    suitePath = join(dir, 'suite.jsonl');
    writeFileSync(suitePath, `${SUITE.map((row) => JSON.stringify(row)).join('\n')}\n`);
  });
  after(async () => {
    await gw.close();
    await cloud.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every case against every model, prints the figures, and stores the run with the gateway’s costs', async () => {
    // Calls reach the cloud in suite order at --concurrency 1 (the PII case never does).
    cloud.setDefault({ kind: 'echo' });
    cloud.script(
      ...Array.from({ length: 6 }, () => ({ kind: 'echo' as const })),
      { kind: 'reply', toolCalls: [{ name: 'getWeather', arguments: '{"city": "paris"}' }] },
      { kind: 'reply', text: '{"pass": false, "reason": "it does not mention the cat"}' },
      { kind: 'echo' },
      { kind: 'reply', text: 'Verdict: {"pass": true, "reason": "it mentions the cat"}' },
    );
    const run = await cli(['eval', 'run', suitePath, '--models', 'local-chat,cloud-small', '--judge', 'cloud-judge', '--concurrency', '1', '--show-diff']);
    assert.equal(run.code, 0, run.stderr);
    const out = run.stdout;
    assert.match(out, /^run ev_[\w-]+ {2}\S+suite\.jsonl {2}9 case\(s\) {2}judge: cloud-judge$/m);
    assert.match(out, /^MODEL\s+PASSED\s+RATE\s+95% CI\s+ERRORS\s+P50 MS\s+P95 MS\s+TOKENS IN\s+TOKENS OUT\s+COST USD\s+JUDGE USD$/m);
    assert.match(out, /^local-chat\s+3\/9\s+33%\s+12%-65%\s+0\s+\d+\s+\d+\s+\d+\s+\d+\s+0\.00\s+\S+$/m);
    assert.match(out, /^cloud-small\s+7\/9\s+78%\s+45%-94%\s+1\s+\d+\s+\d+\s+\d+\s+\d+\s+0\.\d+\s+\S+$/m);
    // Failures name the grader and a reason; the PII case was refused for the cloud, not graded.
    assert.match(out, /^c-pii\s+cloud-small\s+contains\s+the call failed: HTTP 403 policy_denied$/m);
    assert.match(out, /^c-tool\s+local-chat\s+tool_call\s+no tool call$/m);
    assert.match(out, /^c-judge\s+local-chat\s+judge\s+judge: it does not mention the cat$/m);
    // --show-diff: the cases where the models disagree, answers shown from memory.
    assert.match(out, /^8 case\(s\) where the models disagree:$/m);
    assert.match(
      out,
      /^c-contains {2}\[contains\]\n {2}local-chat {3}FAIL {2}misses 1 of 1 expected text\(s\)\n {6}\| Bonjour from flambeau\.\n {2}cloud-small {2}pass {2}contains all 1 expected text\(s\)\n {6}\| the answer is the word mango$/m,
    );
    const id = /stored as (ev_[\w-]+)/.exec(out)?.[1] as string;
    firstRun = id;

    // The stored run: per case id, model, pass, grader, reason, latency, tokens, cost; no text.
    const { status, body } = await admin(`/admin/evals/${id}`);
    assert.equal(status, 200);
    const results = body.results as Record<string, unknown>[];
    assert.equal(results.length, 18);
    assert.ok(
      results.every((r) => r.answer === undefined),
      'no answer text without --include-content',
    );
    assert.ok(!JSON.stringify(body).includes('mango') && !JSON.stringify(body).includes('jeanne'), 'no prompt or answer text stored');
    const judged = results.find((r) => r.case_id === 'c-judge' && r.model === 'cloud-small');
    assert.deepEqual([judged?.pass, judged?.grader, judged?.reason], [true, 'judge', 'judge: it mentions the cat']);
    // Costs are the gateway's own: they add up to its usage figures per model.
    const usage = await admin('/admin/usage?by=model');
    const byModel = new Map((usage.body.data as { group: string; cost_usd: number; input_tokens: number; output_tokens: number }[]).map((r) => [r.group, r]));
    interface Summary {
      model: string;
      cost_usd: number;
      judge_cost_usd: number;
      input_tokens: number;
      output_tokens: number;
      latency_p50_ms: number;
      latency_p95_ms: number;
    }
    const summary = new Map((body.summary as Summary[]).map((s) => [s.model, s]));
    const cloudSummary = summary.get('cloud-small') as Summary;
    const localSummary = summary.get('local-chat') as Summary;
    assert.ok(cloudSummary.cost_usd > 0);
    assert.equal(cloudSummary.cost_usd.toFixed(9), byModel.get('cloud-small')?.cost_usd.toFixed(9));
    assert.equal(cloudSummary.input_tokens, byModel.get('cloud-small')?.input_tokens);
    assert.equal(cloudSummary.output_tokens, byModel.get('cloud-small')?.output_tokens);
    assert.equal(localSummary.cost_usd, 0, 'device models are free');
    assert.equal((localSummary.judge_cost_usd + cloudSummary.judge_cost_usd).toFixed(9), byModel.get('cloud-judge')?.cost_usd.toFixed(9));
    assert.ok(cloudSummary.latency_p50_ms > 0 && cloudSummary.latency_p95_ms >= cloudSummary.latency_p50_ms);
  });

  it('lists, shows and compares stored runs (CLI and admin API)', async () => {
    cloud.reset();
    cloud.setDefault({ kind: 'reply', text: 'I cannot help with that.' });
    const second = await cli(['eval', 'run', suitePath, '--models', 'cloud-small', '--judge', 'cloud-judge', '--concurrency', '3', '--json']);
    assert.equal(second.code, 0, second.stderr);
    const secondJson = JSON.parse(second.stdout) as { id: string; summary: { model: string; passed: number }[] };
    assert.deepEqual(
      secondJson.summary.map((s) => [s.model, s.passed]),
      [['cloud-small', 1]],
    );

    const list = await cli(['eval', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${secondJson.id}\\s+\\d{4}-\\d{2}-\\d{2} [\\d:]+\\s+\\S+suite\\.jsonl\\s+9\\s+cloud-small 1/9$`, 'm'));
    assert.match(list.stdout, new RegExp(`^${firstRun}\\s.*local-chat 3/9, cloud-small 7/9$`, 'm'));
    const listed = await admin('/admin/evals?limit=1');
    assert.deepEqual(
      (listed.body.data as { id: string }[]).map((r) => r.id),
      [secondJson.id],
    );

    const show = await cli(['eval', 'show', firstRun, '--json']);
    assert.equal(show.code, 0, show.stderr);
    assert.deepEqual(JSON.parse(show.stdout), (await admin(`/admin/evals/${firstRun}`)).body);

    const compare = await cli(['eval', 'compare', firstRun, secondJson.id]);
    assert.equal(compare.code, 0, compare.stderr);
    assert.match(compare.stdout, /^cloud-small\s+78% \(7\/9\)\s+11% \(1\/9\)\s+-67 pts\s+9\s+6\s+0\s+0\.031$/m);
    assert.match(compare.stdout, /^cloud-small regressed on: c-contains, c-regex, c-json, c-number, c-tool, c-judge$/m);

    const missing = await admin('/admin/evals/ev_nope');
    assert.equal(missing.status, 404);
    assert.equal((missing.body.error as { code: string }).code, 'not_found');
  });

  it('stores answers only on --include-content, and refuses a bad suite naming line and field', async () => {
    cloud.reset();
    const withText = await cli(['eval', 'run', suitePath, '--models', 'cloud-small', '--judge', 'cloud-judge', '--include-content', '--json']);
    assert.equal(withText.code, 0, withText.stderr);
    const stored = await admin(`/admin/evals/${(JSON.parse(withText.stdout) as { id: string }).id}`);
    assert.equal(stored.body.include_content, true);
    assert.ok((stored.body.results as { answer?: string }[]).some((r) => r.answer === 'Hello from the stand-in cloud.'));

    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id": "a", "prompt": "x", "expect": {"regex": "(a+)+$"}}\n{"id": "b", "prompt": "x", "expect": {"numbr": 3}}\n');
    const refused = await cli(['eval', 'run', bad, '--models', 'cloud-small']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /bad\.jsonl:1: 'expect\.regex' takes over \d+ ms/);
    assert.match(refused.stderr, /bad\.jsonl:2: 'expect' needs one grader among equals/);
    const unknown = await cli(['eval', 'run', 'builtin:smoke', '--models', 'no-such-model']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no model named 'no-such-model' is available to this key/);
  });
  it('runs with any key, under its scopes; storing needs the master key, else the figures are printed only', async () => {
    const created = await request(`${gw.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'evaluator', models: ['local-chat'], endpoints: ['chat', 'models'] }),
    });
    const key = (await created.body.json()) as { id: string; key: string };
    const asKey = (args: string[]) => runCli([...args, '--url', gw.url, '--key', key.key, '--home', dir], { env: { FLAMBEAU_MASTER_KEY: '' } });
    const run = await asKey(['eval', 'run', suitePath, '--models', 'local-chat']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: the run was not stored \(HTTP 403\): storing needs the master key/);
    assert.match(run.stdout, /^run \(not stored\) {2}\S+suite\.jsonl {2}9 case\(s\) {2}judge: local-chat$/m);
    assert.match(run.stdout, /^local-chat\s+3\/9\s+33%\s+12%-65%\s+0\s+\d+\s+\d+\s+\d+\s+\d+\s+-\s+-$/m);
    // The calls were the key's own: the model list, 9 answers and 1 judge call in its usage.
    const usage = await admin('/admin/usage?by=key');
    assert.equal((usage.body.data as { group: string; requests: number }[]).find((r) => r.group === key.id)?.requests, 11);
    const outOfScope = await asKey(['eval', 'run', suitePath, '--models', 'cloud-small']);
    assert.equal(outOfScope.code, 2);
    assert.match(outOfScope.stderr, /no model named 'cloud-small' is available to this key/);
  });
});
