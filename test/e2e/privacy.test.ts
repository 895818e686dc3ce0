import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { detectorsFor, privacyConfigSchema, type Detector } from '../../src/privacy/index.js';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const VALUES = {
  person: 'Claire Martin',
  email: 'claire.martin@example.fr',
  phone: '06 12 34 56 78',
  iban: 'FR76 3000 6000 0112 3456 7890 189',
  card: '4111 1111 1111 1111',
  nir: '1 84 12 75 108 123 47',
  secret: 'sk-proj-Xh7Gk29sLqP0vW3nZ8rT5yB1mC4dE6fA',
  ssn: '078-05-1121',
};
const SYSTEM = `Tu assistes Mme ${VALUES.person}. Son NIR est ${VALUES.nir}.`;
const USER = `Écris à ${VALUES.email} ou appelle le ${VALUES.phone}. Mon IBAN : ${VALUES.iban}, carte ${VALUES.card}. Clé : ${VALUES.secret}. SSN ${VALUES.ssn}.`;
const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: [{ type: 'text', text: USER }] },
  { role: 'assistant', content: `D'accord, je note pour Mme ${VALUES.person}.` },
  { role: 'user', content: `Rappelle-moi l'adresse ${VALUES.email}.` },
];

function seenBy(cloud: StandInCloud, index: number): string {
  return JSON.stringify(cloud.requests[index]?.body);
}

