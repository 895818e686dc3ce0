import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, Output, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { startStandInCloud, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

/** The Vercel AI SDK's default OpenAI provider speaks the Responses API: it works against flambeau unchanged. */
describe('the AI SDK (default @ai-sdk/openai provider, Responses API)', () => {
  let cloud: StandInCloud;
  let gw: TestGateway;
  let openai: ReturnType<typeof createOpenAI>;
  /** The paths the SDK called on flambeau: proof that it spoke the Responses API. */
  const called: string[] = [];
  const sentBodies: string[] = [];

  before(async () => {
    cloud = await startStandInCloud();
    gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [{ name: 'cloud-free', provider: 'cloud', model: 'free-1' }],
      privacy: { cloud: 'pseudonymize' },
      // The tool loop's items are checked as they translate, byte for byte: tool outputs go up as
      // they came (the default, spotlight, is tested in injection-spine.test.ts).
      injection: { tools: 'allow' },
    });
    openai = createOpenAI({
      baseURL: gw.baseURL,
      apiKey: gw.key,
      fetch: async (input, init) => {
        called.push(new URL(input instanceof Request ? input.url : input).pathname);
        sentBodies.push(typeof init?.body === 'string' ? init.body : '');
        return fetch(input, init);
      },
    });
  });
  after(async () => {
    await gw.close();
    await cloud.close();
  });
  beforeEach(() => cloud.reset());

  it('generateText: text, finish reason and usage', async () => {
    cloud.script({ kind: 'reply', text: 'Hello from the cloud.' });
    const result = await generateText({ model: openai('cloud-free'), system: 'Be brief.', prompt: 'Say hello.', maxRetries: 0 });
    assert.equal(result.text, 'Hello from the cloud.');
    assert.equal(result.finishReason, 'stop');
    assert.ok((result.usage.inputTokens ?? 0) > 0 && (result.usage.outputTokens ?? 0) > 0);
    assert.equal(called.at(-1), '/v1/responses');
    assert.equal(cloud.requests[0]?.path, '/v1/chat/completions');
    const sent = cloud.requests[0]?.body as { messages: { role: string; content: unknown }[] };
    assert.equal(sent.messages[0]?.role, 'system');
  });

  it('streamText: the deltas reassemble to the text', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    cloud.script({ kind: 'reply', text, chunkSize: 3 });
    const result = streamText({ model: openai('cloud-free'), prompt: 'Go.', maxRetries: 0 });
    let streamed = '';
    let parts = 0;
    for await (const part of result.textStream) {
      streamed += part;
      parts += 1;
    }
    assert.equal(streamed, text);
    assert.ok(parts > 5);
    assert.equal(await result.finishReason, 'stop');
    assert.ok(((await result.usage).outputTokens ?? 0) > 0);
  });

  it('runs a tool loop: the call, our execute, the answer from its output (generateText and streamText)', async () => {
    const weather = tool({
      description: 'Weather in a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, temperature: 21 }),
    });
    for (const mode of ['generate', 'stream'] as const) {
      cloud.reset();
      cloud.script(
        { kind: 'reply', toolCalls: [{ name: 'weather', arguments: '{"city":"Paris"}', id: 'call_w1' }], chunkSize: 5 },
        { kind: 'reply', text: 'It is 21 degrees in Paris.' },
      );
      const settings = { model: openai('cloud-free'), prompt: 'Weather in Paris?', tools: { weather }, stopWhen: stepCountIs(3), maxRetries: 0 };
      const text = mode === 'generate' ? (await generateText(settings)).text : await streamText(settings).text;
      assert.equal(text, 'It is 21 degrees in Paris.', mode);
      const second = cloud.requests[1]?.body as { messages: Record<string, unknown>[] };
      assert.deepEqual(second.messages.slice(1), [
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_w1', content: JSON.stringify({ city: 'Paris', temperature: 21 }) },
      ]);
    }
  });

  it('a step with text and a tool call comes back as item references to the stored response (store is on by default)', async () => {
    const weather = tool({ inputSchema: z.object({ city: z.string() }), execute: async () => ({ temperature: 21 }) });
    cloud.script(
      { kind: 'reply', text: 'Let me check.', toolCalls: [{ name: 'weather', arguments: '{"city":"Paris"}', id: 'call_w2' }] },
      { kind: 'reply', text: 'It is 21 degrees.' },
    );
    const result = await generateText({
      model: openai('cloud-free'),
      prompt: 'Weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    assert.equal(result.text, 'It is 21 degrees.');
    const input = (JSON.parse(sentBodies.at(-1) ?? '{}') as { input: { type?: string }[] }).input;
    assert.ok(
      input.some((item) => item.type === 'item_reference'),
      JSON.stringify(input),
    );
    const second = cloud.requests[1]?.body as { messages: Record<string, unknown>[] };
    assert.deepEqual(second.messages.slice(1), [
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Let me check.' }],
        tool_calls: [{ id: 'call_w2', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_w2', content: JSON.stringify({ temperature: 21 }) },
    ]);
  });

  it('structured output: the JSON schema reaches the upstream as response_format', async () => {
    cloud.script({ kind: 'reply', text: '{"city":"Paris","temperature":21}' });
    const result = await generateText({
      model: openai('cloud-free'),
      prompt: 'Weather in Paris as JSON.',
      output: Output.object({ schema: z.object({ city: z.string(), temperature: z.number() }) }),
      maxRetries: 0,
    });
    assert.deepEqual(result.output, { city: 'Paris', temperature: 21 });
    const sent = cloud.requests[0]?.body as { response_format: { type: string; json_schema: { name: string } } };
    assert.equal(sent.response_format.type, 'json_schema');
  });

  it('pseudonymises personal data upstream and restores it, streamed and not', async () => {
    const prompt = 'Write to Claire Martin <claire.martin@example.fr> today.';
    cloud.setDefault({ kind: 'echo' });
    const whole = await generateText({ model: openai('cloud-free'), prompt, maxRetries: 0 });
    assert.ok(whole.text.includes(prompt), whole.text);
    const streamed = await streamText({ model: openai('cloud-free'), prompt, maxRetries: 0 }).text;
    assert.ok(streamed.includes(prompt), streamed);
    for (const seen of cloud.requests.map((r) => JSON.stringify(r.body))) assert.ok(!seen.includes('claire.martin@example.fr'), seen);
  });

  it('a refusal reaches the caller as an API error with its status', async () => {
    await assert.rejects(generateText({ model: openai('no-such-model'), prompt: 'x', maxRetries: 0 }), (e: unknown) => {
      assert.equal((e as { statusCode?: number }).statusCode, 404);
      return true;
    });
  });
});
