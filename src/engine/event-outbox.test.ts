import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { EngineChatEvent } from './engine.js';
import { EventOutbox } from './event-outbox.js';

const start: EngineChatEvent = { type: 'start', promptTokens: 12, cachedPromptTokens: 0, contextSize: 512 };
const end: EngineChatEvent = { type: 'end', stopReason: 'eogToken', usage: { inputTokens: 12, cachedInputTokens: 0, outputTokens: 4 } };
const text = (t: string): EngineChatEvent => ({ type: 'text', text: t });
const call = (index: number, argsDelta: string, name = 'getWeather'): EngineChatEvent => ({ type: 'tool-call', index, name, argsDelta });

/** An outbox on a fake clock that moves with the mocked timers. */
function outbox(windowMs = 16, maxEvents = 64): { box: EventOutbox; sent: EngineChatEvent[][]; tick(ms: number): void } {
  const sent: EngineChatEvent[][] = [];
  let clock = 1_000;
  const box = new EventOutbox((events) => sent.push(events), { windowMs, maxEvents, now: () => clock });
  return {
    box,
    sent,
    tick: (ms) => {
      clock += ms;
      mock.timers.tick(ms);
    },
  };
}

describe('EventOutbox', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('sends start and the first text at once, then at most one merged batch per window', () => {
    const { box, sent, tick } = outbox();
    box.push(start);
    box.push(text('Bonjour'));
    assert.deepEqual(sent, [[start], [text('Bonjour')]]);
    tick(2);
    box.push(text(' from'));
    tick(2);
    box.push(text(' flambeau'));
    assert.equal(sent.length, 2, 'text within the window waits');
    tick(11);
    assert.equal(sent.length, 2);
    tick(1);
    assert.deepEqual(sent.at(-1), [text(' from flambeau')], '16 ms after the last batch');
  });

  it('sends a piece at once when nothing left during the last window (a slow model gets no added delay)', () => {
    const { box, sent, tick } = outbox();
    box.push(text('Bon'));
    tick(40);
    box.push(text('jour'));
    tick(16);
    box.push(text(' from'));
    assert.deepEqual(sent, [[text('Bon')], [text('jour')], [text(' from')]]);
  });

  it('sends a batch once it holds maxEvents pieces, without waiting for the window', () => {
    const { box, sent } = outbox(60_000, 3);
    box.push(text('a'));
    for (const piece of ['b', 'c', 'd', 'e']) box.push(text(piece));
    assert.deepEqual(sent, [[text('a')], [text('bcd')]]);
    box.push(end);
    assert.deepEqual(sent.at(-1), [text('e'), end]);
  });

  it('sends end at once with everything pending before it, and cancels the window', () => {
    const { box, sent, tick } = outbox();
    box.push(start);
    box.push(text('Bonjour'));
    box.push(text(' from'));
    box.push(end);
    assert.deepEqual(sent, [[start], [text('Bonjour')], [text(' from'), end]]);
    tick(100);
    assert.equal(sent.length, 3, 'nothing is left to send');
  });

  it("merges a tool call's argument deltas, keeping the name on its first event, and never merges two calls", () => {
    const { box, sent, tick } = outbox();
    box.push(call(0, ''));
    box.push(call(0, '{"city"'));
    box.push(call(0, ': "Paris"}'));
    box.push(call(1, '{}', 'getTime'));
    box.push(text('done'));
    tick(16);
    assert.deepEqual(sent, [[call(0, '')], [call(0, '{"city": "Paris"}'), call(1, '{}', 'getTime'), text('done')]]);
  });

  it('flush() sends what is pending (before a failure is reported) and nothing when empty', () => {
    const { box, sent } = outbox();
    box.flush();
    assert.deepEqual(sent, []);
    box.push(text('a'));
    box.push(text('b'));
    box.flush();
    assert.deepEqual(sent, [[text('a')], [text('b')]]);
  });

  it('does not change the events it was given', () => {
    const { box } = outbox();
    const pieces = [text('a'), text('b'), text('c')];
    for (const piece of pieces) box.push(piece);
    box.flush();
    assert.deepEqual(pieces, [text('a'), text('b'), text('c')]);
  });
});
