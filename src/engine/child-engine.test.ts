import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { makeTestModels, TEST_MODEL_ANSWER, deltasOfPieces } from '../../test/fixtures/test-models.js';
import { FlambeauError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { createEngine } from './child-engine.js';
import type { Engine, EngineChatEvent, EngineChatJob, EngineModelSpec } from './engine.js';
import { defaultThreads } from './engine-threads.js';

// One engine for the file (starting llama.cpp costs ~1-2 s). Idle timeout short enough for the
// unload test; queue limit 2 for the queue tests.
const IDLE_MS = 300;
const PROMPT = 'Hello zanzibar-marker';
let dir = '';
let engine: Engine;
let solo: EngineModelSpec; // one sequence, room for a long answer
let pair: EngineModelSpec; // two sequences
let auto: EngineModelSpec; // no threads set: the engine's default
let wide: EngineModelSpec; // more threads than the engine's default budget
const logs: string[] = [];

const record = (level: string) => (message: string, fields?: Record<string, unknown>) => void logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };

const short: EngineChatJob = { history: [{ type: 'user', text: PROMPT }], sampling: { temperature: 0 } };
/** Grammar-forced JSON: the test model never closes the string, so this runs to maxTokens. */
const long: EngineChatJob = { history: [{ type: 'user', text: PROMPT }], grammar: { type: 'json' }, sampling: { temperature: 0, maxTokens: 3000 } };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flambeau-engine-test-'));
  const models = await makeTestModels(dir);
  solo = { name: 'solo', path: models.chat, contextSize: 4096, threads: 1, parallel: 1 };
  pair = { name: 'pair', path: models.chat, contextSize: 512, threads: 1, parallel: 2 };
  auto = { name: 'auto', path: models.chat, contextSize: 512 };
  wide = { name: 'wide', path: models.chat, contextSize: 512, threads: defaultThreads() + 2 };
  engine = createEngine({ idleTimeoutMs: IDLE_MS, gpu: false, maxQueue: 2, logLevel: 'info', logger });
});

