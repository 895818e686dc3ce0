import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { request } from 'undici';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { ollamaError } from '../helpers/ollama-error.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const messages = [{ role: 'user', content: 'Bonjour' }];

/** `ollama.keyless_loopback`: an Ollama tool that cannot send a header, on the same machine. */
describe('key-less loopback access to the Ollama API, with the ollama client sending no header', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  const keyless = () => new Ollama({ host: gw.url });
  const admin = async (path: string) => {
    const res = await request(`${gw.url}${path}`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(res.statusCode, 200);
    return res.body;
  };

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [
        { name: 'cloud-echo', provider: 'cloud', model: 'echo-1' },
        { name: 'cloud-other', provider: 'cloud', model: 'other-1' },
      ],
      routing: { retries: 0 },
      ollama: { keyless_loopback: { models: ['cloud-echo'], endpoints: ['chat', 'models'] } },
    });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => cloud.reset());

  it('answers a listed model, whole and streamed, and lists only the listed models', async () => {
    cloud.script({ kind: 'reply', text: 'Salut.' });
    const whole = await keyless().chat({ model: 'cloud-echo', messages, stream: false });
    assert.equal(whole.message.content, 'Salut.');
    cloud.script({ kind: 'reply', text: 'un deux trois' });
    let text = '';
    for await (const part of await keyless().chat({ model: 'cloud-echo', messages, stream: true })) text += part.message.content;
    assert.equal(text, 'un deux trois');
    assert.equal(cloud.requests.length, 2);
    assert.deepEqual(
      (await keyless().list()).models.map((m) => m.name),
      ['cloud-echo'],
    );
  });

  it('refuses an unlisted model and an unlisted endpoint with 403 in Ollama shape, before any upstream call', async () => {
    await assert.rejects(
      keyless().chat({ model: 'cloud-other', messages, stream: false }),
      ollamaError(403, /key-less loopback call may not use the model `cloud-other`/),
    );
    await assert.rejects(keyless().embed({ model: 'cloud-echo', input: 'x' }), ollamaError(403, /may not call the embeddings endpoint/));
    await assert.rejects(keyless().chat({ model: 'rag:notes/cloud-echo', messages, stream: false }), ollamaError(403, /collection/));
    assert.equal(cloud.requests.length, 0);
  });

  it('checks a credential that is sent: a wrong key is 401, whatever the setting', async () => {
    const wrong = new Ollama({ host: gw.url, headers: { authorization: 'Bearer flm_000000000000_wrong' } });
    await assert.rejects(wrong.chat({ model: 'cloud-echo', messages, stream: false }), ollamaError(401, /key/i));
    const apiKey = await request(`${gw.url}/api/tags`, { headers: { 'x-api-key': 'not-a-key' } });
    assert.equal(apiKey.statusCode, 401);
    await apiKey.body.dump();
    const empty = await request(`${gw.url}/api/tags`, { headers: { authorization: '' } });
    assert.equal(empty.statusCode, 401);
    await empty.body.dump();
  });

  it('stays out of the OpenAI, Anthropic and admin APIs: no key there is 401', async () => {
    for (const [method, path] of [
      ['POST', '/v1/chat/completions'],
      ['GET', '/v1/models'],
      ['POST', '/v1/messages'],
      ['POST', '/v1/responses'],
      ['GET', '/admin/keys'],
    ] as const) {
      const res = await request(`${gw.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify({ model: 'cloud-echo', messages, max_tokens: 5, input: 'x' }) } : {}),
      });
      assert.equal(res.statusCode, 401, path);
      await res.body.dump();
    }
    const openai = new OpenAI({ baseURL: gw.baseURL, apiKey: 'flm_000000000000_wrong' });
    await assert.rejects(openai.chat.completions.create({ model: 'cloud-echo', messages: [{ role: 'user', content: 'x' }] }), { status: 401 });
    assert.equal(cloud.requests.length, 0);
  });

  it('is recorded as its own actor, in usage and in the audit chain, which verifies', async () => {
    cloud.script({ kind: 'reply', text: 'ok' });
    await keyless().chat({ model: 'cloud-echo', messages, stream: false });
    const usage = (await (await admin('/admin/usage?by=key')).json()) as { data: { group: string; requests: number }[] };
    const row = usage.data.find((r) => r.group === 'loopback');
    assert.ok(row !== undefined && row.requests >= 1, JSON.stringify(usage.data));
    const records = (await (await admin('/admin/audit/export')).text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { event?: { type?: string; actor?: { kind: string; keyId: string | null } } });
    const requests = records.filter((r) => r.event?.type === 'request');
    assert.ok(requests.some((r) => r.event?.actor?.kind === 'loopback' && r.event.actor.keyId === 'loopback'));
    assert.ok(!requests.some((r) => r.event?.actor?.kind === 'master'), 'no key-less call is taken for the master key');
    const verify = (await (await admin('/admin/audit/verify')).json()) as { ok: boolean };
    assert.equal(verify.ok, true);
  });
});

describe('without ollama.keyless_loopback, the Ollama API needs a key like the rest', () => {
  it('answers 401 in Ollama shape to the client that sends no header', async () => {
    await using cloud = await startStandInCloud();
    await using gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [{ name: 'cloud-echo', provider: 'cloud', model: 'echo-1' }],
    });
    const bare = new Ollama({ host: gw.url });
    await assert.rejects(bare.chat({ model: 'cloud-echo', messages, stream: false }), ollamaError(401, /key/i));
    await assert.rejects(bare.list(), ollamaError(401, /key/i));
    assert.equal(cloud.requests.length, 0);
  });
});
