/**
 * OTLP trace export requests (`ExportTraceServiceRequest`, opentelemetry/proto trace/v1) written
 * straight from flambeau's span records into protobuf bytes: no intermediate objects, ids copied
 * from their hex form, each request in one buffer sized from the last. The fields, their order and the
 * defaults written are those of `@opentelemetry/otlp-transformer`'s `ProtobufTraceSerializer`
 * (its test decodes these bytes and checks the SDK's serializer gives the same bytes back).
 */

/** An attribute value a span may carry (OTLP `AnyValue`: string, bool, int64 or double). */
export type AttributeValue = string | number | boolean;

/** Attributes as a flat list of pairs: key, value, key, value… */
export type AttributeList = readonly (string | AttributeValue)[];

/** A finished span as the encoder reads it. Times are epoch milliseconds (fractions kept). */
export interface EncodableSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  /** The parent is another service's span (a client's `traceparent`). */
  readonly remoteParent: boolean;
  readonly name: string;
  /** OTLP's `SpanKind`: 1 internal, 2 server, 3 client. */
  readonly kind: 1 | 2 | 3;
  readonly startMs: number;
  readonly endMs: number;
  /** Key, value, key, value…: keys unique (the encoder does not check). */
  readonly attributes: AttributeList;
  /** OTLP's `StatusCode`: 0 unset, 2 error. */
  readonly status: 0 | 2;
}

const LEN = 2; // wire type: length-delimited
const VARINT = 0;
const FIXED64 = 1;
const FIXED32 = 5;
/** `Span.flags`: sampled, and "is_remote is known" (bit 8), and the parent is remote (bit 9). */
const FLAGS_LOCAL = 0x101;
const FLAGS_REMOTE = 0x301;

/**
 * Writes export requests for one resource and one instrumentation scope (flambeau's own): spans
 * are appended one by one as their traces end, `finish` closes the request and hands its bytes
 * over (the next spans go to a new buffer, sized from the last one).
 */
export class OtlpTraceEncoder {
  #buf: Buffer;
  #pos = 0;
  #spans = 0;
  readonly #resource: Buffer;
  readonly #scope: Buffer;
  /** Room before the spans for the request's, the resource's and the scope's headers. */
  readonly #headRoom: number;

  constructor(resourceAttributes: Readonly<Record<string, AttributeValue>>, scope: { name: string; version: string }) {
    // Resource { attributes = 1; dropped_attributes_count = 2 } and InstrumentationScope { name = 1; version = 2 }.
    this.#buf = Buffer.allocUnsafe(4096);
    this.#attributes(Object.entries(resourceAttributes).flat(), 1);
    this.#tag(2, VARINT);
    this.#byte(0);
    this.#resource = Buffer.from(this.#buf.subarray(0, this.#pos));
    this.#pos = 0;
    this.#tag(1, LEN);
    this.#string(scope.name);
    if (scope.version !== '') {
      this.#tag(2, LEN);
      this.#string(scope.version);
    }
    this.#scope = Buffer.from(this.#buf.subarray(0, this.#pos));
    this.#headRoom = this.#resource.length + this.#scope.length + 32;
    this.#pos = this.#headRoom;
  }

  /** Spans appended since the last `finish`. */
  get spans(): number {
    return this.#spans;
  }

  append(span: EncodableSpan): void {
    this.#tag(2, LEN); // ScopeSpans.spans
    this.#span(span);
    this.#spans += 1;
  }

