import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { startStandInCloud } from '../helpers/stand-in-cloud.js';
import { startTestGateway } from '../helpers/start-gateway.js';

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

describe('OpenTelemetry traces, exported with OTLP over HTTP to a local receiver', () => {
  it("continues the client's trace, sends it to a LAN model, and exports a span per request with a child per stage and attempt", async () => {
    await using cloud = await startStandInCloud();
    const receiver = await startOtlpReceiver();
    const gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'lan' }],
      models: [{ name: 'cloud-echo', provider: 'cloud', model: 'echo-1', price: { input_per_mtok: 1, output_per_mtok: 1 } }],
      privacy: { lan: 'pseudonymize' },
      routing: { retries: 1, retry_base_delay_ms: 1, retry_max_delay_ms: 2 },
      telemetry: { otlp_endpoint: receiver.url, export_interval_ms: 60_000 },
    });
    let sent: string[] = [];
    try {
      const client = new OpenAI({
        baseURL: gw.baseURL,
        apiKey: gw.key,
        maxRetries: 0,
        defaultHeaders: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
      });
      cloud.script({ kind: 'fail', status: 503, message: 'busy' }, { kind: 'reply', text: 'Bien reçu.' });
      const secret = 'Écris à jeanne.martin@example.org au sujet du dossier 7741';
      const answer = await client.chat.completions.create({ model: 'cloud-echo', messages: [{ role: 'user', content: secret }] });
      assert.equal(answer.choices[0]?.message.content, 'Bien reçu.');
      // Both upstream attempts carry the client's trace id, each with its own parent span.
      sent = cloud.requests.map((r) => String(r.headers.traceparent));
      assert.equal(sent.length, 2);
      for (const header of sent) assert.match(header, new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-01$`));
      assert.notEqual(sent[0], sent[1]);
      assert.ok(!sent.some((h) => h.includes(CLIENT_SPAN)));
    } finally {
      await gw.close(); // flushes the batch
    }
    try {
      const spans = receiver.spans.filter((s) => s.traceId === CLIENT_TRACE);
      const root = spans.find((s) => s.name === 'POST /v1/chat/completions');
      assert.ok(root !== undefined, JSON.stringify(receiver.spans.map((s) => s.name)));
      assert.equal(root.parentSpanId, CLIENT_SPAN);
      assert.equal(root.kind, 2); // SERVER
      assert.equal(root.attributes['gen_ai.request.model'], 'cloud-echo');
      assert.equal(root.attributes['gen_ai.response.model'], 'echo-1');
      assert.equal(root.attributes['gen_ai.provider.name'], 'cloud');
      assert.ok((root.attributes['gen_ai.usage.input_tokens'] as number) > 0);
      assert.ok((root.attributes['gen_ai.usage.output_tokens'] as number) > 0);
      assert.equal(root.attributes['flambeau.locality'], 'lan');
      assert.equal(root.attributes['flambeau.privacy.findings.EMAIL'], 1);
      assert.equal(root.attributes['flambeau.privacy.action'], 'pseudonymize');
      assert.equal(root.attributes['http.response.status_code'], 200);
      const children = spans.filter((s) => s.parentSpanId === root.spanId);
      for (const stage of ['flambeau.retrieve', 'flambeau.privacy', 'flambeau.route'])
        assert.ok(
          children.some((s) => s.name === stage),
          stage,
        );
      const attempts = children.filter((s) => s.name === 'chat echo-1');
      assert.equal(attempts.length, 2);
      assert.deepEqual(
        attempts.map((a) => [a.kind, a.attributes['gen_ai.operation.name'], a.attributes['flambeau.attempt'], a.status.code ?? 0]),
        [
          [3, 'chat', 1, 2], // CLIENT, failed (ERROR)
          [3, 'chat', 2, 0],
        ],
      );
      // Each upstream call was a child of its attempt's span.
      assert.deepEqual(
        sent.map((h) => h.split('-')[2]),
        attempts.map((a) => a.spanId),
      );
      // No prompt or answer text, and no personal data, in anything exported.
      const exported = receiver.bodies.join('\n');
      for (const text of ['jeanne', 'dossier 7741', 'Bien reçu']) assert.ok(!exported.includes(text), text);
    } finally {
      await receiver.close();
    }
  });

  it("never sends a client's trace id to a cloud model; a trace flambeau started goes there; a malformed traceparent starts a new trace", async () => {
    await using cloud = await startStandInCloud();
    const receiver = await startOtlpReceiver();
    const gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'cloud' }],
      models: [{ name: 'cloud-echo', provider: 'cloud', model: 'echo-1' }],
      telemetry: { otlp_endpoint: `${receiver.url}/v1/traces` },
    });
    const ask = (traceparent?: string) =>
      new OpenAI({
        baseURL: gw.baseURL,
        apiKey: gw.key,
        maxRetries: 0,
        ...(traceparent === undefined ? {} : { defaultHeaders: { traceparent } }),
      }).chat.completions.create({
        model: 'cloud-echo',
        messages: [{ role: 'user', content: 'x' }],
      });
    try {
      cloud.setDefault({ kind: 'reply', text: 'ok' });
      // The client's 16 bytes of trace id would leave unscanned: a cloud call gets no traceparent.
      await ask(`00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`);
      assert.equal(cloud.requests[0]?.headers.traceparent, undefined);
      // A trace flambeau started (no header, or a malformed one) is flambeau's own: it goes out.
      await ask();
      await ask('00-zz-not-a-trace-01');
      for (const r of cloud.requests.slice(1)) assert.match(String(r.headers.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      // Spans exported and lost are counted for Prometheus (none lost here).
      const scrape = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${gw.key}` } });
      const exposition = await scrape.text();
      assert.match(exposition, /flambeau_trace_spans_total\{outcome="exported"\} \d+/);
      assert.match(exposition, /flambeau_trace_spans_total\{outcome="dropped"\} 0/);
    } finally {
      await gw.close();
    }
    try {
      const roots = receiver.spans.filter((s) => s.name === 'POST /v1/chat/completions');
      assert.equal(roots.length, 3);
      assert.equal(roots.filter((s) => s.traceId === CLIENT_TRACE && s.parentSpanId === CLIENT_SPAN).length, 1);
      const own = roots.filter((s) => s.traceId !== CLIENT_TRACE);
      assert.equal(own.length, 2);
      for (const root of own) assert.equal(root.parentSpanId, '');
      assert.deepEqual(
        cloud.requests.slice(1).map((r) => String(r.headers.traceparent).split('-')[1]),
        own.map((s) => s.traceId),
      );
    } finally {
      await receiver.close();
    }
  });

  it('a streamed answer carries the traceparent upstream too; at sample_ratio 0 it is flagged not sampled and nothing is exported', async () => {
    await using cloud = await startStandInCloud();
    const receiver = await startOtlpReceiver();
    const gw = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'lan' }],
      models: [{ name: 'cloud-echo', provider: 'cloud', model: 'echo-1' }],
      telemetry: { otlp_endpoint: receiver.url, sample_ratio: 0 },
    });
    try {
      cloud.setDefault({ kind: 'reply', text: 'ok' });
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: gw.key, maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: 'cloud-echo', stream: true, messages: [{ role: 'user', content: 'x' }] });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      assert.equal(text, 'ok');
      assert.match(String(cloud.requests[0]?.headers.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    } finally {
      await gw.close();
    }
    try {
      assert.equal(receiver.spans.length, 0);
    } finally {
      await receiver.close();
    }
  });

  it('without telemetry.otlp_endpoint, nothing is traced and nothing is sent upstream', async () => {
    await using cloud = await startStandInCloud();
    await using plain = await startTestGateway({
      providers: [{ id: 'cloud', type: 'openai-compatible', base_url: cloud.openaiBaseUrl, locality: 'lan' }],
      models: [{ name: 'cloud-echo', provider: 'cloud', model: 'echo-1' }],
    });
    cloud.script({ kind: 'reply', text: 'ok' });
    const client = new OpenAI({
      baseURL: plain.baseURL,
      apiKey: plain.key,
      maxRetries: 0,
      defaultHeaders: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
    });
    await client.chat.completions.create({ model: 'cloud-echo', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(cloud.requests[0]?.headers.traceparent, undefined);
  });
});
