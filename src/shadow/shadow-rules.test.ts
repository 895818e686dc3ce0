import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileShadowRules } from './shadow-rules.js';

const models = new Set(['local-chat', 'cloud-big', 'judge']);
const compile = (raw: unknown) => compileShadowRules(raw, models, () => 0.5);
const base = { name: 'r', compare: ['local-chat', 'cloud-big'], sample: 0.05 };

describe('compileShadowRules', () => {
  it('compiles the list shape of the issue, with defaults', () => {
    const [rule] = compile([{ ...base, when: { route: 'default' }, judge: 'judge', max_concurrency: 2, budget_usd: '5/day' }]);
    assert.deepEqual(
      { ...rule, alternatives: rule?.alternatives.map((a) => ({ routes: a.routes, checks: a.checks.length })) },
      {
        name: 'r',
        alternatives: [{ routes: ['default'], checks: 0 }],
        local: 'local-chat',
        reference: 'cloud-big',
        sample: 0.05,
        judge: 'judge',
        embeddingModel: null,
        maxConcurrency: 2,
        maxQueue: 64,
        budgetUsdPerDay: 5,
        agreeAt: 0.8,
        timeoutMs: 120_000,
        includeContent: false,
      },
    );
  });

  it('takes route facts beside route, and a number as USD per day', () => {
    const [rule] = compile([{ ...base, when: [{ route: ['a', 'b'], pii: false }, { tag: 'x' }], budget_usd: 0.5 }]);
    assert.deepEqual(
      rule?.alternatives.map((a) => [a.routes, a.checks.map((c) => c.fact)]),
      [
        [['a', 'b'], ['pii: false']],
        [null, ['tag: x']],
      ],
    );
    assert.equal(rule?.budgetUsdPerDay, 0.5);
  });

  const refused: [string, unknown, RegExp][] = [
    ['an unknown fact', [{ ...base, when: { colour: 'red' } }], /shadow\[0\] \(r\): when/],
    ['an unknown model', [{ ...base, compare: ['local-chat', 'gpt-9'] }], /gpt-9 is not a configured model/],
    ['an unknown judge', [{ ...base, judge: 'nope' }], /nope is not a configured model/],
    ['the same model twice', [{ ...base, compare: ['local-chat', 'local-chat'] }], /two different models/],
    ['a sample of 0', [{ ...base, sample: 0 }], /sample/],
    ['a budget per hour', [{ ...base, budget_usd: '5/hour' }], /USD per day/],
    ['a name used twice', [base, base], /used by an earlier rule/],
    ['a map instead of a list', { ...base }, /must be a list/],
  ];
  for (const [what, raw, message] of refused) {
    it(`refuses ${what}, naming the rule`, () => {
      assert.throws(
        () => compile(raw),
        (error: Error & { code?: string }) => error.code === 'config_invalid' && message.test(error.message),
      );
    });
  }
});
