import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MASTER_PRINCIPAL } from '../../auth/principal.js';
import { ADMIN_TEST_MASTER_KEY, startAdminTestServer, type AdminTestServer } from './__fixtures__/admin-server.js';

describe('admin API', () => {
  let server: AdminTestServer;
  const call = async (method: string, path: string, body?: unknown, key: string | null = ADMIN_TEST_MASTER_KEY) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: type.startsWith('application/json') ? (JSON.parse(text) as Record<string, any>) : null,
    };
  };

  before(async () => {
    server = await startAdminTestServer();
  });
  after(async () => {
    await server.close();
  });

  it('needs the master key: 401 without a key, 403 for another valid key', async () => {
    assert.equal((await call('GET', '/admin/keys', undefined, null)).status, 401);
    assert.equal((await call('GET', '/admin/keys', undefined, 'wrong')).json?.error.code, 'unauthenticated');
    const { token } = await server.keys.create({ name: 'plain' });
    const forbidden = await call('GET', '/admin/keys', undefined, token);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.json?.error.code, 'forbidden');
  });

  it('creates a key (shown once), lists, shows and revokes it, auditing each change', async () => {
    const created = await call('POST', '/admin/keys', {
      name: 'ci bot',
      team: 'research',
      models: ['gpt-small', 'auto'],
      budget: '25/month',
      rpm: 60,
      expires_in: '30d',
    });
    assert.equal(created.status, 201);
    const key = created.json as Record<string, any>;
    assert.match(key.key, /^flm_[0-9a-f]{12}_/);
    assert.deepEqual(
      [key.name, key.team, key.models, key.endpoints, key.budget, key.rpm, key.tpm, key.status],
      ['ci bot', 'research', ['gpt-small', 'auto'], ['*'], { usd: 25, period: 'month' }, 60, null, 'active'],
    );
    assert.ok(Date.parse(key.expires_at) - Date.now() > 29 * 86_400_000);
    assert.equal((await server.keys.authenticate(`Bearer ${key.key}`)).keyId, key.id);

    const list = await call('GET', '/admin/keys');
    assert.ok(list.json?.data.some((k: { id: string }) => k.id === key.id));
    assert.ok(!list.text.includes(key.key), 'the key is never listed');
    assert.ok(!list.text.includes('secret_hash'));

    const shown = await call('GET', `/admin/keys/${key.id}`);
    assert.deepEqual(shown.json?.spend, { ...shown.json?.spend, period: 'month', spent_usd: 0, reserved_usd: 0 });

    const revoked = await call('DELETE', `/admin/keys/${key.id}`);
    assert.equal(revoked.json?.status, 'revoked');
    assert.equal(revoked.json?.revoked, true);
    await assert.rejects(() => server.keys.authenticate(`Bearer ${key.key}`), /revoked/);

    const lines = await call('GET', '/admin/audit/export');
    assert.equal(lines.headers.get('content-type'), 'application/x-ndjson; charset=utf-8');
    const actions = lines.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event)
      .filter((e) => e.target?.keyId === key.id)
      .map((e) => e.action);
    assert.deepEqual(actions, ['key.created', 'key.revoked']);
    assert.ok(!lines.text.includes(key.key), 'the audit log never holds the key');
  });

  it('refuses bad input with the OpenAI error envelope naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'x', budget: '25/year' }, 'budget'],
      [{ name: 'x', endpoints: ['chat', 'mind-reading'] }, 'endpoints[1]'],
      [{ name: 'x', rpm: -1 }, 'rpm'],
      [{ name: 'x', team: 'no spaces' }, 'team'],
      [{ name: 'x', surprise: true }, ''],
      [{}, 'name'],
    ];
    for (const [body, param] of cases) {
      const response = await call('POST', '/admin/keys', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.json?.error.code, 'invalid_request');
      if (param !== '') assert.equal(response.json?.error.param, param, JSON.stringify(body));
    }
    assert.equal((await call('POST', '/admin/keys', { name: 'x', expires_in: 'soon' })).json?.error.param, 'expires_in');
    assert.equal((await call('GET', '/admin/keys/nope')).status, 404);
    assert.equal((await call('PUT', '/admin/keys')).status, 405);
    assert.equal((await call('GET', '/admin/nothing')).status, 404);
    assert.equal((await call('GET', '/admin/usage?by=planet')).json?.error.param, 'by');
  });

  it('creates and updates teams with their own budget and limits', async () => {
    const created = await call('POST', '/admin/teams', { name: 'ops', budget: { usd: 100, period: 'week' }, rpm: 600 });
    assert.equal(created.status, 201);
    const updated = await call('POST', '/admin/teams', { name: 'ops', tpm: 50_000 });
    assert.equal(updated.status, 200);
    assert.deepEqual([updated.json?.budget, updated.json?.rpm, updated.json?.tpm], [{ usd: 100, period: 'week' }, 600, 50_000]);
    const shown = await call('GET', '/admin/teams/ops');
    assert.equal(shown.json?.spend.period, 'week');
    assert.ok((await call('GET', '/admin/teams')).json?.data.some((t: { name: string }) => t.name === 'ops'));
  });

  it('reports usage by model, and verifies the audit chain', async () => {
    const base = {
      startedAt: Date.now(),
      principal: MASTER_PRINCIPAL,
      endpoint: 'chat',
      route: null,
      provider: 'cloud',
      upstreamModel: 'm',
      locality: 'cloud',
      privacy: null,
      status: 200,
      errorCode: null,
      latencyMs: 5,
    };
    server.recorder.recordRequestOutcome({
      ...base,
      requestId: 'u1',
      model: 'gpt-small',
      modelKnown: true,
      usage: { inputTokens: 10, outputTokens: 4, estimated: false },
      costUsd: 0.25,
    });
    server.recorder.recordRequestOutcome({
      ...base,
      requestId: 'u2',
      model: 'gpt-small',
      modelKnown: true,
      usage: { inputTokens: 5, outputTokens: 1, estimated: false },
      costUsd: 0.5,
    });
    const usage = await call('GET', '/admin/usage?by=model&since=1d');
    const row = usage.json?.data.find((r: { group: string }) => r.group === 'gpt-small');
    assert.deepEqual(row, { group: 'gpt-small', requests: 2, errors: 0, input_tokens: 15, output_tokens: 5, estimated: 0, cost_usd: 0.75 });
    const verified = await call('GET', '/admin/audit/verify');
    assert.equal(verified.json?.ok, true);
    assert.ok(verified.json?.count >= 4);
    const anchored = await call('GET', `/admin/audit/verify?anchor_seq=${verified.json?.head.seq}&anchor_hash=${verified.json?.head.hash}`);
    assert.equal(anchored.json?.ok, true);
    const wrongAnchor = await call('GET', `/admin/audit/verify?anchor_seq=1&anchor_hash=${'0'.repeat(64)}`);
    assert.deepEqual([wrongAnchor.json?.ok, wrongAnchor.json?.first_broken], [false, 1]);
  });
});
