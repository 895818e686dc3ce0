import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** Issue 14: a value between angle brackets (e-mail headers) must come back with its brackets. */
describe('privacy restore through the real server: values between angle brackets', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let client: OpenAI;
  const header = 'From: Mason Brennan <ethan@x.org>\nTo: Claire Martin <claire.martin@example.fr>';

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [{ name: 'cloud-echo', provider: 'cloud', model: 'echo-1' }],
      privacy: { cloud: 'pseudonymize' },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });

  it('the cloud sees <<EMAIL_1>>; the client gets the header back exactly, whole and streamed', async () => {
    cloud.setDefault({ kind: 'echo' });
    const res = await client.chat.completions.create({ model: 'cloud-echo', messages: [{ role: 'user', content: header }] });
    const seen = JSON.stringify(cloud.requests[0]?.body);
    assert.ok(seen.includes('<<EMAIL_1>>'), seen);
    assert.ok(!seen.includes('ethan@x.org') && !seen.includes('Mason Brennan'), seen);
    assert.ok(res.choices[0]?.message.content?.includes(header), res.choices[0]?.message.content ?? '');
    for (const chunkSize of [1, 3]) {
      cloud.script({ kind: 'echo', chunkSize });
      let text = '';
      for await (const chunk of await client.chat.completions.create({ model: 'cloud-echo', messages: [{ role: 'user', content: header }], stream: true })) {
        text += chunk.choices[0]?.delta?.content ?? '';
      }
      assert.ok(text.includes(header), `chunk size ${chunkSize}: ${text}`);
    }
  });
});
