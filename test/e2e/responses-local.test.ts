import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';
import { makeTestModels, TEST_MODEL_ANSWER, TEST_MODEL_FUNCTION_CALL } from '../fixtures/test-models.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** POST /v1/responses on the embedded llama.cpp engine with the tiny generated GGUFs. */
describe('the Responses API on a local GGUF model', () => {
  let dir: string;
  let gw: TestGateway;
  let client: OpenAI;

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
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const input = 'Quel temps fait-il à Paris ?';

  it('answers, streamed and not, with exact usage', async () => {
    const { data: whole, response } = await client.responses.create({ model: 'local-chat', input }).withResponse();
    assert.equal(whole.output_text, TEST_MODEL_ANSWER);
    assert.equal(whole.status, 'completed');
    assert.equal(response.headers.get('x-flambeau-locality'), 'device');
    assert.ok((whole.usage?.output_tokens ?? 0) > 0 && (whole.usage as unknown as Record<string, unknown>).estimated === undefined);
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of await client.responses.create({ model: 'local-chat', input, stream: true })) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    assert.equal(text, TEST_MODEL_ANSWER);
    // The same input again: all of its prompt but the last token comes from the engine's cache.
    assert.equal(whole.usage?.input_tokens_details.cached_tokens, 0);
    assert.equal(completed?.usage?.input_tokens_details.cached_tokens, (whole.usage?.input_tokens ?? 0) - 1);
    assert.deepEqual({ ...completed?.usage, input_tokens_details: null }, { ...whole.usage, input_tokens_details: null });
  });

  it('runs a function call round trip', async () => {
    const tools: OpenAI.Responses.FunctionTool[] = [
      {
        type: 'function',
        name: 'getWeather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        strict: null,
      },
    ];
    const first = await client.responses.create({ model: 'local-tools', input, tools });
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call?.type === 'function_call');
    assert.equal(call.name, TEST_MODEL_FUNCTION_CALL.name);
    assert.deepEqual(JSON.parse(call.arguments), TEST_MODEL_FUNCTION_CALL.params);
    const second = await client.responses.create({
      model: 'local-tools',
      tools,
      input: [{ role: 'user', content: input }, call, { type: 'function_call_output', call_id: call.call_id, output: '{"temperature": 21}' }],
    });
    assert.equal(second.output_text, TEST_MODEL_ANSWER);
  });

  it('the AI SDK default provider: generateText, streamText and a tool loop', async () => {
    const openai = createOpenAI({ baseURL: gw.baseURL, apiKey: gw.key });
    assert.equal((await generateText({ model: openai('local-chat'), prompt: input, maxRetries: 0 })).text, TEST_MODEL_ANSWER);
    assert.equal(await streamText({ model: openai('local-chat'), prompt: input, maxRetries: 0 }).text, TEST_MODEL_ANSWER);
    let asked: unknown;
    const getWeather = tool({
      description: 'Current weather for a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async (args) => {
        asked = args;
        return { temperature: 21 };
      },
    });
    const looped = await generateText({ model: openai('local-tools'), prompt: input, tools: { getWeather }, stopWhen: stepCountIs(2), maxRetries: 0 });
    assert.deepEqual(asked, TEST_MODEL_FUNCTION_CALL.params);
    assert.equal(looped.text, TEST_MODEL_ANSWER);
  });
});
