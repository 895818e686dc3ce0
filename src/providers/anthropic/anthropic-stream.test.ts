import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import type { ChatEvent, Warning } from '../spec.js';
import { translateAnthropicStream, type AnthropicStreamOptions } from './anthropic-stream.js';

const fixture = (name: string): Promise<Buffer> => readFile(new URL(`./__fixtures__/${name}`, import.meta.url));

function split(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

async function* streamOf(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk;
}

/** The events yielded, and what was thrown after them (undefined when the stream completed). */
async function run(chunks: Buffer[], options: Partial<AnthropicStreamOptions> = {}): Promise<{ events: ChatEvent[]; error: unknown }> {
  const events: ChatEvent[] = [];
  try {
    for await (const event of translateAnthropicStream(streamOf(chunks), { label: 'claude', warnings: [], ...options })) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

const sse = (...events: object[]): Buffer => Buffer.from(events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join(''));

function assertUpstreamFailed(error: unknown, pattern: RegExp): void {
  assert.ok(error instanceof FlambeauError, `expected a FlambeauError, got ${String(error)}`);
  assert.equal(error.code, 'upstream_failed');
  assert.match(error.message, pattern);
}

describe('translateAnthropicStream', () => {
  const fixtures: [string, Partial<AnthropicStreamOptions>][] = [
    ['text.sse', {}],
    ['tool-call.sse', {}],
    ['json-response.sse', { jsonToolName: 'city_answer' }],
    ['error-mid-stream.sse', {}],
    ['truncated.sse', {}],
  ];
  for (const [name, options] of fixtures) {
    it(`yields the same events whatever the chunk boundaries (${name})`, async () => {
      const bytes = await fixture(name);
      const whole = await run([bytes], options);
      assert.ok(whole.events.length >= 2);
      for (const size of [1, 7, 64]) {
        const pieces = await run(split(bytes, size), options);
        assert.deepEqual(pieces.events, whole.events, `chunk size ${size}`);
        assert.deepEqual(String(pieces.error), String(whole.error), `chunk size ${size}`);
      }
    });
  }

  it('translates a text stream: input usage from message_start, output from message_delta', async () => {
    const warnings: Warning[] = [{ kind: 'unsupported', setting: 'seed' }];
    const { events, error } = await run([await fixture('text.sse')], { warnings });
    assert.equal(error, undefined);
    assert.deepEqual(events, [
      { type: 'stream-start', warnings },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: '! Ça va ☀️' },
      { type: 'stream-end', finish: { reason: 'stop', raw: 'end_turn' }, usage: { inputTokens: 25, outputTokens: 15, estimated: false } },
    ]);
  });

  it('numbers tool calls by their order among tool_use blocks, not by content block index', async () => {
    const { events, error } = await run([await fixture('tool-call.sse')]);
    assert.equal(error, undefined);
    assert.deepEqual(events, [
      { type: 'stream-start', warnings: [] },
      { type: 'text-delta', text: 'Okay' },
      { type: 'text-delta', text: ", let's check." },
      { type: 'tool-call-delta', index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', argsDelta: '' },
      { type: 'tool-call-delta', index: 0, argsDelta: '{"location":' },
      { type: 'tool-call-delta', index: 0, argsDelta: ' "San' },
      { type: 'tool-call-delta', index: 0, argsDelta: ' Francisc' },
      { type: 'tool-call-delta', index: 0, argsDelta: 'o, CA"}' },
      { type: 'tool-call-delta', index: 1, id: 'toolu_01Yc8rGvJVf3Zs2uVYhR6Qw1', name: 'get_time', argsDelta: '' },
      { type: 'tool-call-delta', index: 1, argsDelta: '{"timezone": "America/Los_Angeles"}' },
      // 472 uncached + 100 read from the cache.
      {
        type: 'stream-end',
        finish: { reason: 'tool-calls', raw: 'tool_use' },
        usage: { inputTokens: 572, outputTokens: 89, estimated: false, cachedInputTokens: 100 },
      },
    ]);
  });

  it('streams the forced JSON-answer tool as text and finishes with stop', async () => {
    const { events, error } = await run([await fixture('json-response.sse')], { jsonToolName: 'city_answer' });
    assert.equal(error, undefined);
    const text = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    assert.deepEqual(JSON.parse(text), { city: 'Paris', country: 'France' });
    assert.equal(
      events.some((e) => e.type === 'tool-call-delta'),
      false,
    );
    assert.deepEqual(events.at(-1), {
      type: 'stream-end',
      finish: { reason: 'stop', raw: 'tool_use' },
      usage: { inputTokens: 310, outputTokens: 27, estimated: false },
    });
  });

  it('throws upstream_failed with the upstream error type and message on an error event', async () => {
    const { events, error } = await run([await fixture('error-mid-stream.sse')]);
    assert.deepEqual(events, [
      { type: 'stream-start', warnings: [] },
      { type: 'text-delta', text: 'Partial' },
    ]);
    assertUpstreamFailed(error, /overloaded_error.*Overloaded/);
    assert.equal((error as FlambeauError).details.upstreamType, 'overloaded_error');
  });

  it('fails before any event when the error comes before message_start', async () => {
    const { events, error } = await run([sse({ type: 'ping' }, { type: 'error', error: { type: 'api_error', message: 'Internal server error' } })]);
    assert.deepEqual(events, []);
    assertUpstreamFailed(error, /api_error/);
  });

  it('throws upstream_failed when the stream ends without message_stop', async () => {
    const { events, error } = await run([await fixture('truncated.sse')]);
    assert.deepEqual(events, [
      { type: 'stream-start', warnings: [] },
      { type: 'text-delta', text: 'Cut off' },
    ]);
    assertUpstreamFailed(error, /before it was complete/);
  });

  it('throws upstream_failed on an empty body and on data that is not JSON', async () => {
    assertUpstreamFailed((await run([])).error, /before it was complete/);
    assertUpstreamFailed((await run([Buffer.from('event: message_start\ndata: {not json\n\n')])).error, /could not be read/);
    assertUpstreamFailed((await run([sse({ type: 'content_block_delta', delta: { type: 'text_delta', text: 'x' } })])).error, /could not be read/);
  });

  it('skips thinking blocks and unknown event types; later message_delta usage replaces earlier counts', async () => {
    const bytes = sse(
      { type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 9, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQB' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'some_future_event', payload: 1 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Done' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 3 } },
      { type: 'message_delta', delta: { stop_reason: null }, usage: { input_tokens: 11, output_tokens: 7 } },
      { type: 'message_stop' },
    );
    const { events, error } = await run([bytes]);
    assert.equal(error, undefined);
    assert.deepEqual(events, [
      { type: 'stream-start', warnings: [] },
      { type: 'text-delta', text: 'Done' },
      { type: 'stream-end', finish: { reason: 'length', raw: 'max_tokens' }, usage: { inputTokens: 11, outputTokens: 7, estimated: false } },
    ]);
  });

  it('maps refusal to filtered and unknown stop reasons to other, keeping the raw value', async () => {
    for (const [raw, reason] of [
      ['refusal', 'filtered'],
      ['stop_sequence', 'stop'],
      ['pause_turn', 'other'],
    ] as const) {
      const { events } = await run([
        sse(
          { type: 'message_start', message: { usage: { input_tokens: 1, output_tokens: 1 } } },
          { type: 'message_delta', delta: { stop_reason: raw }, usage: { output_tokens: 2 } },
          { type: 'message_stop' },
        ),
      ]);
      assert.deepEqual(events.at(-1), { type: 'stream-end', finish: { reason, raw }, usage: { inputTokens: 1, outputTokens: 2, estimated: false } });
    }
  });
});
