import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HrTime, SpanContext } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { decodeTraceRequest, type DecodedSpan } from '../../test/helpers/otlp-protobuf.js';
import { OtlpTraceEncoder, type AttributeValue, type EncodableSpan } from './otlp-protobuf.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function span(overrides: Partial<Omit<EncodableSpan, 'attributes'>> & { attributes?: Record<string, AttributeValue> }): EncodableSpan {
  return {
    traceId: TRACE,
    spanId: '00f067aa0ba902b7',
    parentSpanId: null,
    remoteParent: false,
    name: 'POST /v1/chat/completions',
    kind: 2,
    startMs: 1_796_409_853_438.7192,
    endMs: 1_796_409_853_441.0051,
    status: 0,
    ...overrides,
    attributes: Object.entries(overrides.attributes ?? {}).flat(),
  };
}

const SPANS: EncodableSpan[] = [
  span({
    parentSpanId: 'a1b2c3d4e5f60718',
    remoteParent: true,
    attributes: {
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'gen_ai.usage.input_tokens': 0,
      'flambeau.cost_usd': 0.0000052,
      'flambeau.cache.hit': false,
      'flambeau.ok': true,
      'flambeau.big': 2 ** 40 + 3,
      'flambeau.negative': -5,
      'flambeau.huge': 2 ** 62,
      'flambeau.nan': Number.NaN,
      'flambeau.label': 'modèle « fin » ✓ 😀',
      'flambeau.long': 'x'.repeat(200) + 'é'.repeat(100),
    },
  }),
  span({
    spanId: '1111111111111111',
    parentSpanId: '00f067aa0ba902b7',
    name: 'chat mistral-small',
    kind: 3,
    status: 2,
    attributes: { 'error.type': 'upstream_failed' },
  }),
  span({
    spanId: '2222222222222222',
    parentSpanId: '00f067aa0ba902b7',
    name: 'flambeau.route',
    kind: 1,
    startMs: 4_102_444_800_000.001,
    endMs: 4_102_444_800_000.5,
  }),
  // A span longer than 16 KiB: its length takes three bytes.
  span({ spanId: '3333333333333333', name: 'n'.repeat(20_000), attributes: { ['a'.repeat(130)]: 'v'.repeat(17_000) } }),
];

const RESOURCE = { 'service.name': 'flambeau', 'service.version': '0.1.0' };
const SCOPE = { name: 'flambeau', version: '0.1.0' };

/** The SDK's ReadableSpans for what was decoded: what @opentelemetry/otlp-transformer would write. */
function asReadableSpans(decoded: DecodedSpan[]): ReadableSpan[] {
  const resource = resourceFromAttributes(decoded[0]?.resource ?? {});
  const scope = decoded[0]?.scope ?? { name: '', version: '' };
  const hr = (ns: bigint): HrTime => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
  return decoded.map((d) => {
    const context: SpanContext = { traceId: d.traceId, spanId: d.spanId, traceFlags: d.flags & 0xff };
    return {
      name: d.name,
      kind: d.kind - 1,
      spanContext: () => context,
      parentSpanContext: d.parentSpanId === '' ? undefined : { traceId: d.traceId, spanId: d.parentSpanId, traceFlags: 1, isRemote: (d.flags & 0x200) !== 0 },
      startTime: hr(d.startTimeUnixNano),
      endTime: hr(d.endTimeUnixNano),
      duration: [0, 0],
      status: { code: d.status.code },
      attributes: d.attributes,
      links: [],
      events: [],
      ended: true,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: d.droppedAttributesCount,
      droppedEventsCount: d.droppedEventsCount,
      droppedLinksCount: d.droppedLinksCount,
    };
  });
}

describe('OTLP protobuf encoder', () => {
  it("writes the bytes the OpenTelemetry SDK's own protobuf serializer writes for the same spans", () => {
    const encoder = new OtlpTraceEncoder(RESOURCE, SCOPE);
    const bytes = Buffer.from(encoder.encode(SPANS));
    const decoded = decodeTraceRequest(bytes);
    const reference = ProtobufTraceSerializer.serializeRequest(asReadableSpans(decoded));
    assert.ok(reference !== undefined);
    assert.equal(bytes.toString('hex'), Buffer.from(reference).toString('hex'));
  });

  it('keeps every field: ids, parents, kinds, names, times to the microsecond, typed attributes, status, flags', () => {
    const decoded = decodeTraceRequest(new OtlpTraceEncoder(RESOURCE, SCOPE).encode(SPANS));
    assert.equal(decoded.length, SPANS.length);
    decoded.forEach((d, i) => {
      const s = SPANS[i] as EncodableSpan;
      assert.equal(d.traceId, s.traceId);
      assert.equal(d.spanId, s.spanId);
      assert.equal(d.parentSpanId, s.parentSpanId ?? '');
      assert.equal(d.name, s.name);
      assert.equal(d.kind, s.kind);
      assert.equal(d.status.code, s.status);
      assert.equal(d.flags, s.remoteParent ? 0x301 : 0x101);
      assert.deepEqual(d.resource, RESOURCE);
      assert.deepEqual(d.scope, SCOPE);
      for (const [ns, ms] of [
        [d.startTimeUnixNano, s.startMs],
        [d.endTimeUnixNano, s.endMs],
      ] as const) {
        const expected = BigInt(Math.round(ms * 1000)) * 1000n;
        assert.ok(ns - expected <= 1000n && expected - ns <= 1000n, `${ns} vs ${expected}`);
      }
      const attributes = Object.fromEntries(s.attributes.flatMap((k, j) => (j % 2 === 0 ? [[k, s.attributes[j + 1]]] : [])));
      assert.deepEqual(Object.keys(d.attributes), Object.keys(attributes));
      for (const [key, value] of Object.entries(attributes)) {
        if (Number.isNaN(value)) assert.ok(Number.isNaN(d.attributes[key]));
        else assert.equal(d.attributes[key], value, key);
      }
    });
    const root = decoded[0] as DecodedSpan;
    assert.equal(root.numberTypes['flambeau.cost_usd'], 'double');
    assert.equal(root.numberTypes['flambeau.negative'], 'int');
    assert.equal(root.numberTypes['http.response.status_code'], 'int');
  });

  it('starts each request afresh: a batch after a larger one decodes alone, and the first is intact', () => {
    const encoder = new OtlpTraceEncoder(RESOURCE, SCOPE);
    const first = encoder.encode(SPANS);
    const small = decodeTraceRequest(encoder.encode([SPANS[1] as EncodableSpan]));
    assert.deepEqual(
      small.map((s) => s.name),
      ['chat mistral-small'],
    );
    assert.deepEqual(decodeTraceRequest(encoder.encode([])), []);
    assert.equal(decodeTraceRequest(first).length, SPANS.length);
  });
});
