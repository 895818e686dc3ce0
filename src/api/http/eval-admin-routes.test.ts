import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_TEST_MASTER_KEY, startAdminTestServer, type AdminTestServer } from './__fixtures__/admin-server.js';

describe('admin API: eval runs', () => {
  let server: AdminTestServer;
  const call = async (method: string, path: string, body?: unknown, key: string = ADMIN_TEST_MASTER_KEY) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  };
  const started = new Date().toISOString();
  const result = (over: Record<string, unknown>) => ({
    case_id: 'c1',
    model: 'cloud-small',
    grader: 'contains',
    pass: true,
    reason: 'contains all 1 expected text(s)',
    latency_ms: 12.5,
    input_tokens: 10,
    output_tokens: 4,
    request_id: 'ev-t-1-1',
    ...over,
  });
  const run = (results: unknown[]) => ({
    source: 'suite.jsonl',
    suite_sha256: 'a'.repeat(64),
    models: ['cloud-small'],
    judge: null,
    started_at: started,
    finished_at: started,
    cases: results.length,
    results,
  });

  before(async () => {
    server = await startAdminTestServer();
  });
  after(async () => {
    await server.close();
  });

  it('stores a run with the costs of its usage rows (a posted cost is ignored), and audits it', async () => {
    const usageRow = {
      at: Date.now(),
      keyId: null,
      team: null,
      endpoint: '/v1/chat/completions',
      model: 'cloud-small',
      provider: 'cloud',
      upstreamModel: 'small-1',
      locality: 'cloud',
      inputTokens: 10,
      outputTokens: 4,
      tokensEstimated: false,
      latencyMs: 12,
      status: 200,
      errorCode: null,
    };
    server.usage.append({ ...usageRow, requestId: 'ev-t-1-1', costUsd: 0.0125 });
    server.usage.append({ ...usageRow, requestId: 'ev-t-2-1-j', costUsd: 0.5 });
    // A row with the same id, from long before the run: another request, not this run's.
    server.usage.append({ ...usageRow, requestId: 'ev-t-2-1', costUsd: 9, at: Date.now() - 86_400_000 });
    const stored = await call(
      'POST',
      '/admin/evals',
      run([
        result({ cost_usd: 1000 }),
        result({ case_id: 'c2', grader: 'judge', pass: false, reason: 'judge: too long', request_id: 'ev-t-2-1', judge_request_id: 'ev-t-2-1-j' }),
      ]),
    );
    assert.equal(stored.status, 201);
    assert.match(stored.json.id, /^ev_[\w-]{12}$/);
    assert.deepEqual(
      stored.json.results.map((r: Record<string, unknown>) => [r.case_id, r.cost_usd, r.judge_cost_usd]),
      [
        ['c1', 0.0125, null],
        ['c2', null, 0.5],
      ],
    );
    const [summary] = stored.json.summary;
    assert.deepEqual(
      { passed: summary.passed, cases: summary.cases, cost: summary.cost_usd, unknown: summary.cost_unknown, judge: summary.judge_cost_usd },
      { passed: 1, cases: 2, cost: 0.0125, unknown: 1, judge: 0.5 },
    );
    assert.deepEqual((await call('GET', `/admin/evals/${stored.json.id}`)).json, stored.json);
    const lines: string[] = [];
    for await (const line of server.audit.exportLines()) lines.push(line);
    const record = JSON.parse(lines.at(-1) as string) as { event: Record<string, any> };
    assert.deepEqual([record.event.action, record.event.details.run, record.event.details.results], ['eval.stored', stored.json.id, 2]);
  });

  it('answers bad input with 400 naming the field, unknown runs with 404, other keys with 403', async () => {
    const bad = await call('POST', '/admin/evals', run([result({ pass: 'yes' })]));
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'invalid_request');
    assert.equal(bad.json.error.param, 'results[0].pass');
    const noId = await call('POST', '/admin/evals', run([result({ request_id: 'has space' })]));
    assert.equal(noId.status, 400);
    assert.equal((await call('POST', '/admin/evals', [])).status, 400);
    assert.equal((await call('GET', '/admin/evals?limit=0')).json.error.param, 'limit');
    assert.equal((await call('GET', '/admin/evals?kind=weird')).json.error.param, 'kind');
    const missing = await call('GET', '/admin/evals/ev_missing');
    assert.deepEqual([missing.status, missing.json.error.code], [404, 'not_found']);
    const { token } = await server.keys.create({ name: 'plain' });
    assert.equal((await call('GET', '/admin/evals', undefined, token)).status, 403);
    assert.equal((await call('POST', '/admin/evals', run([result({})]), token)).status, 403);
  });

  it('lists the latest runs first with pass counts, filtered by kind', async () => {
    const a = await call('POST', '/admin/evals', run([result({}), result({ case_id: 'c2', pass: false })]));
    const shadow = await call('POST', '/admin/evals', { ...run([result({ grader: 'exact', pass: null, score: 0.5, route: 'default' })]), kind: 'shadow' });
    assert.equal(shadow.status, 201);
    const list = await call('GET', '/admin/evals?limit=2');
    assert.deepEqual(
      list.json.data.map((r: Record<string, unknown>) => r.id),
      [shadow.json.id, a.json.id],
    );
    assert.deepEqual(list.json.data[1].pass_counts, [{ model: 'cloud-small', cases: 2, passed: 1 }]);
    const evalsOnly = await call('GET', '/admin/evals?kind=eval');
    assert.ok(evalsOnly.json.data.every((r: Record<string, unknown>) => r.kind === 'eval'));
    assert.deepEqual([shadow.json.results[0].score, shadow.json.results[0].route, shadow.json.results[0].pass], [0.5, 'default', null]);
  });
});
