import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../errors/index.js';
import type { EmbeddingModel, EmbedRequest } from '../providers/spec.js';
import { embedderOf } from './embedder.js';

/**
 * A model that records each call and answers when told: the vector of a text is its length, so
 * every caller can check it got its own vectors, in order. A text containing "bad" fails its call.
 */
function recordingModel() {
  const calls: { input: string[]; signal: AbortSignal; answer(): void }[] = [];
  const waiting: (() => void)[] = [];
  const model: EmbeddingModel = {
    provider: 'local',
    model: 'm',
    locality: 'device',
    embed: (request: EmbedRequest, signal: AbortSignal) =>
      new Promise((resolve, reject) => {
        const answer = () =>
          request.input.some((t) => t.includes('bad'))
            ? reject(new FlambeauError('invalid_request', 'An input is bad.', { param: 'input' }))
            : resolve({ vectors: request.input.map((t) => new Float32Array([t.length])), usage: { inputTokens: 1, outputTokens: 0, estimated: false } });
        calls.push({ input: request.input, signal, answer });
        waiting.splice(0).forEach((wake) => wake());
      }),
  };
  /** Resolves once `n` calls have been made. */
  const called = async (n: number) => {
    while (calls.length < n) await new Promise<void>((resolve) => waiting.push(resolve));
  };
  return { model, calls, called };
}

const lengths = (vectors: Float32Array[]) => vectors.map((v) => v[0]);
const texts = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${'x'.repeat(i)}`);

describe('embedderOf: batched embedding calls', () => {
  it('sends a long list in calls of batchSize texts and returns the vectors in order', async () => {
    const { model, calls, called } = recordingModel();
    const embedder = embedderOf(model, 'm', 64);
    const input = texts(150);
    const result = embedder.embed(input, new AbortController().signal);
    for (let n = 1; n <= 3; n++) {
      await called(n);
      calls[n - 1]?.answer();
    }
    assert.deepEqual(
      lengths(await result),
      input.map((t) => t.length),
    );
    assert.deepEqual(
      calls.map((c) => c.input.length),
      [64, 64, 22],
    );
  });

  it('puts the queries that arrive while a call runs into one next call, each caller getting its own vectors', async () => {
    const { model, calls, called } = recordingModel();
    const embedder = embedderOf(model, 'm', 64);
    const signal = new AbortController().signal;
    const first = embedder.embed(['first query'], signal);
    await called(1);
    const later = [embedder.embed(['a'], signal), embedder.embed(['bb', 'ccc'], signal), embedder.embed(['dddd'], signal)];
    calls[0]?.answer();
    await called(2);
    assert.deepEqual(calls[1]?.input, ['a', 'bb', 'ccc', 'dddd']);
    calls[1]?.answer();
    assert.deepEqual(lengths(await first), [11]);
    assert.deepEqual((await Promise.all(later)).map(lengths), [[1], [2, 3], [4]]);
    assert.equal(calls.length, 2);
  });

  it('retries a failed shared call per caller, so only the caller with the bad input fails', async () => {
    const { model, calls, called } = recordingModel();
    const embedder = embedderOf(model, 'm', 64);
    const signal = new AbortController().signal;
    const head = embedder.embed(['head'], signal);
    await called(1);
    const good = embedder.embed(['good'], signal);
    const bad = embedder.embed(['bad one'], signal);
    calls[0]?.answer();
    for (let n = 2; n <= 4; n++) {
      await called(n);
      calls[n - 1]?.answer();
    }
    assert.deepEqual(lengths(await head), [4]);
    assert.deepEqual(lengths(await good), [4]);
    await assert.rejects(bad, (e: unknown) => e instanceof FlambeauError && e.code === 'invalid_request');
    assert.deepEqual(
      calls.map((c) => c.input),
      [['head'], ['good', 'bad one'], ['good'], ['bad one']],
    );
  });

  it('drops an aborted caller: its queued texts are never sent; a shared call stops only when every caller left', async () => {
    const { model, calls, called } = recordingModel();
    const embedder = embedderOf(model, 'm', 64);
    const head = embedder.embed(['head'], new AbortController().signal);
    await called(1);
    const gone = new AbortController();
    const dropped = embedder.embed(['dropped'], gone.signal);
    const stays = new AbortController();
    const kept = embedder.embed(['kept'], stays.signal);
    gone.abort();
    await assert.rejects(dropped, (e: unknown) => e instanceof FlambeauError && e.code === 'client_closed');
    calls[0]?.answer();
    await head;
    await called(2);
    assert.deepEqual(calls[1]?.input, ['kept']);
    calls[1]?.answer();
    assert.deepEqual(lengths(await kept), [4]);

    const one = new AbortController();
    const two = new AbortController();
    const blocker = embedder.embed(['blocker'], new AbortController().signal);
    await called(3);
    const x = embedder.embed(['x'], one.signal);
    const y = embedder.embed(['y'], two.signal);
    calls[2]?.answer();
    await blocker;
    await called(4);
    assert.deepEqual(calls[3]?.input, ['x', 'y']);
    one.abort();
    assert.equal(calls[3]?.signal.aborted, false, 'one caller is still waiting');
    two.abort();
    assert.equal(calls[3]?.signal.aborted, true);
    await assert.rejects(x);
    await assert.rejects(y);
  });

  it('leaves no listener on a signal reused for many calls', async () => {
    const { model, calls, called } = recordingModel();
    const embedder = embedderOf(model, 'm', 64);
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => (listeners++, add(...args))) as AbortSignal['addEventListener'];
    signal.removeEventListener = ((...args: Parameters<AbortSignal['removeEventListener']>) => (
      listeners--,
      remove(...args)
    )) as AbortSignal['removeEventListener'];
    for (let i = 0; i < 20; i++) {
      const done = embedder.embed([`file ${i}`], signal);
      await called(i + 1);
      calls[i]?.answer();
      await done;
    }
    assert.equal(listeners, 0);
  });

  it('answers an empty list without a call', async () => {
    const { model, calls } = recordingModel();
    assert.deepEqual(await embedderOf(model, 'm').embed([], new AbortController().signal), []);
    assert.equal(calls.length, 0);
  });
});
