import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest, Locality } from '../providers/spec.js';
import { compileRoutes } from './compile-routes.js';
import { decide, type DecideInput } from './decide.js';
import { requestFacts, type FactSources } from './request-facts.js';

const LOCALITY: Record<string, Locality> = { 'local-chat': 'device', 'lan-box': 'lan', 'cloud-big': 'cloud', 'cloud-small': 'cloud' };
const MODELS = new Set(Object.keys(LOCALITY));

function world(unusable: Record<string, string> = {}): DecideInput['world'] {
  return {
    usable: (m) => unusable[m] === undefined,
    locality: (m) => LOCALITY[m] as Locality,
    isModel: (m) => MODELS.has(m),
    skipReason: (m) => unusable[m] ?? null,
  };
}

const baseRequest: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'Hello' }] };

function facts(over: Partial<FactSources> = {}) {
  return requestFacts({
    model: 'auto',
    request: baseRequest,
    findings: {},
    tokens: 10,
    caller: { keyId: 'key_1', keyName: 'alice', team: 'research' },
    tags: [],
    scoreComplexity: () => 0.3,
    ...over,
  });
}

function route(rules: unknown[], f = facts(), w = world(), requested = 'auto') {
  return decide({ requested, routes: compileRoutes(rules, MODELS, (share) => 1 - share), facts: f, world: w });
}

describe('decide: each fact', () => {
  const cases: [string, Record<string, unknown>, Partial<FactSources>, boolean][] = [
    ['pii true', { pii: true }, { findings: { EMAIL: 1 } }, true],
    ['pii true, only a secret', { pii: true }, { findings: { SECRET: 1 } }, false],
    ['pii false', { pii: false }, { findings: {} }, true],
    ['pii_types', { pii_types: ['IBAN', 'FR_NIR'] }, { findings: { FR_NIR: 2 } }, true],
    ['pii_types miss', { pii_types: ['IBAN'] }, { findings: { EMAIL: 1 } }, false],
    ['secrets', { secrets: true }, { findings: { SECRET: 1 } }, true],
    ['tokens_gt', { tokens_gt: 100 }, { tokens: 101 }, true],
    ['tokens_gt miss', { tokens_gt: 100 }, { tokens: 100 }, false],
    ['tokens_lt', { tokens_lt: 100 }, { tokens: 99 }, true],
    ['tools', { tools: true }, { request: { ...baseRequest, tools: [{ name: 'f' }] } }, true],
    ['tools miss', { tools: true }, {}, false],
    ['json', { json: true }, { request: { ...baseRequest, responseFormat: { type: 'json_object' } } }, true],
    ['json_schema', { json_schema: true }, { request: { ...baseRequest, responseFormat: { type: 'json_schema', name: 'x', schema: {} } } }, true],
    ['json_schema miss on json_object', { json_schema: true }, { request: { ...baseRequest, responseFormat: { type: 'json_object' } } }, false],
    ['key by name', { key: 'alice' }, {}, true],
    ['key by id in list', { key: ['bob', 'key_1'] }, {}, true],
    ['key miss', { key: 'bob' }, {}, false],
    ['team', { team: 'research' }, {}, true],
    ['team miss (master key has none)', { team: 'research' }, { caller: { keyId: null, keyName: null, team: null } }, false],
    ['tag', { tag: 'batch' }, { tags: ['urgent', 'batch'] }, true],
    ['tag miss', { tag: 'batch' }, { tags: [] }, false],
    ['model', { model: 'auto' }, {}, true],
    ['complexity_gt', { complexity_gt: 0.6 }, { scoreComplexity: () => 0.7 }, true],
    ['complexity_gt miss', { complexity_gt: 0.6 }, { scoreComplexity: () => 0.5 }, false],
    ['complexity_lt', { complexity_lt: 0.2 }, { scoreComplexity: () => 0.1 }, true],
    ['complexity_top_share: threshold from the share', { complexity_top_share: 0.3 }, { scoreComplexity: () => 0.75 }, true],
    ['complexity_top_share miss', { complexity_top_share: 0.3 }, { scoreComplexity: () => 0.65 }, false],
    ['injection', { injection: true }, { injection: true }, true],
    ['injection miss', { injection: true }, {}, false],
    ['injection false', { injection: false }, {}, true],
  ];
  for (const [label, when, sources, matches] of cases) {
    it(label, () => {
      const decision = route(
        [
          { name: 'rule', when, to: ['cloud-big'] },
          { name: 'default', to: ['local-chat'] },
        ],
        facts(sources),
      );
      assert.equal(decision.route, matches ? 'rule' : 'default');
      assert.equal(decision.rules[0]?.matched, matches);
      if (!matches) assert.match(decision.rules[0]?.reason ?? '', /did not hold/);
    });
  }

  it('health facts: cloud_available and healthy', () => {
    const rules = [
      { name: 'cloud-up', when: { cloud_available: true }, to: ['cloud-big', 'local-chat'] },
      { name: 'offline', to: ['local-chat'] },
    ];
    assert.equal(route(rules).route, 'cloud-up');
    assert.equal(route(rules, facts(), world({ 'cloud-big': 'breaker open' })).route, 'offline');
    const healthy = [
      { name: 'lan', when: { healthy: 'lan-box' }, to: ['lan-box'] },
      { name: 'else', to: ['local-chat'] },
    ];
    assert.equal(route(healthy).route, 'lan');
    assert.equal(route(healthy, facts(), world({ 'lan-box': 'down' })).route, 'else');
  });

  it('computes the complexity score only when a rule reaches it', () => {
    let calls = 0;
    const f = facts({
      scoreComplexity: () => {
        calls += 1;
        return 0.9;
      },
    });
    route(
      [
        { name: 'private', when: { pii: false }, to: ['local-chat'] },
        { name: 'hard', when: { complexity_gt: 0.5 }, to: ['cloud-big'] },
      ],
      f,
    );
    assert.equal(calls, 0);
    route(
      [
        { name: 'hard', when: { complexity_gt: 0.5 }, to: ['cloud-big'] },
        { name: 'hard2', when: { complexity_gt: 0.4 }, to: ['cloud-big'] },
      ],
      f,
    );
    assert.equal(calls, 1);
  });
});

