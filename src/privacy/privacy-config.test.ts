import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recallLevel } from './detectors/recall-level.js';
import { BUILTIN_PII_TYPES } from './pii-types.js';
import { DEFAULT_PASSTHROUGH_FIELDS, privacyConfigSchema } from './privacy-config.js';

describe('privacyConfigSchema', () => {
  it('applies defaults: every built-in type, pseudonymize for cloud, allow elsewhere, block on detector errors', () => {
    assert.deepEqual(privacyConfigSchema.parse({}), {
      detect: [...BUILTIN_PII_TYPES],
      cloud: 'pseudonymize',
      lan: 'allow',
      device: 'allow',
      on_detector_error: 'block',
      custom: [],
      passthrough_fields: [...DEFAULT_PASSTHROUGH_FIELDS],
      unscanned_images: 'refuse',
    });
  });

  it('accepts custom regex and word-list detectors and lets detect name them', () => {
    const config = privacyConfigSchema.parse({
      detect: ['EMAIL', 'CLIENT'],
      custom: [
        { type: 'CLIENT', words: ['Acme'], case_sensitive: true },
        { type: 'ORDER_REF', pattern: 'CMD-\\d{6}', flags: 'i' },
      ],
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
      { custom: [{ type: 'X', pattern: '(a+)+$' }] },
      { on_detector_error: 'pseudonymize' },
      { clowd: 'block' },
    ]) {
      assert.equal(privacyConfigSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('refuses custom patterns that backtrack catastrophically, saying why, and keeps ordinary ones', () => {
    for (const pattern of ['(\\w+\\s?)+:', '(a|a)*b', '\\w+@\\w+', '.*secret']) {
      const result = privacyConfigSchema.safeParse({ custom: [{ type: 'X', pattern }] });
      assert.equal(result.success, false, pattern);
      assert.match(result.error!.issues[0]!.message, /backtrack/, pattern);
      assert.deepEqual(result.error!.issues[0]!.path, ['custom', 0, 'pattern']);
    }
    for (const pattern of ['CMD-\\d{6}', 'badge (\\d{5})', '\\b[A-Z]{2}-\\d{4,8}\\b', '(?<=ref:)\\d{6}', '[A-Z]{1,20}-\\d{4}']) {
      assert.equal(privacyConfigSchema.safeParse({ custom: [{ type: 'X', pattern }] }).success, true, pattern);
    }
  });
});

describe('privacy.recall', () => {
  it('defaults to high where the cloud action rewrites, balanced where it blocks or allows; an explicit value wins', () => {
    assert.equal(recallLevel(privacyConfigSchema.parse({})), 'high');
    assert.equal(recallLevel(privacyConfigSchema.parse({ cloud: 'redact' })), 'high');
    assert.equal(recallLevel(privacyConfigSchema.parse({ cloud: 'block' })), 'balanced');
    assert.equal(recallLevel(privacyConfigSchema.parse({ cloud: 'allow' })), 'balanced');
    assert.equal(recallLevel(privacyConfigSchema.parse({ cloud: 'block', recall: 'high' })), 'high');
    assert.equal(recallLevel(privacyConfigSchema.parse({ recall: 'balanced' })), 'balanced');
    assert.equal(privacyConfigSchema.safeParse({ recall: 'maximum' }).success, false);
  });
});