  /** The `ExportTraceServiceRequest` of the spans appended since the last call (its own buffer). */
  finish(): Buffer {
    const headRoom = this.#headRoom;
    const spansEnd = this.#pos;
    // The headers go right before the spans, written backwards from their lengths: no copy.
    const scopeSpansLength = 1 + varintSize(this.#scope.length) + this.#scope.length + (spansEnd - headRoom);
    const resourceSpansLength = 1 + varintSize(this.#resource.length) + this.#resource.length + 1 + varintSize(scopeSpansLength) + scopeSpansLength;
    const headLength = 1 + varintSize(resourceSpansLength) + resourceSpansLength - (spansEnd - headRoom);
    const start = headRoom - headLength;
    this.#pos = start;
    this.#tag(1, LEN); // ExportTraceServiceRequest.resource_spans
    this.#varint(resourceSpansLength);
    this.#tag(1, LEN); // ResourceSpans.resource
    this.#varint(this.#resource.length);
    this.#pos += this.#resource.copy(this.#buf, this.#pos);
    this.#tag(2, LEN); // ResourceSpans.scope_spans
    this.#varint(scopeSpansLength);
    this.#tag(1, LEN); // ScopeSpans.scope
    this.#varint(this.#scope.length);
    this.#pos += this.#scope.copy(this.#buf, this.#pos);
    const out = this.#spans === 0 ? Buffer.alloc(0) : this.#buf.subarray(start, spansEnd);
    if (this.#spans > 0) this.#buf = Buffer.allocUnsafe(Math.max(4096, spansEnd + (spansEnd >> 2)));
    this.#pos = headRoom;
    this.#spans = 0;
    return out;
  }

  /** One export request holding `spans` (and any appended before). */
  encode(spans: readonly EncodableSpan[]): Buffer {
    for (const span of spans) this.append(span);
    return this.finish();
  }

  #span(span: EncodableSpan): void {
    const at = this.#open(2);
    this.#tag(1, LEN);
    this.#hex(span.traceId);
    this.#tag(2, LEN);
    this.#hex(span.spanId);
    if (span.parentSpanId !== null) {
      this.#tag(4, LEN);
      this.#hex(span.parentSpanId);
    }
    this.#tag(5, LEN);
    this.#string(span.name);
    this.#tag(6, VARINT);
    this.#byte(span.kind);
    this.#tag(7, FIXED64);
    this.#time(span.startMs);
    this.#tag(8, FIXED64);
    this.#time(span.endMs);
    this.#attributes(span.attributes, 9);
    // dropped attributes (10), events (12) and links (14) counts: 0, written as the SDK does.
    this.#ensure(32);
    this.#tag(10, VARINT);
    this.#byte(0);
    this.#tag(12, VARINT);
    this.#byte(0);
    this.#tag(14, VARINT);
    this.#byte(0);
    this.#tag(15, LEN); // Status { code = 3 }
    this.#byte(2);
    this.#tag(3, VARINT);
    this.#byte(span.status);
    this.#tag(16, FIXED32);
    this.#u32(span.remoteParent ? FLAGS_REMOTE : FLAGS_LOCAL);
    this.#close(at, 2);
  }

  /** Repeated `KeyValue { key = 1; value = 2 (AnyValue) }` under field `field`. */
  #attributes(attributes: AttributeList, field: number): void {
    for (let i = 0; i + 1 < attributes.length; i += 2) {
      const key = attributes[i] as string;
      const value = attributes[i + 1] as AttributeValue;
      this.#tag(field, LEN);
      const pair = this.#open(1);
      this.#tag(1, LEN);
      this.#string(key);
      this.#tag(2, LEN);
      const any = this.#open(1);
      if (typeof value === 'string') {
        this.#tag(1, LEN);
        this.#string(value);
      } else if (typeof value === 'boolean') {
        this.#tag(2, VARINT);
        this.#byte(value ? 1 : 0);
      } else if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
        this.#tag(3, VARINT);
        this.#int64(value);
      } else {
        this.#ensure(9);
        this.#tag(4, FIXED64);
        this.#buf.writeDoubleLE(value, this.#pos);
        this.#pos += 8;
      }
      this.#close(any, 1);
      this.#close(pair, 1);
    }
  }