describe('decide: rule shapes', () => {
  it('first match wins, in order', () => {
    const rules = [
      { name: 'a', when: { tokens_gt: 5 }, to: ['cloud-big'] },
      { name: 'b', when: { tokens_gt: 1 }, to: ['lan-box'] },
    ];
    const d = route(rules);
    assert.equal(d.route, 'a');
    assert.deepEqual(
      d.rules.map((r) => r.name),
      ['a'],
    );
  });

  it('AND inside one when, OR across a list of whens', () => {
    const and = [
      { name: 'both', when: { pii: true, tools: true }, to: ['local-chat'] },
      { name: 'd', to: ['cloud-big'] },
    ];
    assert.equal(route(and, facts({ findings: { EMAIL: 1 } })).route, 'd');
    const or = [
      { name: 'either', when: [{ pii: true }, { tools: true }], to: ['local-chat'] },
      { name: 'd', to: ['cloud-big'] },
    ];
    assert.equal(route(or, facts({ findings: { EMAIL: 1 } })).route, 'either');
    assert.equal(route(or).route, 'd');
  });

  it('ordered targets become candidates; unusable ones are skipped with their reason', () => {
    const d = route([{ name: 'r', to: ['cloud-big', 'lan-box', 'local-chat'] }], facts(), world({ 'cloud-big': 'cloud calls are disabled' }));
    assert.deepEqual(d.candidates, ['lan-box', 'local-chat']);
    assert.deepEqual(d.skipped, [{ model: 'cloud-big', reason: 'cloud calls are disabled' }]);
  });

  it('an explicit model name goes to that model only; unknown names are 404', () => {
    const d = route([{ name: 'r', to: ['cloud-big'] }], facts({ model: 'local-chat' }), world(), 'local-chat');
    assert.equal(d.route, 'explicit');
    assert.deepEqual(d.candidates, ['local-chat']);
    assert.throws(() => route([], facts(), world(), 'nope'), { code: 'model_not_found' });
  });

  it('an exposed route is left out of auto', () => {
    const d = route([
      { name: 'smart', expose: true, to: ['cloud-big'] },
      { name: 'default', to: ['local-chat'] },
    ]);
    assert.equal(d.route, 'default');
  });

  it('an exposed route is addressable by its name', () => {
    const d = route([{ name: 'smart', expose: true, when: { tokens_gt: 1_000_000 }, to: ['cloud-big', 'local-chat'] }], facts(), world(), 'smart');
    assert.equal(d.route, 'smart');
    assert.deepEqual(d.candidates, ['cloud-big', 'local-chat']);
  });

  it('auto with no matching rule, or no rules, is 503 no_target_available', () => {
    assert.throws(() => route([{ name: 'only', when: { tools: true }, to: ['cloud-big'] }]), { code: 'no_target_available' });
    assert.throws(() => route([]), { code: 'no_target_available' });
  });

  it('a cascade route keeps its pair', () => {
    const d = route([{ name: 'c', cascade: { first: 'local-chat', then: 'cloud-big', escalate_on: ['refusal'] } }]);
    assert.deepEqual(d.candidates, ['local-chat', 'cloud-big']);
    assert.deepEqual(d.cascade, { first: 'local-chat', then: 'cloud-big', escalateOn: ['refusal'] });
  });
});

describe('compileRoutes: bad rules fail at start-up, naming the rule', () => {
  const bad: [unknown, RegExp][] = [
    [[{ name: 'x', when: { sensitivity: 'high' }, to: ['local-chat'] }], /routes\[0\] \(x\).*sensitivity.*known facts: pii/],
    [[{ name: 'x', to: ['nope'] }], /routes\[0\] \(x\): target nope is not a configured model/],
    [[{ name: 'x' }], /routes\[0\] \(x\).*exactly one of `to` or `cascade`/],
    [
      [
        { name: 'x', to: ['local-chat'] },
        { name: 'x', to: ['local-chat'] },
      ],
      /routes\[1\] \(x\).*used by an earlier rule/,
    ],
    [[{ name: 'local-chat', expose: true, to: ['cloud-big'] }], /cannot share its name with a model/],
    [[{ name: 'x', when: { complexity_gt: 3 }, to: ['local-chat'] }], /routes\[0\] \(x\): when.complexity_gt/],
    [{ name: 'x' }, /routes: must be a list/],
  ];
  for (const [rules, message] of bad) {
    it(String(message), () =>
      assert.throws(
        () => compileRoutes(rules, MODELS, () => 0.5),
        (e: Error & { code?: string }) => e.code === 'config_invalid' && message.test(e.message),
      ),
    );
  }
});
