import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startStandInCloud, type Behaviour, type StandInCloud } from '../../../test/helpers/stand-in-cloud.js';
import { Secret } from '../../config/secret.js';
import { FlambeauError } from '../../errors/index.js';
import { describeChatModelContract, type ChatCase, type ChatModelContractSubject } from '../__fixtures__/chat-model-contract.js';
import type { ChatEvent, ChatModel, ChatRequest, Provider, ToolSpec } from '../spec.js';
import { translateOpenAiStream } from './openai-stream.js';
import { createOpenAiCompatibleProvider } from './openai-provider.js';

const KEY = 'sk-openai-contract';
const WEATHER: ToolSpec = { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'ignored', messages: [{ role: 'user', content: 'Hello there' }], ...extra });

/** Real frames of a streamed answer, as the stand-in sends them: the role chunk, then one word. */
function firstFrames(text: string): string {
  const chunk = (delta: object) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
  return chunk({ role: 'assistant', content: '' }) + chunk({ content: text });
}

let cloud: StandInCloud;
const providers: Provider[] = [];

function provider(extra: { timeouts?: { firstByteTimeoutMs: number } } = {}): Provider {
  const created = createOpenAiCompatibleProvider({ id: 'openai-test', baseUrl: cloud.openaiBaseUrl, apiKey: new Secret(KEY), locality: 'cloud', ...extra });
  providers.push(created);
  return created;
}