after(async () => {
  await engine?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

const signal = () => new AbortController().signal;

async function collect(events: AsyncIterable<EngineChatEvent>): Promise<EngineChatEvent[]> {
  const all: EngineChatEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const textOf = (events: EngineChatEvent[]) => events.map((e) => (e.type === 'text' ? e.text : '')).join('');

/** Starts a chat and returns its iterator once the first text arrived (generation is under way). */
async function started(spec: EngineModelSpec, job: EngineChatJob, abort = signal()): Promise<AsyncIterator<EngineChatEvent>> {
  const iterator = engine.chat(spec, job, abort)[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    assert.equal(next.done, false, 'the chat ended before any text');
    if (next.value.type === 'text') return iterator;
  }
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

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

const model = (spec: EngineModelSpec) => {
  const found = engine.status().models.find((m) => m.name === spec.name);
  assert.ok(found, `no status for ${spec.name}`);
  return found;
};

describe('child engine', () => {
  it('runs a chat: start, the answer (first piece alone, then in batches), then end with exact usage', async () => {
    const events = await collect(engine.chat(pair, short, signal()));
    const start = events[0];
    assert.equal(start?.type, 'start');
    assert.ok(start.promptTokens > 0);
    const deltas = events.filter((e) => e.type === 'text').map((e) => e.text);
    assert.ok(deltasOfPieces(deltas), JSON.stringify(deltas));
    // Five answer tokens plus the end-of-generation token.
    // A model just loaded has nothing in its cache.
    assert.equal(start.cachedPromptTokens, 0);
    assert.deepEqual(events.at(-1), { type: 'end', stopReason: 'eogToken', usage: { inputTokens: start.promptTokens, cachedInputTokens: 0, outputTokens: 6 } });
    assert.ok(engine.isLoaded(pair));
  });

  it('reuses the KV cache of a sequence whose tokens start the new prompt, and says how many tokens it reused', async () => {
    const system = 'Tu es un assistant météo. Réponds en une phrase, sans détour, en citant la ville. '.repeat(4);
    const turn1: EngineChatJob = {
      history: [
        { type: 'system', text: system },
        { type: 'user', text: PROMPT },
      ],
      sampling: { temperature: 0 },
    };
    const first = await collect(engine.chat(solo, turn1, signal()));
    const firstStart = first[0];
    assert.ok(firstStart?.type === 'start');
    // The next turn of the same conversation: the system prompt, the first question and its answer come first.
    const turn2: EngineChatJob = {
      history: [
        { type: 'system', text: system },
        { type: 'user', text: PROMPT },
        { type: 'model', response: [textOf(first)] },
        { type: 'user', text: 'Et demain ?' },
      ],
      sampling: { temperature: 0 },
    };
    const second = await collect(engine.chat(solo, turn2, signal()));
    const secondStart = second[0];
    assert.ok(secondStart?.type === 'start');
    assert.ok(secondStart.promptTokens > firstStart.promptTokens);
    // At least the system prompt and the first question are reused; the new question is not.
    assert.ok(secondStart.cachedPromptTokens >= firstStart.promptTokens - 8, `${secondStart.cachedPromptTokens} of ${secondStart.promptTokens}`);
    assert.ok(secondStart.cachedPromptTokens < secondStart.promptTokens);
    const end = second.at(-1);
    assert.ok(end?.type === 'end');
    assert.equal(end.usage.cachedInputTokens, secondStart.cachedPromptTokens);
    // Another conversation shares only the template's first tokens.
    const other = await collect(engine.chat(solo, { history: [{ type: 'user', text: 'Bonjour.' }], sampling: { temperature: 0 } }, signal()));
    assert.ok(other[0]?.type === 'start' && other[0].cachedPromptTokens < 8);
  });

  it('runs a model whose spec sets no threads with the default, in its chat and its embedding context', async () => {
    // node-llama-cpp's own defaults are max(4, math cores) for chat and 6 for embeddings.
    const expected = defaultThreads();
    assert.equal(engine.threads(auto), expected);
    assert.equal(textOf(await collect(engine.chat(auto, short, signal()))), TEST_MODEL_ANSWER);
    assert.equal(model(auto).threads, expected);
    assert.equal(model(auto).engineThreads.chat, expected);
    await engine.embed(auto, ['Bonjour'], signal());
    assert.deepEqual(model(auto).engineThreads, { chat: expected, embedding: expected });
  });

  it("gives a model its own threads, even above the engine's default budget", async () => {
    assert.equal(engine.threads(wide), defaultThreads() + 2);
    await engine.embed(wide, ['Bonjour'], signal());
    assert.deepEqual(model(wide).engineThreads, { chat: defaultThreads() + 2, embedding: defaultThreads() + 2 });
  });

  it('says at start which path embeds, and embeds batched when the native addon is built (CI builds it)', async () => {
    await engine.embed(auto, ['Bonjour', 'zanzibar'], signal());
    const lines = logs.filter((line) => line.includes('embeddings: '));
    assert.equal(lines.length, 1, lines.join('\n'));
    const built = existsSync(fileURLToPath(new URL('../../native/build/flambeau-embed.node', import.meta.url)));
    if (process.env.CI === 'true') assert.ok(built, 'npm ci builds native/build/flambeau-embed.node');
    assert.match(
      lines[0] ?? '',
      built ? /^info llama\.cpp .*embeddings: batched, many texts per llama_decode/ : /^warn llama\.cpp .*embeddings: one text per llama_decode/,
    );
  });

  it('queues requests beyond `parallel` and runs them all', async () => {
    const runs = [1, 2, 3, 4].map(() => collect(engine.chat(pair, short, signal())));
    assert.deepEqual({ active: model(pair).active, queued: model(pair).queued }, { active: 2, queued: 2 });
    for (const events of await Promise.all(runs)) assert.equal(textOf(events), TEST_MODEL_ANSWER);
    assert.deepEqual({ active: model(pair).active, queued: model(pair).queued }, { active: 0, queued: 0 });
  });

  it('answers engine_unavailable (503) when the queue is full, and serves the queued ones', async () => {
    const controller = new AbortController();
    const running = await started(solo, long, controller.signal);
    const queued = [collect(engine.chat(solo, short, signal())), collect(engine.chat(solo, short, signal()))];
    const refused = await rejection(collect(engine.chat(solo, short, signal())));
    assert.equal(refused.code, 'engine_unavailable');
    assert.equal(refused.status, 503);
    assert.match(refused.message, /queue is full/);
    controller.abort();
    await rejection(running.next());
    for (const events of await Promise.all(queued)) assert.equal(textOf(events), TEST_MODEL_ANSWER);
  });

  it('stops generating at once on abort and frees the sequence', async () => {
    const before = model(solo).outputTokens;
    const controller = new AbortController();
    const running = await started(solo, long, controller.signal);
    controller.abort();
    const error = await rejection(running.next());
    assert.equal(error.code, 'client_closed');
    const next = await collect(engine.chat(solo, short, signal()));
    assert.equal(textOf(next), TEST_MODEL_ANSWER);
    // The totals count what the aborted request generated before the engine stopped it.
    const aborted = model(solo).outputTokens - before - 6;
    assert.ok(aborted > 0 && aborted < 3000, `the aborted request generated ${aborted} tokens`);
    assert.equal(model(solo).active, 0);
  });

  it('stops generating when the consumer leaves the loop', async () => {
    const before = model(solo).outputTokens;
    for await (const event of engine.chat(solo, long, signal())) if (event.type === 'text') break;
    assert.equal(textOf(await collect(engine.chat(solo, short, signal()))), TEST_MODEL_ANSWER);
    const left = model(solo).outputTokens - before - 6;
    assert.ok(left > 0 && left < 3000, `the abandoned request generated ${left} tokens`);
  });

  it('unloads an idle model and loads it again on the next request', async () => {
    await collect(engine.chat(pair, short, signal()));
    await waitFor(() => !engine.isLoaded(pair));
    assert.equal(model(pair).loaded, false);
    assert.deepEqual(model(pair).engineThreads, { chat: null, embedding: null });
    assert.equal(textOf(await collect(engine.chat(pair, short, signal()))), TEST_MODEL_ANSWER);
    assert.equal(model(pair).loaded, true);
  });

  it('fails the request in flight with engine_unavailable when the engine process is killed, and restarts', async () => {
    const { pid, starts } = engine.status();
    assert.ok(pid !== null);
    const running = await started(solo, long);
    const waiting = collect(engine.chat(solo, short, signal()));
    process.kill(pid, 'SIGKILL');
    const error = await rejection(running.next());
    assert.equal(error.code, 'engine_unavailable');
    assert.equal(error.status, 503);
    assert.equal(error.details.signal, 'SIGKILL');
    // The request that waited in the gateway's queue runs on the new engine process.
    assert.equal(textOf(await waiting), TEST_MODEL_ANSWER);
    assert.equal(textOf(await collect(engine.chat(pair, short, signal()))), TEST_MODEL_ANSWER);
    assert.equal(engine.status().starts, starts + 1);
    assert.notEqual(engine.status().pid, pid);
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  });

  it('logs no prompt or answer text', () => {
    assert.ok(logs.length > 0, 'expected llama.cpp log lines at level info');
    assert.deepEqual(
      logs.filter((line) => line.includes('zanzibar') || line.includes(TEST_MODEL_ANSWER)),
      [],
    );
  });

  it('shuts down: the engine process ends and later requests get engine_unavailable', async () => {
    const { pid } = engine.status();
    assert.ok(pid !== null);
    await engine.shutdown();
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    assert.equal(engine.status().pid, null);
    assert.equal((await rejection(collect(engine.chat(pair, short, signal())))).code, 'engine_unavailable');
  });
});
