import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestModels, TEST_MODEL_ANSWER, deltasOfPieces, TEST_MODEL_FUNCTION_CALL, type TestModelPaths } from '../../../test/fixtures/test-models.js';
import { createEngine } from '../../engine/child-engine.js';
import type { Engine } from '../../engine/engine.js';
import { FlambeauError } from '../../errors/index.js';
import { describeChatModelContract, type ChatModelContractSubject } from '../__fixtures__/chat-model-contract.js';
import { describeEmbeddingModelContract, type EmbeddingModelContractSubject } from '../__fixtures__/embedding-model-contract.js';
import type { ChatEvent, ChatMessage, ChatRequest, ModelBinding, Provider, ToolSpec } from '../spec.js';
import { createLlamaCppProvider } from './llamacpp-provider.js';

// One engine for the file (the contract suite below shares it); one thread; small contexts except
// for the tool model, whose function documentation needs ~500 tokens.
let dir = '';
let models: TestModelPaths;
let engine: Engine;
let provider: Provider;
let chat: ModelBinding;
let tools: ModelBinding;
let ready: Promise<void> | undefined;

function setUp(): Promise<void> {
  ready ??= (async () => {
    dir = await mkdtemp(join(tmpdir(), 'flambeau-llamacpp-test-'));
    models = await makeTestModels(dir);
    engine = createEngine({ idleTimeoutMs: 60_000, gpu: false, logger: { debug() {}, info() {}, warn() {}, error() {} } });
    provider = createLlamaCppProvider({ id: 'local', locality: 'device', engine });
    chat = { name: 'local-chat', model: 'flambeau-chat', path: models.chat, context: 512, threads: 1 };
    tools = { name: 'local-tools', model: 'flambeau-toolcall', path: models.toolcall, context: 2048, threads: 1 };
  })();
  return ready;
}

before(setUp);

after(async () => {
  await provider?.close();
  await engine?.shutdown();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

const signal = () => new AbortController().signal;
const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'flambeau-chat',
  temperature: 0,
  messages: [{ role: 'user', content: 'Hello, what is the weather in Paris today?' }],
  ...extra,
});

