import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { request } from 'undici';
import { createAuditLog } from '../../src/audit/index.js';
import { AUDIT_HEAD_FILE, readAuditKey } from '../../src/audit/audit-key.js';
import { inputTokenBound } from '../../src/gateway/usage-estimate.js';
import { openStore } from '../../src/store/store.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { replayRecordJournals } from '../helpers/replay-journals.js';
import { listeningUrl } from '../helpers/listening-url.js';

const user = (content: string): OpenAI.ChatCompletionMessageParam[] => [{ role: 'user', content }];

describe('keys, scopes, budgets, rate limits, usage and audit through the real server', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await request(`${gw.url}${path}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, any> };
  };
  const newKey = async (body: Record<string, unknown>) => {
    const res = await admin('POST', '/admin/keys', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; key: string };
  };
  const clientFor = (key: string) => new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0 });

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [
        // 1 USD per million tokens both ways: cost = tokens / 1e6.
        { name: 'cloud-small', provider: 'cloud', model: 'small-1', price: { input_per_mtok: 1, output_per_mtok: 1 }, max_tokens: 20 },
        { name: 'cloud-free', provider: 'cloud', model: 'free-1' },
      ],
      routing: { retries: 0 },
    });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => cloud.reset());

  it('401 for no key, a wrong key, a revoked and an expired key; the key is shown once', async () => {
    const made = await newKey({ name: 'alice', models: '*' });
    assert.match(made.key, /^flm_/);
    const shown = await admin('GET', `/admin/keys/${made.id}`);
    assert.equal(shown.body.key, undefined);
    assert.ok(!JSON.stringify(shown.body).includes(made.key));
    const ok = await clientFor(made.key).chat.completions.create({ model: 'cloud-small', messages: user('hi') });
    assert.ok(ok.choices[0]?.message.content);

    const none = await request(`${gw.baseURL}/models`);
    assert.equal(none.statusCode, 401);
    await none.body.dump();
    await assert.rejects(clientFor(`${made.key.slice(0, -4)}AAAA`).models.list(), OpenAI.AuthenticationError);
    assert.equal((await admin('DELETE', `/admin/keys/${made.id}`)).status, 200);
    await assert.rejects(clientFor(made.key).models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError && /revoked/.test(e.message));
    assert.equal((await admin('POST', '/admin/keys', { name: 'past', expires_at: '2020-01-01T00:00:00Z' })).status, 400);
    const expired = await newKey({ name: 'old', expires_in: '0.2s' });
    await new Promise((r) => setTimeout(r, 300)); // wall-clock expiry: the key is past its time
    await assert.rejects(clientFor(expired.key).models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError && /expired/.test(e.message));
    // A non-master key may not use the admin API.
    const other = await newKey({ name: 'bob' });
    const res = await request(`${gw.url}/admin/keys`, { headers: { authorization: `Bearer ${other.key}` } });
    assert.equal(res.statusCode, 403);
    await res.body.dump();
  });

  it('403 forbidden naming the model or endpoint out of scope', async () => {
    const made = await newKey({ name: 'scoped', models: ['cloud-free'], endpoints: ['chat'] });
    const c = clientFor(made.key);
    await c.chat.completions.create({ model: 'cloud-free', messages: user('hi') });
    const listed = await request(`${gw.baseURL}/models`, { headers: { authorization: `Bearer ${made.key}` } });
    assert.equal(listed.statusCode, 403, "the models endpoint is outside this key's endpoints");
    await listed.body.dump();
    const wide = await newKey({ name: 'lister', models: ['cloud-free'] });
    const seen = await clientFor(wide.key).models.list();
    assert.deepEqual(
      seen.data.map((m) => m.id),
      ['cloud-free'],
      'a scoped key sees only its models',
    );
    await assert.rejects(
      c.chat.completions.create({ model: 'cloud-small', messages: user('hi') }),
      (e: unknown) => e instanceof OpenAI.PermissionDeniedError && e.code === 'forbidden' && /cloud-small/.test(e.message),
    );
    await assert.rejects(
      c.embeddings.create({ model: 'cloud-free', input: 'x' }),
      (e: unknown) => e instanceof OpenAI.PermissionDeniedError && /embeddings/.test(e.message),
    );
  });

  it('50 parallel calls against a budget that allows 10 never overspend', async () => {
    // Each call holds input estimate + max_tokens 20 at 1 USD/MTok; the budget allows 10 holds.
    const probe = await admin('POST', '/admin/keys', { name: 'probe' });
    const perCall = await (async () => {
      const explainRes = await clientFor(probe.body.key).chat.completions.create({ model: 'cloud-small', messages: user('count to three'), max_tokens: 20 });
      return explainRes.usage!;
    })();
    assert.ok(perCall.prompt_tokens > 0);
    // Worst case per call = (input bound + 20) / 1e6 USD; give room for exactly 10 of them.
    const inputBound = inputTokenBound({ model: 'cloud-small', messages: [{ role: 'user', content: 'count to three' }], maxTokens: 20 });
    const hold = (inputBound + 20) / 1e6;
    const made = await newKey({ name: 'budgeted', budget: { usd: hold * 10 + hold / 2, period: 'month' } });
    const c = clientFor(made.key);
    // A hanging upstream keeps every granted hold open until all 50 calls are decided: no settle
    // can free room early, whatever the machine's speed. Each call is either refused or reaches it.
    cloud.reset();
    cloud.setDefault({ kind: 'hang' });
    const reached = () => cloud.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
    const abort = new AbortController();
    // One signal for all 50 calls: the client adds a listener per call, 50 at once by design.
    setMaxListeners(50, abort.signal);
    const refused: InstanceType<typeof OpenAI.APIError>[] = [];
    const calls = Array.from({ length: 50 }, () =>
      c.chat.completions
        .create({ model: 'cloud-small', messages: user('count to three'), max_tokens: 20 }, { signal: abort.signal })
        .catch((error: unknown) => {
          if (!abort.signal.aborted) refused.push(error as InstanceType<typeof OpenAI.APIError>);
        }),
    );
    while (reached() + refused.length < 50) await new Promise((r) => setImmediate(r));
    assert.equal(reached(), 10, 'granted calls');
    assert.equal(refused.length, 40);
    for (const error of refused) {
      assert.equal(error.status, 402);
      assert.equal(error.code, 'budget_exhausted');
    }
    abort.abort();
    await Promise.all(calls);
    cloud.reset();
    // The abandoned calls release their holds when their responses close.
    while ((await admin('GET', `/admin/keys/${made.id}`)).body.spend.reserved_usd !== 0) await new Promise((r) => setImmediate(r));
    const shown = await admin('GET', `/admin/keys/${made.id}`);
    assert.ok(shown.body.spend.spent_usd <= hold * 10 + hold / 2 + 1e-12, JSON.stringify(shown.body.spend));
    // Device-local or unpriced models are never blocked by a cloud budget.
    await c.chat.completions.create({ model: 'cloud-free', messages: user('hi') });
  });

  it('rate limits: x-ratelimit-* headers, then 429 with Retry-After', async () => {
    const made = await newKey({ name: 'limited', rpm: 3 });
    const c = clientFor(made.key);
    const first = await c.chat.completions.create({ model: 'cloud-free', messages: user('hi') }).withResponse();
    assert.equal(first.response.headers.get('x-ratelimit-limit-requests'), '3');
    assert.equal(first.response.headers.get('x-ratelimit-remaining-requests'), '2');
    assert.ok(first.response.headers.get('x-ratelimit-reset-requests'));
    await c.chat.completions.create({ model: 'cloud-free', messages: user('hi') });
    await c.chat.completions.create({ model: 'cloud-free', messages: user('hi') });
    await assert.rejects(c.chat.completions.create({ model: 'cloud-free', messages: user('hi') }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.code, 'rate_limited');
      assert.ok(Number(e.headers?.get('retry-after')) > 0);
      assert.equal(e.headers?.get('x-ratelimit-remaining-requests'), '0');
      return true;
    });
  });

  it('usage totals equal the sum of what the stand-in cloud reported', async () => {
    const made = await newKey({ name: 'metered', team: 'research' });
    const c = clientFor(made.key);
    let input = 0;
    let output = 0;
    for (const text of ['one', 'two three', 'four five six']) {
      const res = await c.chat.completions.create({ model: 'cloud-small', messages: user(text) });
      input += res.usage!.prompt_tokens;
      output += res.usage!.completion_tokens;
    }
    const stream = await c.chat.completions.create({ model: 'cloud-small', messages: user('streamed'), stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream)
      if (chunk.usage) {
        input += chunk.usage.prompt_tokens;
        output += chunk.usage.completion_tokens;
      }
    const usage = await admin('GET', '/admin/usage?by=key');
    const row = usage.body.data.find((r: { group: string }) => r.group === made.id);
    assert.equal(row.requests, 4);
    assert.equal(row.input_tokens, input);
    assert.equal(row.output_tokens, output);
    assert.ok(Math.abs(row.cost_usd - (input + output) / 1e6) < 1e-9);
    const byTeam = await admin('GET', '/admin/usage?by=team');
    assert.ok(byTeam.body.data.some((r: { group: string; requests: number }) => r.group === 'research' && r.requests === 4));
  });

  it('the audit chain verifies after a mixed run, with no prompt text in it', async () => {
    const verify = await admin('GET', '/admin/audit/verify');
    assert.equal(verify.status, 200);
    assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
    assert.ok(verify.body.count > 20);
    const exported = await request(`${gw.url}/admin/audit/export`, { headers: { authorization: `Bearer ${gw.key}` } });
    const text = await exported.body.text();
    assert.ok(text.split('\n').filter(Boolean).length > 20);
    assert.ok(!text.includes('count to three'));
    assert.match(text, /key\.created/);
  });
});

describe('durability: kill -9 under load', () => {
  it('loses no acknowledged request and leaves a chain that verifies', async () => {
    await using cloud = await startStandInCloud();
    cloud.setDefault({ kind: 'slow', delayMs: 5, then: { kind: 'reply', text: 'ok' } });
    const home = mkdtempSync(join(tmpdir(), 'flambeau-kill-'));
    const config = join(home, 'flambeau.yaml');
    writeFileSync(
      config,
      `providers:\n  - id: cloud\n    type: openai-compatible\n    base_url: ${cloud.openaiBaseUrl}\n    locality: cloud\nmodels:\n  - name: m\n    provider: cloud\n    price: { input_per_mtok: 1, output_per_mtok: 1 }\n`,
    );
    const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), cli, 'serve', '--config', config, '--home', home, '--port', '0'], {
      env: { ...process.env, FLAMBEAU_MASTER_KEY: 'flm-kill-test-master-key-000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await listeningUrl(child);
      const c = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'flm-kill-test-master-key-000', maxRetries: 0 });
      const acked: string[] = [];
      let stop = false;
      const workers = Array.from({ length: 8 }, async () => {
        while (!stop) {
          try {
            const { response } = await c.chat.completions.create({ model: 'm', messages: user('hello') }).withResponse();
            acked.push(response.headers.get('x-request-id') as string);
          } catch {
            return; // the server is gone
          }
        }
      });
      while (acked.length < 60) await new Promise((r) => setImmediate(r));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all(workers);
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
      // The acknowledged records not yet applied are in the killed server's journal: its next start applies them first.
      await replayRecordJournals(home);
      const store = openStore(join(home, 'flambeau.db'));
      try {
        // Keyed, as `flambeau audit verify` checks it: MACs, the head file the killed process kept, usage links.
        const verdict = await createAuditLog({
          sql: store.sql,
          keyed: { key: readAuditKey(home), headPath: join(home, AUDIT_HEAD_FILE), readOnly: true },
        }).verify();
        assert.equal(verdict.ok, true, JSON.stringify(verdict));
        assert.equal(verdict.ok && verdict.keyedFrom, 1);
        const inUsage = new Set(store.db.prepare('SELECT request_id FROM usage_log').pluck().all() as string[]);
        const inAudit = new Set(store.db.prepare("SELECT json_extract(body, '$.event.requestId') FROM audit_log").pluck().all() as string[]);
        const inRequestLog = new Set(store.db.prepare('SELECT id FROM request_log').pluck().all() as string[]);
        const missing = acked.filter((id) => !inUsage.has(id) || !inAudit.has(id));
        assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged requests missing`);
        // The request log is written in the same transaction (issue 11 item 12): never behind usage and audit.
        assert.deepEqual(
          acked.filter((id) => !inRequestLog.has(id)),
          [],
          'acknowledged requests missing from request_log',
        );
        assert.deepEqual(
          [...inUsage].filter((id) => !inRequestLog.has(id)),
          [],
          'usage rows without their request_log row',
        );
      } finally {
        store.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });
});
