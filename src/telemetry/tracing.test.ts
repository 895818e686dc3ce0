import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { decodeTraceRequest, type DecodedSpan } from '../../test/helpers/otlp-protobuf.js';
import { startOtlpReceiver } from '../../test/helpers/otlp-receiver.js';
import { createTracing } from './tracing.js';

/** `promise`, or a rejection when it is still pending after `ms`: proves it finishes, not how fast. */
function beforeGuard<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
  let guard: NodeJS.Timeout | undefined;
  const timeUp = new Promise<never>((_, reject) => (guard = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)));
  return Promise.race([promise, timeUp]).finally(() => clearTimeout(guard));
}

/**
 * A collector on 127.0.0.1 whose `answer` decides, for the nth request (from 0), to accept
 * (`ok`), to trickle the answer one byte every 100 ms for 100 s (`trickle`), or to say nothing
 * (`silent`). Keeps the spans of the bodies it accepted and counts connections closed under it.
 */
async function slowCollector(answer: (nth: number) => 'ok' | 'trickle' | 'silent') {
  const accepted: string[] = [];
  let requests = 0;
  let closed = 0;
  const server = createServer((req, res) => {
    const how = answer(requests++);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (how === 'ok') {
        accepted.push(...decodeTraceRequest(Buffer.concat(chunks)).map((s) => s.name));
        res.writeHead(200, { 'content-length': 0 }).end();
      } else if (how === 'trickle') trickle(res);
    });
  });
  server.on('connection', (socket: Socket) => socket.on('close', () => (closed += 1)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted,
    requests: () => requests,
    closed: () => closed,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function trickle(res: ServerResponse): void {
  res.writeHead(200, { 'content-length': 1000 });
  const drip = setInterval(() => res.write('x'), 100);
  res.on('close', () => clearInterval(drip));
}

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

/** Tracing whose export requests are kept and decoded, not sent. */
function tracingWith(sampleRatio: number, random = () => 0.5) {
  const bodies: Buffer[] = [];
  const tracing = createTracing({
    endpoint: 'http://127.0.0.1:9/',
    serviceVersion: 'test',
    sampleRatio,
    random,
    exportIntervalMs: 60_000,
    send: async (body) => void bodies.push(Buffer.from(body)),
  });
  return { bodies, tracing, spans: (): DecodedSpan[] => bodies.flatMap((b) => decodeTraceRequest(b)) };
}

describe('tracing: plain spans, head sampling, traceparent', () => {
  it('exports a sampled trace once its request span ends: ids, parents, kinds, times, status, flags', async () => {
    const { tracing, spans: exported } = tracingWith(1);
    const before = BigInt(Date.now()) * 1_000_000n;
    const trace = tracing.startRequest('POST /v1/chat/completions', `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`, { 'http.route': '/v1/chat/completions' });
    assert.equal(trace.sampled, true);
    assert.equal(trace.continued, true);
    const attempt = trace.child('chat m', { 'flambeau.attempt': 1 }, 'client');
    assert.match(attempt.traceparent(), new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-01$`));
    attempt.fail('upstream_failed');
    attempt.end();
    const open = trace.child('flambeau.route');
    trace.root.set({ 'http.response.status_code': 200, 'flambeau.cost_usd': 0.25, 'flambeau.cached': false });
    trace.root.set({ 'http.response.status_code': 200, 'flambeau.absent': undefined as unknown as string });
    trace.root.end();
    open.end(); // after the request span: cut at its end, exported once
    await tracing.shutdown();
    const spans = exported();
    assert.deepEqual(spans.map((s) => s.name).sort(), ['POST /v1/chat/completions', 'chat m', 'flambeau.route']);
    const root = spans.find((s) => s.name === 'POST /v1/chat/completions');
    const chat = spans.find((s) => s.name === 'chat m');
    const route = spans.find((s) => s.name === 'flambeau.route');
    assert.equal(root?.traceId, CLIENT_TRACE);
    assert.equal(root?.parentSpanId, CLIENT_SPAN);
    assert.equal(root?.flags, 0x301); // sampled, parent known to be remote
    assert.equal(root?.kind, 2); // SERVER
    assert.deepEqual(root?.attributes, {
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 200,
      'flambeau.cost_usd': 0.25,
      'flambeau.cached': false,
    });
    assert.deepEqual(root?.numberTypes, { 'http.response.status_code': 'int', 'flambeau.cost_usd': 'double' });
    assert.deepEqual(root?.resource, { 'service.name': 'flambeau', 'service.version': 'test' });
    assert.deepEqual(root?.scope, { name: 'flambeau', version: 'test' });
    assert.equal(chat?.kind, 3); // CLIENT
    assert.equal(chat?.flags, 0x101);
    assert.equal(chat?.parentSpanId, root?.spanId);
    assert.equal(chat?.status.code, 2);
    assert.equal(chat?.attributes['error.type'], 'upstream_failed');
    assert.equal(chat?.attributes['flambeau.attempt'], 1);
    assert.equal(attempt.traceparent().split('-')[2], chat?.spanId);
    assert.equal(route?.kind, 1); // INTERNAL
    assert.equal(route?.endTimeUnixNano, root?.endTimeUnixNano);
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    for (const span of spans) {
      assert.ok(span.startTimeUnixNano >= before - 1_000_000n && span.startTimeUnixNano <= span.endTimeUnixNano, span.name);
      assert.ok(span.endTimeUnixNano <= after, span.name);
    }
    assert.deepEqual(tracing.stats(), { exportedSpans: 3, droppedSpans: 0, failedExports: 0 });
  });

  it('leaves a request out at sample_ratio 0, yet the upstream still gets the trace id flagged not sampled', async () => {
    const { tracing, bodies } = tracingWith(0);
    const trace = tracing.startRequest('POST /v1/chat/completions', undefined);
    assert.equal(trace.sampled, false);
    assert.equal(trace.continued, false);
    const attempt = trace.child('chat m', {}, 'client');
    assert.match(attempt.traceparent(), /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    attempt.end();
    trace.root.end();
    await tracing.shutdown();
    assert.equal(bodies.length, 0);
  });

  it("follows the client's sampled flag whatever the ratio; samples the ratio's share of new traces", async () => {
    const { tracing, spans } = tracingWith(0);
    const kept = tracing.startRequest('a', `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`);
    const dropped = tracingWith(1).tracing.startRequest('b', `00-${CLIENT_TRACE}-${CLIENT_SPAN}-00`);
    assert.equal(kept.sampled, true);
    assert.equal(dropped.sampled, false);
    assert.match(dropped.child('x').traceparent(), new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-00$`));
    kept.root.end();
    await tracing.shutdown();
    assert.equal(spans().length, 1);
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

  it('exports a full batch without waiting for the interval', async () => {
    const bodies: Buffer[] = [];
    const tracing = createTracing({
      endpoint: 'http://127.0.0.1:9/',
      serviceVersion: 'test',
      exportIntervalMs: 60_000,
      maxBatchSpans: 512,
      send: async (body) => void bodies.push(Buffer.from(body)),
    });
    const spans = () => bodies.flatMap((b) => decodeTraceRequest(b));
    for (let i = 0; i < 600; i++) tracing.startRequest(`r${i}`, undefined).root.end();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.ok(bodies.length >= 1);
    assert.equal(decodeTraceRequest(bodies[0] as Buffer).length, 512);
    await tracing.shutdown();
    assert.deepEqual(
      spans().map((s) => s.name),
      Array.from({ length: 600 }, (_, i) => `r${i}`),
    );
  });

  it('drops (and counts) spans beyond the queue bound while the collector is stuck, and a failed batch', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const tracing = createTracing({
      endpoint: 'http://127.0.0.1:9/',
      serviceVersion: 'test',
      exportIntervalMs: 60_000,
      maxBatchSpans: 512,
      maxQueueSpans: 8192,
      send: (body) => {
        calls += 1;
        if (calls === 1) return new Promise<void>((resolve) => (release = resolve)); // stuck
        if (calls === 2) return Promise.reject(new Error('collector down'));
        assert.ok(decodeTraceRequest(body).length > 0);
        return Promise.resolve();
      },
    });
    for (let i = 0; i < 512; i++) tracing.startRequest('a', undefined).root.end();
    await new Promise<void>((resolve) => setImmediate(resolve)); // the first batch is out, stuck
    for (let i = 0; i < 9000; i++) tracing.startRequest('b', undefined).root.end();
    release();
    await tracing.shutdown();
    const stats = tracing.stats();
    // The bound counts the batch in flight: 8192 - 512 more were kept, the rest dropped, and the failed batch too.
    assert.equal(stats.droppedSpans, 9000 - (8192 - 512) + 512);
    assert.equal(stats.failedExports, 1);
    assert.equal(stats.exportedSpans, 512 + (8192 - 512) - 512);
  });
});

describe('tracing: OTLP/HTTP protobuf export', () => {
  it('posts application/x-protobuf to /v1/traces of the endpoint, which a receiver decodes', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const tracing = createTracing({ endpoint: receiver.url, serviceVersion: '1.2.3', exportIntervalMs: 60_000 });
      const trace = tracing.startRequest('POST /v1/chat/completions', undefined, { 'http.request.method': 'POST' });
      trace.child('flambeau.privacy').end();
      trace.root.end();
      await tracing.shutdown();
      assert.deepEqual(receiver.spans.map((s) => s.name).sort(), ['POST /v1/chat/completions', 'flambeau.privacy']);
      assert.deepEqual(tracing.stats(), { exportedSpans: 2, droppedSpans: 0, failedExports: 0 });
    } finally {
      await receiver.close();
    }
  });

  it('counts a batch the collector refuses as dropped', async () => {
    const refusing = createServer((req, res) => req.resume().on('end', () => res.writeHead(503).end()));
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const tracing = createTracing({ endpoint: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/v1/traces`, serviceVersion: 't' });
      tracing.startRequest('a', undefined).root.end();
      await tracing.shutdown();
      assert.deepEqual(tracing.stats(), { exportedSpans: 0, droppedSpans: 1, failedExports: 1 });
    } finally {
      refusing.close();
    }
  });

  for (const how of ['trickle', 'silent'] as const)
    it(`fails a batch the collector does not answer in full in time (${how}), counts it dropped, and sends the next`, async () => {
      const collector = await slowCollector((nth) => (nth === 0 ? how : 'ok'));
      try {
        const tracing = createTracing({
          endpoint: collector.url,
          serviceVersion: 't',
          exportIntervalMs: 60_000,
          maxBatchSpans: 1,
          exportTimeoutMs: 300,
          shutdownTimeoutMs: 60_000,
        });
        tracing.startRequest('first', undefined).root.end();
        await new Promise<void>((resolve) => setImmediate(resolve)); // the first batch is out
        tracing.startRequest('second', undefined).root.end();
        await beforeGuard(tracing.shutdown());
        assert.deepEqual(collector.accepted, ['second']);
        assert.equal(collector.requests(), 2);
        assert.deepEqual(tracing.stats(), { exportedSpans: 1, droppedSpans: 1, failedExports: 1 });
      } finally {
        await collector.close();
      }
    });

  it('stops within its time limit when the collector never answers: the batch in flight and those after it are dropped and counted', async () => {
    const collector = await slowCollector(() => 'silent');
    try {
      const tracing = createTracing({
        endpoint: collector.url,
        serviceVersion: 't',
        exportIntervalMs: 60_000,
        maxBatchSpans: 2,
        exportTimeoutMs: 60_000,
        shutdownTimeoutMs: 300,
      });
      for (let i = 0; i < 5; i++) tracing.startRequest(`r${i}`, undefined).root.end();
      await beforeGuard(tracing.shutdown()); // three batches of 2, 2 and 1 span
      assert.equal(collector.requests(), 1);
      assert.deepEqual(tracing.stats(), { exportedSpans: 0, droppedSpans: 5, failedExports: 1 });
      // The request in flight was abandoned: its connection is closed, nothing holds the process.
      await beforeGuard(
        (async () => {
          while (collector.closed() < 1) await new Promise((resolve) => setTimeout(resolve, 10));
        })(),
      );
    } finally {
      await collector.close();
    }
  });

  it('stops within its time limit even when the send ignores the abort, and counts nothing twice when it settles later', async () => {
    let finish: () => void = () => undefined;
    let signal: AbortSignal | undefined;
    const tracing = createTracing({
      endpoint: 'http://127.0.0.1:9/',
      serviceVersion: 't',
      exportIntervalMs: 60_000,
      shutdownTimeoutMs: 200,
      send: (_body, abort) => {
        signal = abort;
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    tracing.startRequest('a', undefined).root.end();
    tracing.startRequest('b', undefined).root.end();
    await beforeGuard(tracing.shutdown());
    assert.equal(signal?.aborted, true);
    assert.deepEqual(tracing.stats(), { exportedSpans: 0, droppedSpans: 2, failedExports: 1 });
    finish();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(tracing.stats(), { exportedSpans: 0, droppedSpans: 2, failedExports: 1 });
    tracing.startRequest('late', undefined).root.end(); // after shutdown: dropped
    assert.equal(tracing.stats().droppedSpans, 3);
  });
});
