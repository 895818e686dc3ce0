import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../errors/index.js';
import { actionFor, decide, policyDeniedError } from './policy.js';
import { privacyConfigSchema } from './privacy-config.js';

const failure = { detector: 'person', type: 'PERSON', errorName: 'TypeError' };

describe('policy', () => {
  it('looks up the action per locality', () => {
    const config = privacyConfigSchema.parse({ cloud: 'block', lan: 'redact' });
    assert.equal(actionFor(config, 'cloud'), 'block');
    assert.equal(actionFor(config, 'lan'), 'redact');
    assert.equal(actionFor(config, 'device'), 'allow');
  });

  it('decides from findings and detector failures', () => {
    const cases: [Parameters<typeof decide>, ReturnType<typeof decide>][] = [
      [
        ['block', { EMAIL: 2, PERSON: 1 }, [], 'block'],
        { allowed: false, reasons: ['sensitive data may not be sent to this model: EMAIL, PERSON'], types: ['EMAIL', 'PERSON'] },
      ],
      [['block', {}, [], 'block'], { allowed: true, action: 'block' }],
      [['block', { EMAIL: 0 }, [], 'block'], { allowed: true, action: 'block' }],
      [['pseudonymize', { EMAIL: 1 }, [], 'block'], { allowed: true, action: 'pseudonymize' }],
      [['pseudonymize', {}, [failure], 'block'], { allowed: false, reasons: ['privacy detector failed: person'], types: [] }],
      [['redact', {}, [failure], 'allow'], { allowed: true, action: 'redact' }],
      [['allow', { EMAIL: 1 }, [failure], 'block'], { allowed: true, action: 'allow' }],
    ];
    for (const [args, expected] of cases) assert.deepEqual(decide(...args), expected, JSON.stringify(args));
  });

  it('maps a refusal to policy_denied (403) with types and no values', () => {
    const error = policyDeniedError({ allowed: false, reasons: ['sensitive data may not be sent to this model: EMAIL'], types: ['EMAIL'] });
    assert.ok(error instanceof FlambeauError);
    assert.equal(error.code, 'policy_denied');
    assert.equal(error.status, 403);
    assert.deepEqual(error.details.types, ['EMAIL']);
  });
});