async function collect(events: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const all: ChatEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function rejection(promise: Promise<unknown>): Promise<FlambeauError> {
  try {
    await promise;
  } catch (thrown) {
    assert.ok(thrown instanceof FlambeauError, `expected a FlambeauError, got ${String(thrown)}`);
    return thrown;
  }
  assert.fail('expected a rejection');
}

const WEATHER: ToolSpec = {
  name: 'getWeather',
  description: 'Get the current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describeChatModelContract(
  'llamacpp (real engine, generated GGUF)',
  async (): Promise<ChatModelContractSubject> => {
    await setUp();
    const model = provider.chatModel(chat);
    const question: ChatMessage = { role: 'user', content: 'What is the weather in Paris?' };
    return {
      model,
      text: async () => ({ model, request: ask(), text: TEST_MODEL_ANSWER }),
      length: async () => ({ model, request: ask({ maxTokens: 2 }) }),
      toolCall: async () => ({
        model: provider.chatModel(tools),
        request: { ...ask(), model: 'flambeau-toolcall', tools: [WEATHER], messages: [question] },
        name: TEST_MODEL_FUNCTION_CALL.name,
        arguments: TEST_MODEL_FUNCTION_CALL.params,
      }),
      warnings: {
        unsupported: async () => ({ model, request: ask({ passthrough: { logprobs: true } }), warning: { kind: 'unsupported', setting: 'logprobs' } }),
      },
      upstream: { none: 'the model runs on the embedded engine: there is no upstream HTTP server to script (statuses, timeouts, stalls, payloads)', provider },
    };
  },
  undefined,
  { noUpstream: 'the embedded engine has no upstream HTTP server to script' },
);

describeEmbeddingModelContract(
  'llamacpp (real engine, generated GGUF)',
  async (): Promise<EmbeddingModelContractSubject> => {
    await setUp();
    const model = provider.embeddingModel?.(chat);
    assert.ok(model);
    return {
      model,
      answer: async () => {},
      dimensions: { none: "a llama.cpp embedding has the model's own size" },
      upstream: { none: 'the model runs on the embedded engine: there is no upstream HTTP server to script', provider },
    };
  },
  undefined,
  { fixedSize: "a llama.cpp embedding has the model's own size", noUpstream: 'the embedded engine has no upstream HTTP server to script' },
);

describe('llamacpp chat model (real engine)', () => {
  it('generates the answer with exact usage, the same on every run', async () => {
    const model = provider.chatModel(chat);
    assert.deepEqual([model.provider, model.model, model.locality], ['local', 'flambeau-chat', 'device']);
    const first = await model.generate(ask(), signal());
    const second = await model.generate(ask(), signal());
    assert.equal(first.text, TEST_MODEL_ANSWER);
    assert.deepEqual(first.toolCalls, []);
    assert.deepEqual(first.finish, { reason: 'stop', raw: 'eogToken' });
    assert.deepEqual(first.warnings, []);
    assert.equal(first.usage.outputTokens, 6, 'five answer tokens and the end-of-generation token');
    assert.equal(first.usage.estimated, false);
    assert.ok((first.usage.inputTokens ?? 0) > 0);
    assert.deepEqual(second.usage, first.usage);
    // The template counts: a system message adds its tokens to the prompt.
    const longer = await model.generate(ask({ messages: [{ role: 'system', content: 'Be brief.' }, ...ask().messages] }), signal());
    assert.ok((longer.usage.inputTokens ?? 0) > (first.usage.inputTokens ?? 0));
    assert.equal(provider.status?.(chat).loaded, true);
  });

  it("streams the answer in the model's own token pieces (joined in short windows by the engine)", async () => {
    // Stream order, joined text and usage are the contract's; the pieces are this model's.
    const events = await collect(provider.chatModel(chat).stream(ask(), signal()));
    const start = events[0];
    assert.ok(start?.type === 'stream-start');
    assert.deepEqual(start.warnings, []);
    // What the engine found in its KV cache (here the template's first tokens: the last prompt had a system message).
    const end = events.at(-1);
    assert.ok(end?.type === 'stream-end');
    assert.ok(typeof start.cachedInputTokens === 'number' && start.cachedInputTokens < (end.usage.inputTokens ?? 0));
    assert.equal(end.usage.cachedInputTokens, start.cachedInputTokens);
    const deltas = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : []));
    assert.ok(deltasOfPieces(deltas), JSON.stringify(deltas));
  });

  it('stops at max_tokens with finish length, and at a stop sequence with finish stop', async () => {
    const model = provider.chatModel(chat);
    const cut = await model.generate(ask({ maxTokens: 2 }), signal());
    assert.equal(cut.text, 'Bonjour');
    assert.deepEqual(cut.finish, { reason: 'length', raw: 'maxTokens' });
    assert.equal(cut.usage.outputTokens, 2);
    const stopped = await model.generate(ask({ stop: [' flam'] }), signal());
    assert.equal(stopped.text, 'Bonjour from');
    assert.deepEqual(stopped.finish, { reason: 'stop', raw: 'customStopTrigger' });
  });

  it('answers JSON matching a json_schema response format', async () => {
    const schema = {
      type: 'object',
      properties: { greeting: { type: 'string', maxLength: 40 }, count: { type: 'integer' }, mood: { enum: ['happy', 'sad'] } },
      required: ['greeting', 'count', 'mood'],
      additionalProperties: false,
    };
    const result = await provider.chatModel(chat).generate(ask({ maxTokens: 200, responseFormat: { type: 'json_schema', name: 'reply', schema } }), signal());
    assert.equal(result.finish.reason, 'stop');
    const parsed = JSON.parse(result.text ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed).sort(), ['count', 'greeting', 'mood']);
    assert.equal(typeof parsed.greeting, 'string');
    assert.ok((parsed.greeting as string).length <= 40);
    assert.ok(Number.isInteger(parsed.count));
    assert.ok(['happy', 'sad'].includes(parsed.mood as string));
  });

  it('calls a tool, then answers once the tool result is in the history', async () => {
    const model = provider.chatModel(tools);
    const question: ChatMessage = { role: 'user', content: 'What is the weather in Paris?' };
    // The contract checks the call's name, arguments and finish; these are llamacpp's own ids and raw reason.
    const events = await collect(model.stream({ ...ask(), model: 'flambeau-toolcall', tools: [WEATHER], messages: [question] }, signal()));
    const deltas = events.filter((e) => e.type === 'tool-call-delta');
    assert.match(deltas[0]?.id ?? '', /^call_[\w-]+$/);
    assert.ok(deltas.slice(1).every((d) => d.id === undefined && d.name === undefined && d.index === 0));
    const end = events.at(-1);
    assert.equal(end?.type, 'stream-end');
    assert.deepEqual(end.finish, { reason: 'tool-calls', raw: 'functionCalls' });

    const call = await model.generate({ ...ask(), model: 'flambeau-toolcall', tools: [WEATHER], messages: [question] }, signal());
    assert.equal(call.text, null);
    assert.equal(call.toolCalls.length, 1);
    const [toolCall] = call.toolCalls;
    assert.ok(toolCall);
    const answer = await model.generate(
      {
        ...ask(),
        model: 'flambeau-toolcall',
        tools: [WEATHER],
        messages: [
          question,
          { role: 'assistant', content: null, toolCalls: [toolCall] },
          { role: 'tool', toolCallId: toolCall.id, content: '{"temperature": 21}' },
        ],
      },
      signal(),
    );
    assert.equal(answer.text, TEST_MODEL_ANSWER);
    assert.deepEqual(answer.toolCalls, []);
    assert.equal(answer.finish.reason, 'stop');
    assert.ok((answer.usage.inputTokens ?? 0) > (call.usage.inputTokens ?? 0), 'the call and its result are part of the prompt');
  });

  it('embeds one vector per input, as bags of words, with exact token counts', async () => {
    const embedder = provider.embeddingModel?.(chat);
    assert.ok(embedder);
    const documents = ['The invoice for the project budget', 'Rain and wind in Paris tomorrow', 'My dog and my cat in the garden'];
    const query = 'weather in Paris: rain tomorrow?';
    const { vectors, usage } = await embedder.embed({ model: 'flambeau-chat', input: [query, ...documents] }, signal());
    assert.equal(vectors.length, 4);
    const [q, ...docs] = vectors as [Float32Array, ...Float32Array[]];
    const ranked = docs.map((v, i) => ({ i, score: cosine(q, v) })).sort((a, b) => b.score - a.score);
    assert.equal(ranked[0]?.i, 1);
    assert.equal(usage.estimated, false);
    assert.equal(usage.outputTokens, 0);
    const again = await embedder.embed({ model: 'flambeau-chat', input: [query] }, signal());
    const rest = await embedder.embed({ model: 'flambeau-chat', input: documents }, signal());
    assert.equal(usage.inputTokens, (again.usage.inputTokens ?? 0) + (rest.usage.inputTokens ?? 0));
    assert.deepEqual([...(again.vectors[0] ?? [])], [...q]);
    // A size other than the model's own is refused: the embedding contract's declaration check.
  });

  it('applies a chat template override: a wrapper name or Jinja text', async () => {
    const auto = await provider.chatModel(chat).generate(ask(), signal());
    const llama2 = await provider.chatModel({ ...chat, chatTemplate: 'llama2Chat' }).generate(ask(), signal());
    assert.notEqual(llama2.usage.inputTokens, auto.usage.inputTokens);
    const jinja =
      "{% for message in messages %}{{'### ' + message['role'] + ': ' + message['content'] + '\\n'}}{% endfor %}" +
      "{% if add_generation_prompt %}{{ '### assistant: ' }}{% endif %}";
    const custom = await provider.chatModel({ ...chat, chatTemplate: jinja }).generate(ask(), signal());
    assert.equal(custom.text, TEST_MODEL_ANSWER);
    assert.notEqual(custom.usage.inputTokens, auto.usage.inputTokens);
    const unknown = await rejection(provider.chatModel({ ...chat, chatTemplate: 'no-such-wrapper' }).generate(ask(), signal()));
    assert.equal(unknown.code, 'invalid_request');
  });

  it('throws before any event: an oversized prompt, a missing model file', async () => {
    const stream = provider.chatModel(chat).stream(ask({ messages: [{ role: 'user', content: 'weather '.repeat(600) }] }), signal());
    const tooLong = await rejection(stream[Symbol.asyncIterator]().next());
    assert.equal(tooLong.code, 'invalid_request');
    assert.ok((tooLong.details.promptTokens as number) > (tooLong.details.contextSize as number));
    const missing = await rejection(provider.chatModel({ ...chat, name: 'gone', path: join(dir, 'missing.gguf') }).generate(ask(), signal()));
    assert.equal(missing.code, 'model_not_found');
  });
});

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}
