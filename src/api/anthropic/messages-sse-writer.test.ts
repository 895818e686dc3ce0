import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import type { ChatEvent } from '../../providers/spec.js';
import { MessagesSseWriter } from './messages-sse-writer.js';

/** A response that keeps what is written, as (event name, data) pairs. */
function recorder(): { res: ServerResponse; events: () => [string, Record<string, unknown>][] } {
  let text = '';
  const res = { write: (chunk: string) => ((text += chunk), true), end: (chunk = '') => void (text += chunk) } as unknown as ServerResponse;
  const events = () =>
    text
      .split('\n\n')
      .filter((f) => f !== '')
      .map((f): [string, Record<string, unknown>] => {
        const [name, data] = f.split('\n') as [string, string];
        return [name.slice('event: '.length), JSON.parse(data.slice('data: '.length)) as Record<string, unknown>];
      });
  return { res, events };
}

const end: ChatEvent = {
  type: 'stream-end',
  finish: { reason: 'tool-calls', raw: 'tool_calls' },
  usage: { inputTokens: 7, outputTokens: 3, estimated: false },
};

describe('MessagesSseWriter', () => {
  it('opens one block per text run or tool call, in order, and ends with the stop reason and usage', () => {
    const { res, events } = recorder();
    const writer = new MessagesSseWriter(res, 'msg_1', 'm');
    writer.start();
    for (const event of [
      { type: 'stream-start', warnings: [] },
      { type: 'text-delta', text: 'Je ' },
      { type: 'text-delta', text: 'regarde.' },
      { type: 'tool-call-delta', index: 0, id: 'call_a', name: 'w', argsDelta: '{"ci' },
      { type: 'tool-call-delta', index: 0, argsDelta: 'ty":"Paris"}' },
      { type: 'tool-call-delta', index: 1, name: 'v', argsDelta: '' },
      end,
    ] as ChatEvent[])
      writer.write(event);
    writer.end();
    const got = events();
    assert.deepEqual(
      got.map(([name]) => name),
      [
        'message_start',
        'ping',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ],
    );
    assert.deepEqual(got[6]?.[1], { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_a', name: 'w', input: {} } });
    assert.deepEqual(got[7]?.[1], { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"ci' } });
    // A tool call without an id gets one, unique in the message.
    assert.deepEqual(got[10]?.[1], { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1_1', name: 'v', input: {} } });
    assert.deepEqual(got[12]?.[1], {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: null, cache_read_input_tokens: null },
    });
  });

  it('keeps an Anthropic stop reason as it came, and refuses interleaved tool calls', () => {
    const { res, events } = recorder();
    const writer = new MessagesSseWriter(res, 'msg_2', 'm');
    writer.start();
    writer.write({ type: 'tool-call-delta', index: 0, id: 'a', name: 'w', argsDelta: '{' });
    writer.write({ type: 'tool-call-delta', index: 1, id: 'b', name: 'w', argsDelta: '{' });
    assert.throws(() => writer.write({ type: 'tool-call-delta', index: 0, argsDelta: '}' }), /interleaved/);
    writer.write({ type: 'stream-end', finish: { reason: 'stop', raw: 'stop_sequence' }, usage: { inputTokens: null, outputTokens: null, estimated: false } });
    const delta = events().at(-1)?.[1] as { delta: { stop_reason: string }; usage: Record<string, unknown> };
    assert.equal(delta.delta.stop_reason, 'stop_sequence');
    assert.equal(delta.usage.input_tokens, 0);
  });
});
