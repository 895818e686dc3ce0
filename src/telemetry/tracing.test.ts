import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createTracing } from './tracing.js';

/** Keeps its spans after shutdown (the in-memory exporter clears them then). */
class KeepingExporter extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

function tracingWith(sampleRatio: number, random = () => 0.5) {
  const exporter = new KeepingExporter();
  const tracing = createTracing({ endpoint: 'http://127.0.0.1:9/', serviceVersion: 'test', exporter, sampleRatio, random, exportIntervalMs: 60_000 });
  return { exporter, tracing };
}

describe('tracing: plain spans, head sampling, traceparent', () => {
  it('exports a sampled trace once its request span ends: ids, parents, kinds, times, status', async () => {
    const { exporter, tracing } = tracingWith(1);
    const trace = tracing.startRequest('POST /v1/chat/completions', `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`, { 'http.route': '/v1/chat/completions' });
    assert.equal(trace.sampled, true);
    assert.equal(trace.continued, true);
    const attempt = trace.child('chat m', { 'flambeau.attempt': 1 }, 'client');
    assert.match(attempt.traceparent(), new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-01$`));
    attempt.fail('upstream_failed');
    attempt.end();
    const open = trace.child('flambeau.route');
    trace.root.set({ 'http.response.status_code': 200 });
    trace.root.end();
    open.end(); // after the request span: cut at its end, exported once
    await tracing.shutdown();
    const spans = exporter.getFinishedSpans();
    assert.deepEqual(spans.map((s) => s.name).sort(), ['POST /v1/chat/completions', 'chat m', 'flambeau.route']);
    const root = spans.find((s) => s.name === 'POST /v1/chat/completions');
    const chat = spans.find((s) => s.name === 'chat m');
    assert.equal(root?.spanContext().traceId, CLIENT_TRACE);
    assert.equal(root?.parentSpanContext?.spanId, CLIENT_SPAN);
    assert.equal(root?.parentSpanContext?.isRemote, true);
    assert.equal(root?.kind, 1); // SERVER
    assert.equal(root?.attributes['http.response.status_code'], 200);
    assert.equal(chat?.kind, 2); // CLIENT
    assert.equal(chat?.parentSpanContext?.spanId, root?.spanContext().spanId);
    assert.equal(chat?.status.code, 2);
    assert.equal(chat?.attributes['error.type'], 'upstream_failed');
    assert.equal(attempt.traceparent().split('-')[2], chat?.spanContext().spanId);
    for (const span of spans) {
      const start = span.startTime[0] * 1e9 + span.startTime[1];
      const end = span.endTime[0] * 1e9 + span.endTime[1];
      assert.ok(end >= start);
      assert.ok(Math.abs(start / 1e6 - Date.now()) < 60_000);
    }
  });

  it('leaves a request out at sample_ratio 0, yet the upstream still gets the trace id flagged not sampled', async () => {
    const { exporter, tracing } = tracingWith(0);
    const trace = tracing.startRequest('POST /v1/chat/completions', undefined);
    assert.equal(trace.sampled, false);
    assert.equal(trace.continued, false);
    const attempt = trace.child('chat m', {}, 'client');
    assert.match(attempt.traceparent(), /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    attempt.end();
    trace.root.end();
    await tracing.shutdown();
    assert.equal(exporter.getFinishedSpans().length, 0);
  });

  it("follows the client's sampled flag whatever the ratio; samples the ratio's share of new traces", async () => {
    const { exporter, tracing } = tracingWith(0);
    const kept = tracing.startRequest('a', `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`);
    const dropped = tracingWith(1).tracing.startRequest('b', `00-${CLIENT_TRACE}-${CLIENT_SPAN}-00`);
    assert.equal(kept.sampled, true);
    assert.equal(dropped.sampled, false);
    assert.match(dropped.child('x').traceparent(), new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-00$`));
    kept.root.end();
    await tracing.shutdown();
    assert.equal(exporter.getFinishedSpans().length, 1);
    let draw = 0;
    const draws = [0.1, 0.3, 0.29];
    const partial = tracingWith(0.3, () => draws[draw++] as number).tracing;
    assert.deepEqual(
      draws.map(() => partial.startRequest('c', undefined).sampled),
      [true, false, true],
    );
  });

  it('starts a new trace for a malformed or all-zero traceparent', () => {
    const { tracing } = tracingWith(1);
    for (const header of [
      '00-zz-not-a-trace-01',
      `00-${'0'.repeat(32)}-${CLIENT_SPAN}-01`,
      `00-${CLIENT_TRACE}-${'0'.repeat(16)}-01`,
      `00-${CLIENT_TRACE.toUpperCase()}-${CLIENT_SPAN}-01`,
    ]) {
      const trace = tracing.startRequest('a', header);
      assert.equal(trace.continued, false, header);
      assert.ok(!trace.root.traceparent().includes(CLIENT_TRACE), header);
    }
  });
});
