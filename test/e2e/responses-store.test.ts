import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { request } from 'undici';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** store (default true), previous_response_id, GET / DELETE /v1/responses/{id} and its input_items. */
describe('stored responses through the openai client', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;

  const clientWithNewKey = async (name: string): Promise<OpenAI> => {
    const res = await request(`${gw.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    assert.equal(res.statusCode, 201);
    const { key } = (await res.body.json()) as { key: string };
    return new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0 });
  };

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [{ name: 'cloud-free', provider: 'cloud', model: 'free-1' }],
      privacy: { cloud: 'pseudonymize' },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => cloud.reset());

  it('stores by default; previous_response_id continues the conversation; GET, input_items, DELETE', async () => {
    cloud.script({ kind: 'reply', text: 'Paris is the capital.' }, { kind: 'reply', text: 'About two million people.' });
    const first = await client.responses.create({ model: 'cloud-free', instructions: 'Be brief.', input: 'Capital of France?' });
    assert.equal((first as unknown as { store: boolean }).store, true);
    const second = await client.responses.create({ model: 'cloud-free', previous_response_id: first.id, input: 'How many live there?' });
    assert.equal(second.previous_response_id, first.id);
    const sent = (cloud.requests[1]?.body as { messages: { role: string; content: unknown }[] }).messages;
    assert.deepEqual(
      sent.map((m) => [m.role, JSON.stringify(m.content)]),
      [
        ['user', '"Capital of France?"'],
        ['assistant', JSON.stringify([{ type: 'text', text: 'Paris is the capital.' }])],
        ['user', '"How many live there?"'],
      ],
      'earlier turns come back; instructions do not carry over (as OpenAI)',
    );

    assert.deepEqual(await client.responses.retrieve(first.id), { ...first, output_text: first.output_text });
    const items = await client.responses.inputItems.list(second.id, { order: 'asc' });
    const roles = items.data.map((item) => (item.type === 'message' ? `${item.role}` : item.type));
    assert.deepEqual(roles, ['user', 'assistant', 'user']);
    assert.ok(items.data.every((item) => typeof item.id === 'string' && item.id !== ''));
    const desc = await client.responses.inputItems.list(second.id);
    assert.deepEqual(
      desc.data.map((item) => item.id),
      items.data.map((item) => item.id).reverse(),
      'newest first by default',
    );

    await client.responses.delete(first.id);
    await assert.rejects(client.responses.retrieve(first.id), OpenAI.NotFoundError);
    await assert.rejects(client.responses.delete(first.id), OpenAI.NotFoundError);
    await assert.rejects(client.responses.create({ model: 'cloud-free', previous_response_id: first.id, input: 'And?' }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.equal(e.param, 'previous_response_id');
      return true;
    });
  });

  it('a stored response is readable and deletable only by the key that made it', async () => {
    const alice = await clientWithNewKey('alice');
    const bob = await clientWithNewKey('bob');
    const made = await alice.responses.create({ model: 'cloud-free', input: 'Secret plans.' });
    assert.equal((await alice.responses.retrieve(made.id)).id, made.id);
    await assert.rejects(bob.responses.retrieve(made.id), OpenAI.NotFoundError);
    await assert.rejects(bob.responses.delete(made.id), OpenAI.NotFoundError);
    await assert.rejects(bob.responses.inputItems.list(made.id), OpenAI.NotFoundError);
    await assert.rejects(bob.responses.create({ model: 'cloud-free', previous_response_id: made.id, input: 'x' }), OpenAI.BadRequestError);
    assert.equal((await alice.responses.retrieve(made.id)).id, made.id);
  });

  it('store: false keeps nothing; a streamed response is stored once complete', async () => {
    const unstored = await client.responses.create({ model: 'cloud-free', input: 'x', store: false });
    assert.equal((unstored as unknown as { store: boolean }).store, false);
    await assert.rejects(client.responses.retrieve(unstored.id), OpenAI.NotFoundError);

    cloud.script({ kind: 'reply', text: 'Streamed and kept.' });
    let id = '';
    for await (const event of await client.responses.create({ model: 'cloud-free', input: 'Go.', stream: true })) {
      if (event.type === 'response.completed') id = event.response.id;
    }
    const kept = await client.responses.retrieve(id);
    assert.equal(kept.output_text, 'Streamed and kept.');
    assert.equal(kept.status, 'completed');
  });

  it('keeps personal data only as the client sent and received it, never the pseudonymised form', async () => {
    const text = 'Write to Claire Martin <claire.martin@example.fr> today.';
    cloud.setDefault({ kind: 'echo' });
    const made = await client.responses.create({ model: 'cloud-free', input: text });
    assert.ok(JSON.stringify(cloud.requests[0]?.body).includes('<<EMAIL_1>>'));
    const kept = await client.responses.retrieve(made.id);
    assert.ok(kept.output_text.includes('claire.martin@example.fr'), kept.output_text);
    const items = await client.responses.inputItems.list(made.id);
    assert.ok(JSON.stringify(items.data).includes('claire.martin@example.fr'));
    const db = new Database(join(gw.home, 'flambeau.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT input_items, response FROM stored_responses').all() as { input_items: string; response: string }[];
      assert.ok(rows.length > 0);
      for (const row of rows) assert.ok(!row.input_items.includes('<<') && !row.response.includes('<<EMAIL'), JSON.stringify(row));
    } finally {
      db.close();
    }
    // The continuation is pseudonymised again on its way out, and restored again.
    const next = await client.responses.create({ model: 'cloud-free', previous_response_id: made.id, input: 'Again.' });
    const seen = JSON.stringify(cloud.requests.at(-1)?.body);
    assert.ok(!seen.includes('claire.martin@example.fr'), seen);
    assert.ok(next.output_text.includes('claire.martin@example.fr'), next.output_text);
  });
});
