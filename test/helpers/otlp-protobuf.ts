/**
 * A decoder of OTLP/HTTP protobuf trace bodies (`ExportTraceServiceRequest`, field numbers of
 * opentelemetry/proto trace/v1) for the tests: every span with its resource and scope, ids as
 * lower-case hex, times as bigint nanoseconds. It reads the wire format field by field and refuses
 * a wire type a field does not have, so a malformed body fails the test that sent it.
 */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, string | number | boolean>;
  /** The wire type each attribute came as: `int` or `double` for numbers. */
  numberTypes: Record<string, 'int' | 'double'>;
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  status: { code: number; message: string };
  flags: number;
  resource: Record<string, string | number | boolean>;
  scope: { name: string; version: string };
}

type Field = { field: number; wire: number; value: bigint | Uint8Array };

/** The fields of one message, in order. */
function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (pos >= bytes.length) throw new Error('truncated varint');
      const b = bytes[pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      if (shift > 63n) throw new Error('varint too long');
    }
  };
  const fixed = (size: number): bigint => {
    if (pos + size > bytes.length) throw new Error('truncated fixed field');
    let result = 0n;
    for (let i = size - 1; i >= 0; i--) result = (result << 8n) | BigInt(bytes[pos + i] as number);
    pos += size;
    return result;
  };
  while (pos < bytes.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 1) out.push({ field, wire, value: fixed(8) });
    else if (wire === 5) out.push({ field, wire, value: fixed(4) });
    else if (wire === 2) {
      const length = Number(varint());
      if (pos + length > bytes.length) throw new Error('truncated length-delimited field');
      out.push({ field, wire, value: bytes.subarray(pos, pos + length) });
      pos += length;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function expect(f: Field, wire: number, what: string): void {
  if (f.wire !== wire) throw new Error(`${what}: wire type ${f.wire}, expected ${wire}`);
}
const str = (f: Field, what: string): string => (expect(f, 2, what), utf8.decode(f.value as Uint8Array));
const hex = (f: Field, what: string): string => (expect(f, 2, what), Buffer.from(f.value as Uint8Array).toString('hex'));
const num = (f: Field, what: string): bigint => {
  if (f.wire === 2) throw new Error(`${what}: length-delimited, expected a number`);
  return f.value as bigint;
};
const sub = (f: Field, what: string): Field[] => (expect(f, 2, what), fields(f.value as Uint8Array));

function keyValues(list: Field[], into: Record<string, string | number | boolean>, types?: Record<string, 'int' | 'double'>): void {
  let key = '';
  let value: string | number | boolean | undefined;
  for (const f of list) {
    if (f.field === 1) key = str(f, 'KeyValue.key');
    else if (f.field === 2)
      for (const v of sub(f, 'KeyValue.value')) {
        if (v.field === 1) value = str(v, 'AnyValue.string_value');
        else if (v.field === 2) value = (expect(v, 0, 'AnyValue.bool_value'), v.value === 1n);
        else if (v.field === 3) {
          expect(v, 0, 'AnyValue.int_value');
          value = Number(BigInt.asIntN(64, v.value as bigint));
          if (types) types[key] = 'int';
        } else if (v.field === 4) {
          expect(v, 1, 'AnyValue.double_value');
          const b = Buffer.alloc(8);
          b.writeBigUInt64LE(v.value as bigint);
          value = b.readDoubleLE(0);
          if (types) types[key] = 'double';
        } else throw new Error(`AnyValue field ${v.field} not expected here`);
      }
  }
  if (value === undefined) throw new Error(`attribute ${key} without a value`);
  into[key] = value;
}

/** Every span of an `ExportTraceServiceRequest` body. */
export function decodeTraceRequest(body: Uint8Array): DecodedSpan[] {
  const spans: DecodedSpan[] = [];
  for (const rs of fields(body)) {
    if (rs.field !== 1) throw new Error(`ExportTraceServiceRequest field ${rs.field}`);
    const resource: Record<string, string | number | boolean> = {};
    const scopeSpans: Field[] = [];
    for (const f of sub(rs, 'ResourceSpans')) {
      if (f.field === 1) for (const a of sub(f, 'Resource')) if (a.field === 1) keyValues(sub(a, 'Resource.attributes'), resource);
      if (f.field === 2) scopeSpans.push(f);
    }
    for (const ss of scopeSpans) {
      const scope = { name: '', version: '' };
      const list = sub(ss, 'ScopeSpans');
      for (const f of list)
        if (f.field === 1)
          for (const s of sub(f, 'InstrumentationScope')) {
            if (s.field === 1) scope.name = str(s, 'scope.name');
            if (s.field === 2) scope.version = str(s, 'scope.version');
          }
      for (const f of list) if (f.field === 2) spans.push(decodeSpan(sub(f, 'Span'), resource, scope));
    }
  }
  return spans;
}

function decodeSpan(list: Field[], resource: DecodedSpan['resource'], scope: DecodedSpan['scope']): DecodedSpan {
  const span: DecodedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: {},
    numberTypes: {},
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: 0,
    resource,
    scope,
  };
  for (const f of list) {
    switch (f.field) {
      case 1:
        span.traceId = hex(f, 'trace_id');
        break;
      case 2:
        span.spanId = hex(f, 'span_id');
        break;
      case 3:
        span.traceState = str(f, 'trace_state');
        break;
      case 4:
        span.parentSpanId = hex(f, 'parent_span_id');
        break;
      case 5:
        span.name = str(f, 'name');
        break;
      case 6:
        span.kind = Number(num(f, 'kind'));
        break;
      case 7:
        expect(f, 1, 'start_time_unix_nano');
        span.startTimeUnixNano = f.value as bigint;
        break;
      case 8:
        expect(f, 1, 'end_time_unix_nano');
        span.endTimeUnixNano = f.value as bigint;
        break;
      case 9:
        keyValues(sub(f, 'attributes'), span.attributes, span.numberTypes);
        break;
      case 10:
        span.droppedAttributesCount = Number(num(f, 'dropped_attributes_count'));
        break;
      case 12:
        span.droppedEventsCount = Number(num(f, 'dropped_events_count'));
        break;
      case 14:
        span.droppedLinksCount = Number(num(f, 'dropped_links_count'));
        break;
      case 15:
        for (const s of sub(f, 'status')) {
          if (s.field === 2) span.status.message = str(s, 'status.message');
          if (s.field === 3) span.status.code = Number(num(s, 'status.code'));
        }
        break;
      case 16:
        expect(f, 5, 'flags');
        span.flags = Number(f.value);
        break;
      default:
        throw new Error(`Span field ${f.field} not expected from flambeau`);
    }
  }
  return span;
}
