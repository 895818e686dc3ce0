import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../errors/index.js';
import { decodeTraceRequest } from '../../test/helpers/otlp-protobuf.js';
import { createTracing } from '../telemetry/index.js';
import { openRequest } from './request.js';
import { beginTrace, endTrace, traceStage } from './trace-request.js';

describe('request traces', () => {
  it('spans each stage, sync or async, failed ones with their error code, and ends the request span once', async () => {
    const bodies: Buffer[] = [];
    const tracing = createTracing({ endpoint: 'http://127.0.0.1:9/', serviceVersion: 'test', send: async (body) => void bodies.push(Buffer.from(body)) });
    const request = openRequest('r1', '/v1/chat/completions');
    beginTrace(request, 'POST', '/v1/chat/completions', undefined, { tracing });
    assert.equal(
      traceStage(request, 'sync', () => 7),
      7,
    );
    assert.equal(await traceStage(request, 'async', async () => 8), 8);
    assert.throws(
      () =>
        traceStage(request, 'throws', () => {
          throw new FlambeauError('policy_denied', 'no');
        }),
      /no/,
    );
    await assert.rejects(
      traceStage(request, 'rejects', async () => {
        throw new FlambeauError('upstream_failed', 'down');
      }),
      /down/,
    );
    request.outcome.status = 200;
    request.outcome.model = 'someone-typed-this';
    request.outcome.modelKnown = false;
    endTrace(request);
    endTrace(request);
    await tracing.shutdown();
    const spans = bodies.flatMap((body) => decodeTraceRequest(body));
    assert.deepEqual(spans.map((s) => s.name).sort(), ['POST /v1/chat/completions', 'async', 'rejects', 'sync', 'throws']);
    const byName = new Map(spans.map((s) => [s.name, s]));
    assert.equal(byName.get('throws')?.attributes['error.type'], 'policy_denied');
    assert.equal(byName.get('rejects')?.attributes['error.type'], 'upstream_failed');
    assert.equal(byName.get('sync')?.attributes['error.type'], undefined);
    const root = byName.get('POST /v1/chat/completions');
    assert.equal(root?.attributes['gen_ai.request.model'], 'other');
    for (const name of ['sync', 'async']) assert.equal(byName.get(name)?.parentSpanId, root?.spanId);
  });

  it('does nothing without tracing', async () => {
    const request = openRequest('r2', '/v1/chat/completions');
    beginTrace(request, 'POST', '/v1/chat/completions', undefined, {});
    assert.equal(request.trace, null);
    assert.equal(
      traceStage(request, 'sync', () => 1),
      1,
    );
    endTrace(request);
  });
});