async function makeSubject(): Promise<ChatModelContractSubject> {
  cloud = await startStandInCloud({ apiKey: KEY });
  const model = provider().chatModel({ name: 'mini', model: 'gpt-4o-mini' });
  const impatient = provider({ timeouts: { firstByteTimeoutMs: 50 } }).chatModel({ name: 'mini', model: 'gpt-4o-mini' });
  // Every call until the next arrangement gets the same behaviour: a call that never reaches the
  // cloud (an aborted signal) leaves nothing queued for the next case.
  const answer = (behaviour: Behaviour): void => cloud.setDefault(behaviour);
  const plain = (request: ChatRequest = ask()): ChatCase => ({ model, request });
  const raw = (body: string) => async (): Promise<ChatCase> => {
    answer({ kind: 'raw', body });
    return plain();
  };
  return {
    model,
    async text() {
      answer({ kind: 'reply', text: 'Hello from the contract suite.' });
      return { ...plain(), text: 'Hello from the contract suite.' };
    },
    async length() {
      answer({ kind: 'reply', text: 'Cut short', finishReason: 'length' });
      return plain(ask({ maxTokens: 2 }));
    },
    async toolCall() {
      answer({ kind: 'reply', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
      return { ...plain(ask({ tools: [WEATHER] })), name: 'get_weather', arguments: { city: 'Paris' } };
    },
    warnings: {
      none: 'OpenAI-compatible servers get every setting, passthrough fields included, unchanged',
      async everySetting() {
        answer({ kind: 'reply' });
        return plain(
          ask({
            maxTokens: 9,
            temperature: 0.5,
            topP: 0.9,
            stop: ['x'],
            seed: 1,
            presencePenalty: 0.1,
            frequencyPenalty: 0.1,
            tools: [WEATHER],
            toolChoice: 'auto',
            parallelToolCalls: false,
            responseFormat: { type: 'json_object' },
            user: 'u',
            passthrough: { logprobs: true },
          }),
        );
      },
    },
    upstream: {
      async status(status) {
        answer({ kind: 'fail', status, ...(status === 429 ? { retryAfterSeconds: 3 } : {}) });
        return plain();
      },
      async silence() {
        answer({ kind: 'hang' });
        return { model: impatient, request: ask() };
      },
      async stall() {
        const before = cloud.requests.length;
        answer({ kind: 'raw', body: firstFrames('Hello'), hold: true });
        return { ...plain(), closed: () => cloud.waitFor((r) => r[before]?.aborted === true) };
      },
      async errorMidStream() {
        answer({ kind: 'error-mid-stream', afterChunks: 3 });
        // Frames: role, 'Hello', ' from', then the error frame (the default answer's words).
        return { ...plain(), textBefore: 'Hello from' };
      },
      malformed: [
        { what: 'a completion that is not JSON', stream: false, arrange: raw('{"choices": [') },
        { what: 'a completion without choices', stream: false, arrange: raw('{"object":"chat.completion","choices":[]}') },
        { what: 'a completion whose content is a number', stream: false, arrange: raw('{"choices":[{"message":{"content":42},"finish_reason":"stop"}]}') },
        { what: 'a completion that is JSON null', stream: false, arrange: raw('null') },
        { what: 'a stream frame that is not JSON', stream: true, arrange: raw('data: {"choices": [\n\n') },
        { what: 'a stream frame whose tool_calls is a number', stream: true, arrange: raw('data: {"choices":[{"delta":{"tool_calls":5}}]}\n\n') },
        { what: 'a stream frame whose usage counts are strings', stream: true, arrange: raw('data: {"choices":[],"usage":{"prompt_tokens":"3"}}\n\n') },
        { what: 'a stream frame that is JSON null', stream: true, arrange: raw('data: null\n\n') },
      ],
    },
  };
}

describeChatModelContract(
  'openai-compatible (stand-in cloud)',
  makeSubject,
  async () => {
    for (const p of providers) await p.close();
    await cloud.close();
  },
  { honoursEverySetting: 'OpenAI-compatible servers get every setting, passthrough fields included, unchanged' },
);

describe('openai-compatible chat model: wire specifics', () => {
  async function collect(events: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
    const out: ChatEvent[] = [];
    for await (const event of events) out.push(event);
    return out;
  }

  it('sends the bearer key, the model id and stream_options to /chat/completions', async () => {
    await using standIn = await startStandInCloud({ apiKey: KEY });
    const p = createOpenAiCompatibleProvider({
      id: 'o',
      baseUrl: standIn.openaiBaseUrl,
      apiKey: new Secret(KEY),
      locality: 'cloud',
      headers: { 'x-extra': '1' },
    });
    try {
      const model: ChatModel = p.chatModel({ name: 'n', model: 'gpt-4o-mini' });
      await collect(model.stream(ask({ passthrough: { logprobs: true } }), new AbortController().signal));
      const [seen] = standIn.requests;
      assert.equal(seen?.path, '/v1/chat/completions');
      assert.equal(seen?.headers.authorization, `Bearer ${KEY}`);
      assert.equal(seen?.headers['x-extra'], '1');
      assert.deepEqual(seen?.body, {
        logprobs: true,
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hello there' }],
        stream: true,
        stream_options: { include_usage: true },
      });
    } finally {
      await p.close();
    }
  });

  it('reads an in-stream error whose error is a bare string, and a wrong-typed field names the field', async () => {
    const run = async (body: string): Promise<unknown> => {
      try {
        await collect(
          translateOpenAiStream(
            (async function* () {
              yield Buffer.from(body);
            })(),
            'o',
          ),
        );
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const bare = await run('data: {"error":"model overloaded"}\n\n');
    assert.ok(bare instanceof FlambeauError && bare.code === 'upstream_failed');
    assert.match(bare.message, /mid-stream: model overloaded/);
    const wrong = await run('data: {"choices":[{"delta":{"content":7}}]}\n\n');
    assert.ok(wrong instanceof FlambeauError && wrong.code === 'upstream_failed');
    assert.equal(wrong.details.reason, 'choices.0.delta.content: Invalid input');
    assert.doesNotMatch(wrong.message, /7/, 'the value is not echoed');
  });

  it('keeps unknown fields harmless and reads content chunks it does not know as no text', async () => {
    const events = await collect(
      translateOpenAiStream(
        (async function* () {
          yield Buffer.from('data: {"choices":[{"delta":{"content":[{"type":"thinking"}],"reasoning":"x"},"logprobs":null}],"x_new":{"a":1}}\n\n');
          yield Buffer.from('data: {"choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
        })(),
        'o',
      ),
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['stream-start', 'text-delta', 'stream-end'],
    );
  });
});
