import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { parseMessagesBody, toolInput } from './messages-wire.js';

const base = { model: 'm', max_tokens: 16 };
const refused = (body: unknown, param: RegExp) => () =>
  assert.throws(
    () => parseMessagesBody(body),
    (error: unknown) => error instanceof FlambeauError && error.status === 400 && param.test(error.param ?? '') && param.test(error.message),
  );

describe('parseMessagesBody', () => {
  it('translates system blocks, turns, tool_use and tool_result blocks into our request', () => {
    const parsed = parseMessagesBody({
      ...base,
      system: [
        { type: 'text', text: 'A' },
        { type: 'text', text: 'B' },
      ],
      messages: [
        { role: 'user', content: 'Météo ?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Je regarde.' },
            { type: 'tool_use', id: 'toolu_1', name: 'w', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'clair' }] },
            { type: 'text', text: 'Et demain ?' },
          ],
        },
      ],
      tools: [{ name: 'w', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'w', disable_parallel_tool_use: true },
      stop_sequences: ['FIN'],
      metadata: { user_id: 'u1' },
      stream: true,
      service_tier: 'auto',
    });
    assert.equal(parsed.stream, true);
    assert.deepEqual(parsed.request, {
      model: 'm',
      maxTokens: 16,
      messages: [
        {
          role: 'system',
          content: [
            { type: 'text', text: 'A' },
            { type: 'text', text: 'B' },
          ],
        },
        { role: 'user', content: 'Météo ?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Je regarde.' }], toolCalls: [{ id: 'toolu_1', name: 'w', arguments: '{"city":"Paris"}' }] },
        { role: 'tool', toolCallId: 'toolu_1', content: 'clair' },
        { role: 'user', content: [{ type: 'text', text: 'Et demain ?' }] },
      ],
      stop: ['FIN'],
      user: 'u1',
      tools: [{ name: 'w', parameters: { type: 'object' } }],
      toolChoice: { name: 'w' },
      parallelToolCalls: false,
      passthrough: { service_tier: 'auto' },
    });
    assert.deepEqual(parsed.warnings, []);
  });

  it('maps images to image parts and reports what it cannot carry', () => {
    const parsed = parseMessagesBody({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } },
            { type: 'text', text: 'x', cache_control: { type: 'ephemeral' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: '…', signature: 's' },
            { type: 'tool_use', id: 't', name: 'w', input: {} },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', is_error: true, content: 'failed' }] },
      ],
    });
    assert.deepEqual(parsed.request.messages[0], {
      role: 'user',
      content: [
        { type: 'image', url: 'data:image/png;base64,AA==' },
        { type: 'text', text: 'x' },
      ],
    });
    assert.deepEqual(
      parsed.warnings.map((w) => `${w.kind}:${w.setting}`),
      ['unsupported:cache_control', 'unsupported:thinking', 'approximated:tool_result.is_error'],
    );
  });

  it('leaves out an assistant turn of thinking blocks only', () => {
    const parsed = parseMessagesBody({
      ...base,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'x' }] },
        { role: 'user', content: 'b' },
      ],
    });
    assert.deepEqual(
      parsed.request.messages.map((m) => m.role),
      ['user', 'user'],
    );
  });

  it('max_tokens is required, except to count tokens', () => {
    refused({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, /max_tokens/)();
    assert.equal(parseMessagesBody({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, true).request.maxTokens, undefined);
  });

  it('refuses, naming the field, what it does not translate', () => {
    const user = (content: unknown) => ({ ...base, messages: [{ role: 'user', content }] });
    refused(user([{ type: 'document', source: {} }]), /messages\[0\]\.content\[0\]\.type/)();
    refused(user([{ text: 'no type' }]), /messages\[0\]\.content\[0\]\.type/)();
    refused(user([{ type: 'tool_result', tool_use_id: 'nope' }]), /messages\[0\]\.content\[0\]\.tool_use_id/)();
    refused(user([{ type: 'image', source: { type: 'file', file_id: 'f' } }]), /messages\[0\]\.content\[0\]\.source/)();
    refused(user([{ type: 'tool_use', id: 't', name: 'w', input: {} }]), /messages\[0\]\.content\[0\]\.type/)();
    refused({ ...user('x'), tools: [{ type: 'bash_20250124', name: 'bash' }] }, /tools\[0\]\.type/)();
    refused({ ...user('x'), tools: [{ name: 'w' }] }, /tools\[0\]\.input_schema/)();
    refused({ ...user('x'), tool_choice: { type: 'tool', name: 'w' } }, /tool_choice\.name/)();
    refused({ ...user('x'), temperature: 1.5 }, /temperature/)();
    refused({ ...base, messages: [{ role: 'assistant', content: [] }] }, /messages\[0\]\.content/)();
  });

  it('keeps tool arguments that are not a JSON object under _raw', () => {
    assert.deepEqual(toolInput('{"a":1}'), { a: 1 });
    assert.deepEqual(toolInput(''), {});
    assert.deepEqual(toolInput('{"a":'), { _raw: '{"a":' });
  });
});
