import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { EngineChatEvent } from './engine.js';
import { EventOutbox } from './event-outbox.js';

const start: EngineChatEvent = { type: 'start', promptTokens: 12, cachedPromptTokens: 0, contextSize: 512 };
const end: EngineChatEvent = { type: 'end', stopReason: 'eogToken', usage: { inputTokens: 12, cachedInputTokens: 0, outputTokens: 4 } };
const text = (t: string): EngineChatEvent => ({ type: 'text', text: t });
const call = (index: number, argsDelta: string, name = 'getWeather'): EngineChatEvent => ({ type: 'tool-call', index, name, argsDelta });

function outbox(windowMs = 8, maxEvents = 32): { box: EventOutbox; sent: EngineChatEvent[][] } {
  const sent: EngineChatEvent[][] = [];
  return { box: new EventOutbox((events) => sent.push(events), { windowMs, maxEvents }), sent };
}

describe('EventOutbox', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('sends start and the first text at once, then holds text for the window and merges it', () => {
    const { box, sent } = outbox();
    box.push(start);
    box.push(text('Bonjour'));
    assert.deepEqual(sent, [[start], [text('Bonjour')]]);
    box.push(text(' from'));
    box.push(text(' flambeau'));
    assert.equal(sent.length, 2, 'later text waits for the window');
    mock.timers.tick(8);
    assert.deepEqual(sent.at(-1), [text(' from flambeau')]);
    box.push(text('.'));
    mock.timers.tick(7);
    assert.equal(sent.length, 3);
    mock.timers.tick(1);
    assert.deepEqual(sent.at(-1), [text('.')]);
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
    const { box, sent } = outbox();
    box.push(start);
    box.push(text('Bonjour'));
    box.push(text(' from'));
    box.push(end);
    assert.deepEqual(sent, [[start], [text('Bonjour')], [text(' from'), end]]);
    mock.timers.tick(100);
    assert.equal(sent.length, 3, 'nothing is left to send');
  });

  it("merges a tool call's argument deltas, keeping the name on its first event, and never merges two calls", () => {
    const { box, sent } = outbox();
    box.push(call(0, ''));
    box.push(call(0, '{"city"'));
    box.push(call(0, ': "Paris"}'));
    box.push(call(1, '{}', 'getTime'));
    box.push(text('done'));
    mock.timers.tick(8);
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
    const first = text('a');
    const second = text('b');
    const third = text('c');
    box.push(first);
    box.push(second);
    box.push(third);
    box.flush();
    assert.deepEqual([first, second, third], [text('a'), text('b'), text('c')]);
  });
});
