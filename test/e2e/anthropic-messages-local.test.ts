import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { makeTestModels, TEST_MODEL_ANSWER, TEST_MODEL_FUNCTION_CALL } from '../fixtures/test-models.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** Issue 13 item 2 on the embedded engine: the Anthropic SDK against a local GGUF model. */
describe('the Anthropic Messages API on a local GGUF model', () => {
  let dir: string;
  let gw: TestGateway;
  let client: Anthropic;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-models-'));
    const models = await makeTestModels(dir);
    gw = await startTestGateway({
      providers: [{ id: 'local', type: 'llamacpp' }],
      models: [
        { name: 'local-chat', provider: 'local', path: models.chat, context: 1024, threads: 1 },
        { name: 'local-tools', provider: 'local', path: models.toolcall, context: 2048, threads: 1 },
      ],
    });
    client = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Quel temps fait-il à Paris ?' }];

  it('answers whole and streamed, with exact usage; an image is a clear 400', async () => {
    const whole = await client.messages.create({ model: 'local-chat', max_tokens: 64, messages });
    assert.deepEqual(whole.content, [{ type: 'text', text: TEST_MODEL_ANSWER }]);
    assert.equal(whole.stop_reason, 'end_turn');
    assert.equal(whole.usage.output_tokens, 6);
    const streamed = await client.messages.stream({ model: 'local-chat', max_tokens: 64, messages }).finalMessage();
    assert.deepEqual(streamed.content, whole.content);
    // The same prompt again: all of it but its last token is read from the engine's KV cache, which
    // Anthropic's usage counts apart from input_tokens.
    assert.equal(whole.usage.cache_read_input_tokens, 0);
    assert.equal(streamed.usage.cache_read_input_tokens, whole.usage.input_tokens - 1);
    assert.deepEqual(
      [streamed.usage.input_tokens + (streamed.usage.cache_read_input_tokens ?? 0), streamed.usage.output_tokens],
      [whole.usage.input_tokens, whole.usage.output_tokens],
    );
    const cut = await client.messages.create({ model: 'local-chat', max_tokens: 2, messages });
    assert.equal(cut.stop_reason, 'max_tokens');

    const image = { type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data: 'iVBORw0KGgo=' } };
    await assert.rejects(
      client.messages.create({ model: 'local-chat', max_tokens: 8, messages: [{ role: 'user', content: [image, { type: 'text', text: 'Décris.' }] }] }),
      (error: unknown) => error instanceof Anthropic.BadRequestError && /does not accept images/.test(error.message),
    );
  });

  it('runs a tool use round trip', async () => {
    const tools: Anthropic.Tool[] = [
      {
        name: 'getWeather',
        description: 'Current weather for a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    const first = await client.messages.create({ model: 'local-tools', max_tokens: 128, messages, tools });
    assert.equal(first.stop_reason, 'tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    assert.ok(use?.type === 'tool_use');
    assert.equal(use.name, TEST_MODEL_FUNCTION_CALL.name);
    assert.deepEqual(use.input, TEST_MODEL_FUNCTION_CALL.params);
    assert.match(use.id, /\S/);
    const streamed = await client.messages.stream({ model: 'local-tools', max_tokens: 128, messages, tools }).finalMessage();
    const streamedUse = streamed.content.find((b) => b.type === 'tool_use');
    assert.deepEqual(streamedUse?.type === 'tool_use' ? streamedUse.input : undefined, TEST_MODEL_FUNCTION_CALL.params);

    const second = await client.messages.create({
      model: 'local-tools',
      max_tokens: 128,
      tools,
      messages: [
        ...messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '{"temperature": 21, "sky": "clear"}' }] },
      ],
    });
    assert.equal(second.stop_reason, 'end_turn');
    assert.deepEqual(second.content, [{ type: 'text', text: TEST_MODEL_ANSWER }]);
  });
});
