import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestOutcome } from '../audit/request-outcome.js';
import { createGatewayMetrics } from './gateway-metrics.js';

const outcome = (over: Partial<RequestOutcome> = {}): RequestOutcome => ({
  requestId: 'r',
  startedAt: 0,
  principal: null,
  endpoint: '/v1/chat/completions',
  endpointKnown: true,
  model: 'local-chat',
  modelKnown: true,
  route: 'default',
  provider: 'local',
  upstreamModel: 'tiny',
  locality: 'device',
  privacy: { action: 'allow', findings: { EMAIL: 2, PHONE: 0 } },
  status: 200,
  errorCode: null,
  usage: { inputTokens: 12, outputTokens: 5, estimated: false },
  costUsd: 0,
  latencyMs: 250,
  log: { ttftMs: 40, streamed: true },
  ...over,
});

const ACTIONS = { user: 'flag', document: 'spotlight', tool: 'block' };

describe('gateway metrics', () => {
  it('counts an outcome under bounded labels: an unknown model or path is `other`, never its text', async () => {
    let breakerOpen = false;
    const metrics = createGatewayMetrics(
      {
        breakers: () => [{ provider: 'cloud', open: breakerOpen }],
        engine: () => [{ model: 'local-chat', queued: 3, loaded: true }],
        budgets: async () => [{ scope: 'team', name: 'research', remainingUsd: 12.5 }],
      },
      ACTIONS,
    );
    metrics.observeRequest(outcome());
    metrics.observeRequest(outcome());
    metrics.observeRequest(outcome({ model: 'attacker-chosen-name', modelKnown: false, status: 404, usage: null, log: undefined }));
    metrics.observeRequest(
      outcome({
        injection: [
          { source: 'tool', score: 0.9, signals: ['role-line'] },
          { source: 'user', score: 0.7, signals: [] },
        ],
      }),
    );
    metrics.observeRequest(outcome({ endpoint: 'label:0123abcd', endpointKnown: false, model: null, status: 404, usage: null }));
    const { contentType, body } = await metrics.render();
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    assert.match(
      body,
      /flambeau_requests_total\{endpoint="\/v1\/chat\/completions",route="default",model="local-chat",provider="local",locality="device",status="200"\} 3/,
    );
    assert.match(body, /flambeau_requests_total\{[^}]*model="other"[^}]*status="404"\} 1/);
    assert.match(body, /flambeau_requests_total\{endpoint="other",[^}]*model="none"[^}]*\} 1/);
    assert.ok(!body.includes('attacker-chosen-name') && !body.includes('0123abcd'));
    assert.match(body, /flambeau_tokens_total\{direction="input",model="local-chat",locality="device"\} 36/);
    assert.match(body, /flambeau_injection_findings_total\{source="tool",action="block"\} 1/);
    assert.match(body, /flambeau_injection_findings_total\{source="user",action="flag"\} 1/);
    assert.match(body, /flambeau_time_to_first_token_seconds_count\{model="local-chat",locality="device"\} 3/);
    assert.match(body, /flambeau_request_duration_seconds_sum\{endpoint="\/v1\/chat\/completions",locality="device"\} 1/);
    assert.match(body, /flambeau_privacy_findings_total\{type="EMAIL",action="allow"\} 10/);
    assert.ok(!/type="PHONE"/.test(body), 'a type found 0 times is not counted');
    assert.match(body, /flambeau_engine_queue_depth\{model="local-chat"\} 3/);
    assert.match(body, /flambeau_budget_remaining_usd\{scope="team",name="research"\} 12\.5/);
    assert.match(body, /flambeau_breaker_open\{provider="cloud"\} 0/);
    breakerOpen = true;
    assert.match((await metrics.render()).body, /flambeau_breaker_open\{provider="cloud"\} 1/);
  });

  it('counts trace spans exported and dropped when tracing is on, and has no such series when it is off', async () => {
    let stats = { exported: 0, dropped: 0 };
    const traced = createGatewayMetrics({ breakers: () => [], engine: () => [], budgets: async () => [], traceSpans: () => stats }, ACTIONS);
    stats = { exported: 2048, dropped: 6 };
    const { body } = await traced.render();
    assert.match(body, /# TYPE flambeau_trace_spans_total counter/);
    assert.match(body, /flambeau_trace_spans_total\{outcome="exported"\} 2048/);
    assert.match(body, /flambeau_trace_spans_total\{outcome="dropped"\} 6/);
    const plain = createGatewayMetrics({ breakers: () => [], engine: () => [], budgets: async () => [] }, ACTIONS);
    assert.ok(!(await plain.render()).body.includes('flambeau_trace_spans_total'));
  });

  it('writes histograms with cumulative buckets and escapes label values as the exposition format requires', async () => {
    const metrics = createGatewayMetrics({ breakers: () => [], engine: () => [], budgets: async () => [] }, ACTIONS);
    for (const latencyMs of [3, 30, 30, 400_000]) metrics.observeRequest(outcome({ latencyMs, route: 'a"b\\c\nd' }));
    const { body } = await metrics.render();
    const series = (le: string) =>
      new RegExp(`flambeau_request_duration_seconds_bucket\\{endpoint="/v1/chat/completions",locality="device",le="${le}"\\} (\\d+)`).exec(body)?.[1];
    assert.equal(series('0.005'), '1');
    assert.equal(series('0.025'), '1');
    assert.equal(series('0.05'), '3');
    assert.equal(series('300'), '3');
    assert.equal(series('\\+Inf'), '4');
    assert.match(body, /flambeau_request_duration_seconds_count\{endpoint="\/v1\/chat\/completions",locality="device"\} 4/);
    assert.ok(body.includes('route="a\\"b\\\\c\\nd"'), body);
    assert.equal(body.match(/# TYPE flambeau_request_duration_seconds histogram/g)?.length, 1);
  });

  it('never fails the request it counts', () => {
    const metrics = createGatewayMetrics({ breakers: () => [], engine: () => [], budgets: async () => [] }, ACTIONS);
    assert.doesNotThrow(() => metrics.observeRequest(outcome({ usage: { inputTokens: -3, outputTokens: Number.NaN, estimated: false } })));
  });
});