  /** Reserves `reserve` bytes for a length that `#close` writes (moving the body if it needs more or fewer). */
  #open(reserve: number): number {
    this.#ensure(reserve + 64);
    const at = this.#pos;
    this.#pos += reserve;
    return at;
  }

  #close(at: number, reserved: number): void {
    const length = this.#pos - at - reserved;
    const size = varintSize(length);
    if (size !== reserved) {
      this.#ensure(size);
      this.#buf.copyWithin(at + size, at + reserved, this.#pos);
      this.#pos += size - reserved;
    }
    const end = this.#pos;
    this.#pos = at;
    this.#varint(length);
    this.#pos = end;
  }

  #string(value: string): void {
    const length = value.length;
    // At most 3 bytes per UTF-16 unit: a short string's length fits one byte, written after it.
    this.#ensure(length * 3 + 5);
    const buf = this.#buf;
    if (length < 43) {
      // ASCII (names, keys, most values) copied in JS: cheaper than a call into Buffer#write.
      const at = this.#pos + 1;
      let i = 0;
      for (; i < length; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) break;
        buf[at + i] = c;
      }
      const written = i === length ? length : buf.write(value, at, 'utf8');
      buf[this.#pos] = written;
      this.#pos = at + written;
      return;
    }
    this.#varint(Buffer.byteLength(value, 'utf8'));
    this.#pos += buf.write(value, this.#pos, 'utf8');
  }

  /** An id (bytes field) from its lower-case hex form (validated where it came in). */
  #hex(id: string): void {
    this.#ensure(17);
    const buf = this.#buf;
    const bytes = id.length >> 1;
    let at = this.#pos;
    buf[at++] = bytes;
    for (let i = 0; i < id.length; i += 2) buf[at++] = (nibble(id.charCodeAt(i)) << 4) | nibble(id.charCodeAt(i + 1));
    this.#pos = at;
  }

  /** Epoch milliseconds as `fixed64` nanoseconds, split so every product stays exact. */
  #time(ms: number): void {
    const seconds = Math.floor(ms / 1000);
    const nanos = Math.round((ms - seconds * 1000) * 1e6);
    const high16 = Math.floor(seconds / 0x10000) * 1e9; // × 2^16 below
    const low = (seconds % 0x10000) * 1e9 + nanos;
    const lo = (high16 % 0x10000) * 0x10000 + (low % 0x100000000);
    this.#u32(lo >>> 0);
    this.#u32((Math.floor(high16 / 0x10000) + Math.floor(low / 0x100000000) + Math.floor(lo / 0x100000000)) >>> 0);
  }

  /** A little-endian `fixed32` (half of a `fixed64`). */
  #u32(value: number): void {
    this.#ensure(4);
    const buf = this.#buf;
    const at = this.#pos;
    buf[at] = value;
    buf[at + 1] = value >>> 8;
    buf[at + 2] = value >>> 16;
    buf[at + 3] = value >>> 24;
    this.#pos = at + 4;
  }

  /** A field's tag; it also makes room for a one-byte value after it. */
  #tag(field: number, wireType: number): void {
    this.#ensure(16);
    this.#varint((field << 3) | wireType);
  }

  #byte(value: number): void {
    this.#buf[this.#pos++] = value;
  }

  #varint(value: number): void {
    this.#ensure(10);
    while (value > 0x7f) {
      this.#buf[this.#pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.#buf[this.#pos++] = value;
  }

  /** An int64 varint (two's complement: a negative one takes ten bytes). */
  #int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) return this.#varint(value >>> 0);
    this.#ensure(10);
    let lo = value >>> 0;
    let hi = Math.floor(value / 0x100000000) >>> 0;
    while (hi !== 0 || lo > 0x7f) {
      this.#buf[this.#pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.#buf[this.#pos++] = lo;
  }

  #ensure(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + bytes));
    this.#buf.copy(bigger, 0, 0, this.#pos);
    this.#buf = bigger;
  }
}

/** The value of a lower-case hex digit's char code. */
function nibble(c: number): number {
  return c > 0x39 ? c - 0x57 : c - 0x30;
}

function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}
