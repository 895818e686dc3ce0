import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { FlambeauError } from '../../src/errors/index.js';
import { makeTestModels, TEST_MODEL_ANSWER, type TestModelPaths } from '../fixtures/test-models.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

// The real llama.cpp engine on the generated GGUF: preloaded models and /readyz, and parallel
// streams on one context (one sequence each, decoded in shared batches).

let dir: string;
let models: TestModelPaths;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flambeau-models-'));
  models = await makeTestModels(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Readiness {
  status: number;
  body: { status: string; loading?: string[]; failed?: { model: string; code: string }[] };
}

async function readyz(gw: TestGateway): Promise<Readiness> {
  const res = await fetch(`${gw.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Readiness['body'] };
}

/** Polls /readyz (every 20 ms) until `done`, returning every answer seen. */
async function readyzUntil(gw: TestGateway, done: (r: Readiness) => boolean): Promise<Readiness[]> {
  const seen: Readiness[] = [];
  for (;;) {
    const r = await readyz(gw);
    seen.push(r);
    if (done(r)) return seen;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const loadedFlag = async (gw: TestGateway, model: string): Promise<boolean> => {
  const res = await fetch(`${gw.url}/v1/models/${model}`, { headers: { authorization: `Bearer ${gw.key}` } });
  return ((await res.json()) as { flambeau: { loaded: boolean } }).flambeau.loaded;
};

describe('engine.preload and /readyz', () => {
  it('answers 503 naming the models still loading, 200 once they are loaded (before any request), and again after an engine crash', async () => {
    await using gw = await startTestGateway({
      providers: [{ id: 'local', type: 'llamacpp' }],
      models: [
        { name: 'warm', provider: 'local', path: models.chat, context: 512, threads: 1 },
        { name: 'cold', provider: 'local', path: models.chat, context: 256, threads: 1 },
      ],
      engine: { preload: ['warm'], idle_timeout_ms: 50 },
    });
    // Starting llama.cpp alone takes a second or more: the server listens long before.
    const first = await readyz(gw);
    assert.deepEqual(first, { status: 503, body: { status: 'not_ready', models: 2, loading: ['warm'] } });
    assert.equal((await fetch(`${gw.url}/healthz`)).status, 200, 'liveness does not wait for models');
    const seen = await readyzUntil(gw, (r) => r.status === 200);
    for (const r of seen.slice(0, -1)) assert.deepEqual(r.body.loading, ['warm']);
    assert.deepEqual(seen.at(-1)?.body, { status: 'ready', models: 2 });
    assert.equal(await loadedFlag(gw, 'warm'), true);
    assert.equal(await loadedFlag(gw, 'cold'), false, 'only the preloaded model');

    // A preloaded model outlives the idle timeout (50 ms here), unlike another one.
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'cold', messages: [{ role: 'user', content: 'Bonjour' }] });
    assert.equal(answer.choices[0]?.message.content, TEST_MODEL_ANSWER);
    while (await loadedFlag(gw, 'cold')) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await loadedFlag(gw, 'warm'), true);

    // The engine process dies: readiness drops until the new one has loaded the model again.
    const pid = gw.gateway.engine()?.status().pid;
    assert.ok(typeof pid === 'number');
    process.kill(pid, 'SIGKILL');
    const again = await readyzUntil(gw, (r) => r.status === 503);
    assert.deepEqual(again.at(-1)?.body.loading, ['warm']);
    await readyzUntil(gw, (r) => r.status === 200);
    assert.notEqual(gw.gateway.engine()?.status().pid, pid);
    assert.equal(await loadedFlag(gw, 'warm'), true);
  });

  it('stays 503 and names the model and error code when a preload fails', async () => {
    const broken = join(dir, 'not-a-model.gguf');
    writeFileSync(broken, 'this is not GGUF');
    await using gw = await startTestGateway({
      providers: [{ id: 'local', type: 'llamacpp' }],
      models: [
        { name: 'good', provider: 'local', path: models.chat, context: 256, threads: 1 },
        { name: 'broken', provider: 'local', path: broken, threads: 1 },
      ],
      engine: { preload: ['good', 'broken'] },
    });
    const seen = await readyzUntil(gw, (r) => (r.body.loading ?? []).length === 0);
    assert.deepEqual(seen.at(-1), {
      status: 503,
      body: {
        status: 'not_ready',
        models: 2,
        failed: [{ model: 'broken', code: 'engine_unavailable' }],
      },
    });
    assert.equal(await loadedFlag(gw, 'good'), true);
  });

  it('refuses to start when a preloaded name is not a local model', async () => {
    for (const [preload, message] of [
      [['nope'], /no served model is named "nope"/],
      [['remote'], /"remote" is served by a openai-compatible provider/],
    ] as const) {
      const error = await startTestGateway({
        providers: [
          { id: 'local', type: 'llamacpp' },
          { id: 'cloud', type: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', locality: 'cloud' },
        ],
        models: [
          { name: 'good', provider: 'local', path: models.chat, threads: 1 },
          { name: 'remote', provider: 'cloud', model: 'gpt-x' },
        ],
        engine: { preload },
      }).then(
        () => assert.fail('expected the start to fail'),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof FlambeauError);
      assert.equal(error.code, 'config_invalid');
      assert.match(error.message, message);
    }
  });
});

describe('parallel local streams', () => {
  it('runs `parallel` streams at once on one context, each answering as it would alone', async () => {
    await using gw = await startTestGateway({
      providers: [{ id: 'local', type: 'llamacpp' }],
      models: [{ name: 'quad', provider: 'local', path: models.chat, context: 512, threads: 1, parallel: 4 }],
    });
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
    // Grammar-forced JSON: the test model never closes the string, so each runs to max_tokens.
    const request = {
      model: 'quad',
      messages: [{ role: 'user' as const, content: 'Bonjour' }],
      response_format: { type: 'json_object' as const },
      max_tokens: 120,
      temperature: 0,
      stream: true as const,
      stream_options: { include_usage: true },
    };
    const alone = await client.chat.completions.create({ ...request, stream: false });
    const streams = await Promise.all([1, 2, 3, 4].map(() => client.chat.completions.create(request)));
    const iterators = streams.map((s) => s[Symbol.asyncIterator]());
    const texts = ['', '', '', ''];
    // Wait until each stream has text: all four are generating now.
    await Promise.all(
      iterators.map(async (it, i) => {
        for (;;) {
          const next = await it.next();
          assert.equal(next.done, false);
          texts[i] += next.value.choices[0]?.delta?.content ?? '';
          if (texts[i] !== '') return;
        }
      }),
    );
    const lane = gw.gateway
      .engine()
      ?.status()
      .models.find((m) => m.name === 'quad');
    assert.deepEqual({ active: lane?.active, queued: lane?.queued, parallel: lane?.parallel }, { active: 4, queued: 0, parallel: 4 });
    const usage = await Promise.all(
      iterators.map(async (it, i) => {
        let tokens = 0;
        for (;;) {
          const next = await it.next();
          if (next.done) return tokens;
          texts[i] += next.value.choices[0]?.delta?.content ?? '';
          tokens = next.value.usage?.completion_tokens ?? tokens;
        }
      }),
    );
    assert.deepEqual(usage, [120, 120, 120, 120]);
    // Each follows the grammar as it would alone. Not the same text to the byte: llama.cpp's batched
    // decoding of four sequences is not bit-identical to one, and a greedy pick between two close
    // logits may then differ (seen here: one stream repeated a piece ~270 characters in).
    const start = (alone.choices[0]?.message.content ?? '').slice(0, 2);
    assert.equal(start, '{\n');
    for (const text of texts) assert.ok(text.startsWith(start) && text.length >= 100, JSON.stringify(text.slice(0, 80)));
  });
});
