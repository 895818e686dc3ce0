import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallModel } from './model-call.js';
import { runSuite } from './run-suite.js';
import { parseSuite } from './suite-parse.js';

const suite = parseSuite(
  Buffer.from(
    Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: `c${i + 1}`, prompt: `say ${i + 1}`, expect: { contains: String(i + 1) }, tags: ['t'] })).join(
      '\n',
    ),
  ),
  's.jsonl',
);

/** Answers "n" for "say n", each call held until released, so the test decides the finishing order. */
function heldCalls() {
  const waiting: { release: () => void; requestId: string }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const call: CallModel = async ({ body, requestId, signal }) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise<void>((resolve, reject) => {
      waiting.push({ release: resolve, requestId });
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    inFlight -= 1;
    const prompt = ((body.messages as { content: string }[])[0] as { content: string }).content;
    const model = body.model as string;
    return {
      ok: true,
      answer: { text: model === 'bad' ? 'nothing' : prompt.replace('say ', ''), toolCalls: [] },
      inputTokens: 3,
      outputTokens: 1,
      latencyMs: 5,
      requestId,
    };
  };
  return { call, waiting, max: () => maxInFlight };
}

describe('runSuite', () => {
  it('keeps suite order whatever order calls finish in, and never exceeds the concurrency', async () => {
    const held = heldCalls();
    const running = runSuite({
      suite,
      models: ['good', 'bad'],
      judge: null,
      concurrency: 3,
      call: held.call,
      runId: 'ev-x',
      signal: new AbortController().signal,
      keepAnswers: false,
    });
    // Release the newest waiting call each time: completions arrive in reverse of start order.
    for (let released = 0; released < 12; released++) {
      while (held.waiting.length === 0) await new Promise((r) => setImmediate(r));
      held.waiting.pop()?.release();
      await new Promise((r) => setImmediate(r));
    }
    const results = await running;
    assert.equal(held.max(), 3);
    assert.deepEqual(
      results.map((r) => `${r.caseId}/${r.model}/${r.pass}/${r.requestId}`),
      suite.cases.flatMap((c, i) => [`${c.id}/good/true/ev-x-${i + 1}-1`, `${c.id}/bad/false/ev-x-${i + 1}-2`]),
    );
    assert.ok(results.every((r) => r.answer === null && r.tags[0] === 't' && r.inputTokens === 3));
  });

  it('records a refused call as a failed result with its code, and keeps answers when asked', async () => {
    let n = 0;
    const call: CallModel = async ({ requestId }) =>
      ++n % 2 === 0
        ? { ok: false, errorCode: 'budget_exhausted', status: 402, latencyMs: 1, requestId }
        : { ok: true, answer: { text: '1', toolCalls: [{ name: 'f', arguments: '{}' }] }, inputTokens: null, outputTokens: null, latencyMs: 2, requestId };
    const results = await runSuite({
      suite,
      models: ['m'],
      judge: null,
      concurrency: 1,
      call,
      runId: 'r',
      signal: new AbortController().signal,
      keepAnswers: true,
    });
    assert.deepEqual([results[0]?.pass, results[0]?.answer], [true, '1\n[tool call] f({})']);
    assert.deepEqual([results[1]?.pass, results[1]?.errorCode, results[1]?.reason], [false, 'budget_exhausted', 'the call failed: HTTP 402 budget_exhausted']);
  });

  it('stops the run when a call throws (gateway gone, key refused): the calls in flight are aborted', async () => {
    const held = heldCalls();
    let calls = 0;
    const call: CallModel = async (c) => {
      calls += 1;
      if (calls === 3) throw new Error('unreachable');
      return held.call(c);
    };
    await assert.rejects(
      runSuite({ suite, models: ['m'], judge: null, concurrency: 3, call, runId: 'r', signal: new AbortController().signal, keepAnswers: false }),
      /unreachable/,
    );
    assert.equal(calls, 3, 'no call starts after the failure');
  });
});
