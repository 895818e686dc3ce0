import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { injectionConfigSchema } from './injection-config.js';
import { decideInjection, injectionHeader, injectionRefusal, isReported } from './injection-decision.js';
import type { InjectionScan } from './scan-injection.js';

const scan = (source: InjectionScan['source'], flagged: boolean, score = flagged ? 0.93 : 0.1): InjectionScan => ({
  source,
  flagged,
  score,
  signals: flagged ? [{ kind: 'override_phrase', detail: 'x', count: 1, start: 0, end: 1 }] : [],
  coverage: 1,
});

describe('injection config', () => {
  it('defaults to flag users, spotlight documents and tools, threshold 0.5', () => {
    assert.deepEqual(injectionConfigSchema.parse({}), { user: 'flag', documents: 'spotlight', tools: 'spotlight', threshold: 0.5 });
  });
  it('refuses actions a source does not have, unknown keys and thresholds outside 0..1', () => {
    for (const bad of [{ user: 'spotlight' }, { tools: 'drop' }, { documents: 'flag' }, { threshold: 1.5 }, { thresold: 0.4 }])
      assert.equal(injectionConfigSchema.safeParse(bad).success, false, JSON.stringify(bad));
  });
});

describe('decideInjection', () => {
  const cases: [Record<string, unknown>, InjectionScan, string][] = [
    [{}, scan('user', true), 'flag'],
    [{}, scan('user', false), 'pass'],
    [{ user: 'block' }, scan('user', true), 'block'],
    [{ user: 'allow' }, scan('user', true), 'pass'],
    [{}, scan('document', false), 'spotlight'],
    [{}, scan('tool', true), 'spotlight'],
    [{ documents: 'drop' }, scan('document', true), 'drop'],
    [{ documents: 'drop' }, scan('document', false), 'pass'],
    [{ documents: 'block' }, scan('document', true), 'block'],
    [{ tools: 'allow' }, scan('tool', true), 'pass'],
  ];
  for (const [config, s, verdict] of cases) {
    it(`${JSON.stringify(config)} + ${s.source} ${s.flagged ? 'flagged' : 'clean'} -> ${verdict}`, () => {
      assert.equal(decideInjection(s, injectionConfigSchema.parse(config)), verdict);
    });
  }
  it('reports flagged scans unless the action is allow', () => {
    assert.equal(isReported(scan('tool', true), injectionConfigSchema.parse({})), true);
    assert.equal(isReported(scan('tool', true), injectionConfigSchema.parse({ tools: 'allow' })), false);
    assert.equal(isReported(scan('tool', false), injectionConfigSchema.parse({})), false);
  });
});

describe('reporting', () => {
  it('writes the header with the highest score per source', () => {
    assert.equal(
      injectionHeader([scan('user', true, 0.934), scan('document', true, 0.61), scan('document', true, 0.8), scan('tool', false)]),
      'source=user;score=0.93, source=document;score=0.80',
    );
    assert.equal(injectionHeader([scan('user', false)]), null);
  });
  it('refuses with policy_denied naming source and score, never the text', () => {
    const error = injectionRefusal(scan('document', true, 0.876));
    assert.equal(error.code, 'policy_denied');
    assert.equal(error.status, 403);
    assert.deepEqual(error.details, { reason: 'prompt_injection', source: 'document', score: 0.88, signals: ['override_phrase'] });
    assert.match(error.message, /retrieved document.*0\.88/);
  });
});
