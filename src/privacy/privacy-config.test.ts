import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_PII_TYPES } from './pii-types.js';
import { privacyConfigSchema } from './privacy-config.js';

describe('privacyConfigSchema', () => {
  it('applies defaults: every built-in type, pseudonymize for cloud, allow elsewhere, block on detector errors', () => {
    assert.deepEqual(privacyConfigSchema.parse({}), {
      detect: [...BUILTIN_PII_TYPES], cloud: 'pseudonymize', lan: 'allow', device: 'allow', on_detector_error: 'block', custom: [],
    });
  });

  it('accepts custom regex and word-list detectors and lets detect name them', () => {
    const config = privacyConfigSchema.parse({
      detect: ['EMAIL', 'CLIENT'],
      custom: [{ type: 'CLIENT', words: ['Acme'], case_sensitive: true }, { type: 'ORDER_REF', pattern: 'CMD-\\d{6}', flags: 'i' }],
    });
    assert.equal(config.custom.length, 2);
  });

  it('rejects unknown types, bad actions, bad names, invalid regexes and unknown keys', () => {
    for (const bad of [
      { detect: ['NAME'] },
      { cloud: 'encrypt' },
      { custom: [{ type: 'client', words: ['x'] }] },
      { custom: [{ type: 'X', pattern: '(' }] },
      { custom: [{ type: 'X', pattern: 'a', flags: 'g' }] },
      { custom: [{ type: 'X', words: [] }] },
      { on_detector_error: 'pseudonymize' },
      { clowd: 'block' },
    ]) {
      assert.equal(privacyConfigSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });
});