describe('privacy guard through the real server: pseudonymise to the cloud, restore to the client', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;
  let failingGw: TestGateway;

  before(async () => {
    cloud = await startStandInCloud();
    const providers = [
      { id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' },
      { id: 'claude', type: 'anthropic', base_url: cloud.anthropicBaseUrl, locality: 'cloud' },
      { id: 'office', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'lan' },
      { id: 'box', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'device' },
    ];
    const models = [
      { name: 'cloud-echo', provider: 'cloud', model: 'echo-1' },
      { name: 'claude-echo', provider: 'claude', model: 'claude-echo' },
      { name: 'lan-echo', provider: 'office', model: 'echo-1' },
      { name: 'device-echo', provider: 'box', model: 'echo-1' },
    ];
    gw = await startTestGateway({ providers, models, privacy: { cloud: 'pseudonymize', lan: 'redact', device: 'block' } });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });

    // A second gateway whose e-mail detector throws: on_detector_error decides.
    const config = privacyConfigSchema.parse({ cloud: 'pseudonymize', lan: 'allow', on_detector_error: 'block' });
    const broken: Detector = {
      type: 'EMAIL',
      name: 'broken-email',
      detect: () => {
        throw new Error('detector bug');
      },
    };
    const detectors = [...detectorsFor(config).filter((d) => d.type !== 'EMAIL'), broken];
    failingGw = await startTestGateway(
      { providers, models, privacy: { cloud: 'pseudonymize', lan: 'allow', on_detector_error: 'block' } },
      { privacyDetectors: detectors },
    );
  });
  after(async () => {
    await gw.close();
    await failingGw.close();
    await cloud.close();
  });
  beforeEach(() => {
    cloud.reset();
    cloud.setDefault({ kind: 'echo' });
  });

  it('the cloud sees placeholders only; the client gets every original value back', async () => {
    const res = await client.chat.completions.create({ model: 'cloud-echo', messages });
    const seen = seenBy(cloud, 0);
    for (const value of Object.values(VALUES)) assert.ok(!seen.includes(value), `the cloud saw ${value}`);
    assert.match(seen, /<PERSON_1>/);
    assert.match(seen, /<EMAIL_1>/);
    // The same value gets the same placeholder in every message.
    assert.equal(seen.match(/<EMAIL_1>/g)?.length, 2);
    assert.equal(seen.match(/<PERSON_1>/g)?.length, 2);
    const answer = res.choices[0]?.message.content ?? '';
    for (const value of Object.values(VALUES)) assert.ok(answer.includes(value), `the answer lacks ${value}`);
    assert.ok(!/<[A-Z_]+_\d+>/.test(answer));
    const row = await logged(gw, res.id.replace(/^chatcmpl-/, ''));
    assert.equal(row?.privacyAction, 'pseudonymize');
    assert.equal(row?.privacyFindings?.EMAIL, 2);
    assert.ok(!JSON.stringify(row).includes(VALUES.email));
  });

  it('restores while streaming, whatever the chunk boundaries (1 to 3 characters)', async () => {
    const whole = await client.chat.completions.create({ model: 'cloud-echo', messages });
    for (const chunkSize of [1, 2, 3]) {
      cloud.script({ kind: 'echo', chunkSize });
      const stream = await client.chat.completions.create({ model: 'cloud-echo', messages, stream: true });
      let text = '';
      let chunks = 0;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        chunks += 1;
      }
      assert.equal(text, whole.choices[0]?.message.content, `chunk size ${chunkSize}`);
      assert.ok(chunks > 50);
    }
  });

  it('restores values inside tool-call arguments, streamed and not', async () => {
    const call = { name: 'send_mail', arguments: '{"to":"<EMAIL_1>","name":"<PERSON_1>","iban":"<IBAN_1>"}', id: 'call_1' };
    cloud.script({ kind: 'reply', toolCalls: [call] }, { kind: 'reply', toolCalls: [call], chunkSize: 2 });
    const tools = [{ type: 'function' as const, function: { name: 'send_mail', parameters: { type: 'object' } } }];
    const whole = await client.chat.completions.create({ model: 'cloud-echo', messages, tools });
    const args = whole.choices[0]?.message.tool_calls?.[0];
    assert.ok(args?.type === 'function');
    assert.deepEqual(JSON.parse(args.function.arguments), { to: VALUES.email, name: VALUES.person, iban: VALUES.iban });
    const streamed = await client.chat.completions.stream({ model: 'cloud-echo', messages, tools }).finalChatCompletion();
    const streamedArgs = streamed.choices[0]?.message.tool_calls?.[0];
    assert.ok(streamedArgs?.type === 'function');
    assert.deepEqual(JSON.parse(streamedArgs.function.arguments), { to: VALUES.email, name: VALUES.person, iban: VALUES.iban });
  });

  it('pseudonymises for an anthropic cloud provider too (system field included)', async () => {
    const res = await client.chat.completions.create({ model: 'claude-echo', messages });
    const seen = seenBy(cloud, 0);
    for (const value of Object.values(VALUES)) assert.ok(!seen.includes(value), `the cloud saw ${value}`);
    for (const value of Object.values(VALUES)) assert.ok(res.choices[0]?.message.content?.includes(value), `the answer lacks ${value}`);
  });

  it('pseudonymises embedding inputs for a cloud model', async () => {
    await client.embeddings.create({ model: 'cloud-echo', input: [`contact ${VALUES.email}`, 'rien de personnel'] });
    const seen = seenBy(cloud, 0);
    assert.ok(!seen.includes(VALUES.email));
    assert.match(seen, /<EMAIL_1>/);
  });

  it('redact replaces without restoring', async () => {
    const res = await client.chat.completions.create({ model: 'lan-echo', messages });
    const seen = seenBy(cloud, 0);
    for (const value of Object.values(VALUES)) assert.ok(!seen.includes(value));
    const answer = res.choices[0]?.message.content ?? '';
    for (const value of Object.values(VALUES)) assert.ok(!answer.includes(value));
    assert.match(answer, /<EMAIL>/);
  });

  it('block answers 403 policy_denied with the types found, never the values, and calls nobody', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'device-echo', messages }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.PermissionDeniedError);
      assert.equal(error.code, 'policy_denied');
      const body = JSON.stringify(error.error);
      for (const value of Object.values(VALUES)) assert.ok(!body.includes(value));
      const types = (error.error as { details: { types: string[] } }).details.types;
      assert.deepEqual(types, ['CREDIT_CARD', 'EMAIL', 'FR_NIR', 'IBAN', 'PERSON', 'PHONE', 'SECRET', 'US_SSN']);
      return true;
    });
    const clean = await client.chat.completions.create({ model: 'device-echo', messages: [{ role: 'user', content: 'Quelle heure est-il ?' }] });
    assert.equal(clean.choices[0]?.message.content, 'Quelle heure est-il ?');
    assert.equal(cloud.requests.length, 1);
  });

  it('a detector that throws leads to on_detector_error (block) where a rewrite was needed', async () => {
    const failing = new OpenAI({ baseURL: failingGw.baseURL, apiKey: failingGw.key, maxRetries: 0 });
    await assert.rejects(failing.chat.completions.create({ model: 'cloud-echo', messages }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.PermissionDeniedError);
      assert.equal(error.code, 'policy_denied');
      assert.match(error.message, /detector failed: broken-email/);
      return true;
    });
    assert.equal(cloud.requests.length, 0);
    // `allow` needs no detector: the lan model still answers.
    const lan = await failing.chat.completions.create({ model: 'lan-echo', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(lan.choices[0]?.message.content, 'hi');
  });

  it('POST /v1/privacy/scan returns spans with types and offsets', async () => {
    const text = `Mail: ${VALUES.email}, IBAN ${VALUES.iban}. Commande n° 2024-118 du 12/03/2024, 45,90 €.`;
    const res = await request(`${gw.url}/v1/privacy/scan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    assert.equal(res.statusCode, 200);
    const body = (await res.body.json()) as { spans: { type: string; start: number; end: number; text: string }[]; findings: Record<string, number> };
    assert.deepEqual(
      body.spans.map((s) => s.type),
      ['EMAIL', 'IBAN'],
    );
    for (const span of body.spans) assert.equal(text.slice(span.start, span.end), span.text);
    assert.deepEqual(body.findings, { EMAIL: 1, IBAN: 1 });
    const bad = await request(`${gw.url}/v1/privacy/scan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}` },
      body: JSON.stringify({ txt: 'x' }),
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(((await bad.body.json()) as { error: { code: string } }).error.code, 'invalid_request');
    const anon = await request(`${gw.url}/v1/privacy/scan`, { method: 'POST', body: JSON.stringify({ text }) });
    assert.equal(anon.statusCode, 401);
    await anon.body.dump();
  });
});

async function logged(gw: TestGateway, id: string) {
  for (let i = 0; i < 200; i++) {
    const row = (await gw.gateway.requestLog.recent(100)).find((r) => r.id === id);
    if (row !== undefined) return row;
    await new Promise((r) => setImmediate(r));
  }
  return undefined;
}
