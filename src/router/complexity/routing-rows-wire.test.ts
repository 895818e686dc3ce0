import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { parseRoutingRows } from './routing-rows-wire.js';

describe('parseRoutingRows', () => {
  it('reads JSON lines, with defaults for the optional fields', () => {
    const text = [
      '{"id": "a", "bench": "mmlu", "subject": "anatomy", "prompt": "Q?", "weak": 1, "strong": 0}',
      '',
      '{"id": 7, "prompt": "Other?", "weak": false, "strong": true}',
    ].join('\n');
    assert.deepEqual(parseRoutingRows(text), [
      { id: 'a', bench: 'mmlu', subject: 'anatomy', prompt: 'Q?', weak: 1, strong: 0 },
      { id: '7', bench: 'default', subject: '', prompt: 'Other?', weak: 0, strong: 1 },
    ]);
  });

  it('names the bad line and field without echoing the prompt', () => {
    const text = '{"id": "a", "prompt": "secret text", "weak": 1, "strong": 0}\n{"id": "b", "prompt": "secret text", "weak": 3, "strong": 0}';
    assert.throws(
      () => parseRoutingRows(text),
      (e: unknown) =>
        e instanceof FlambeauError && e.code === 'invalid_request' && /line 2/.test(e.message) && /weak/.test(e.message) && !e.message.includes('secret'),
    );
    assert.throws(
      () => parseRoutingRows('{not json'),
      (e: unknown) => e instanceof FlambeauError && e.code === 'invalid_request',
    );
  });
});
