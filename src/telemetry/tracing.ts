import { randomFillSync } from 'node:crypto';
import { SpanKind, SpanStatusCode, type Attributes, type HrTime, type SpanContext } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** One span of a request's trace: a stage, an attempt on a model, or the request itself. */
export interface TraceSpan {
  set(attributes: Attributes): void;
  /** Marks the span failed with flambeau's error code (never a message that could carry text). */
  fail(code: string): void;
  end(): void;
  /** The W3C `traceparent` that makes this span the parent of an upstream call. */
  traceparent(): string;
}

/** The trace of one request: its server span and the children its stages open. */
export interface RequestTrace {
  readonly root: TraceSpan;
  /** True when the trace id came from the client's `traceparent` (it is the client's string). */
  readonly continued: boolean;
  /** False when head sampling left this trace out: spans cost nothing and are not exported. */
  readonly sampled: boolean;
  /** A child span of the request (`client`: a call out to a model). */
  child(name: string, attributes?: Attributes, kind?: 'internal' | 'client'): TraceSpan;
}

export interface Tracing {
  /** The request's server span, a child of the client's `traceparent` when it is a valid one. */
  startRequest(name: string, traceparent: string | string[] | undefined, attributes?: Attributes): RequestTrace;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

/** Spans exported in one call at most; a fuller buffer is exported at once, not at the interval. */
const MAX_BATCH = 512;
/** Spans kept while an export is slow or failing; beyond it the newest are dropped (tracing never holds a request). */
const MAX_QUEUE = 8192;

/**
 * Traces exported with OTLP over HTTP (JSON) to `endpoint` (a collector's base URL; `/v1/traces`
 * is appended unless it is already there), in batches every `exportIntervalMs`. `exporter`
 * replaces the OTLP one (tests).
 *
 * Head sampling: a request with a valid client `traceparent` follows its sampled flag (the OTel
 * SDK's default, parent-based); any other is sampled with probability `sampleRatio` (default 1).
 *
 * Spans are plain records while the request runs (no OTel SDK span, context or AsyncLocalStorage
 * on the hot path: docs/decisions/0015-hot-path.md); a sampled trace becomes the exporter's
 * `ReadableSpan`s once its request span ends, and a trace left out by sampling is never built.
 */
export function createTracing(options: {
  endpoint: string;
  serviceVersion: string;
  exportIntervalMs?: number;
  sampleRatio?: number;
  exporter?: SpanExporter;
  random?: () => number;
}): Tracing {
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: tracesUrl(options.endpoint) });
  const resource = resourceFromAttributes({ 'service.name': 'flambeau', 'service.version': options.serviceVersion });
  const scope = { name: 'flambeau', version: options.serviceVersion };
  const ratio = options.sampleRatio ?? 1;
  const random = options.random ?? Math.random;
  // Finished traces wait as records; they become the exporter's spans when a batch leaves.
  let queue: { traceId: string; spans: SpanRecord[] }[] = [];
  let queued = 0;
  let exporting: Promise<void> = Promise.resolve();
  let stopped = false;

  const flush = (): Promise<void> => {
    if (queue.length === 0) return exporting;
    const spans: ReadableSpan[] = [];
    for (const { traceId, spans: records } of queue) for (const record of records) spans.push(new ExportedSpan(record, traceId, resource, scope));
    queue = [];
    queued = 0;
    exporting = exporting.then(async () => {
      for (let i = 0; i < spans.length; i += MAX_BATCH) {
        const batch = spans.slice(i, i + MAX_BATCH);
        await new Promise<void>((resolve) => exporter.export(batch, () => resolve()));
      }
    });
    return exporting;
  };
  const timer = setInterval(() => void flush(), options.exportIntervalMs ?? 5_000);
  timer.unref();
  const emit = (traceId: string, spans: SpanRecord[]): void => {
    if (stopped || queued + spans.length > MAX_QUEUE) return;
    queue.push({ traceId, spans });
    queued += spans.length;
    if (queued >= MAX_BATCH) void flush();
  };

  return {
    startRequest(name, traceparent, attributes) {
      const parent = typeof traceparent === 'string' ? parseTraceparent(traceparent) : null;
      const sampled = parent === null ? ratio >= 1 || random() < ratio : parent.sampled;
      const traceId = parent?.traceId ?? randomHex(16);
      if (!sampled) return unsampledTrace(traceId, parent !== null);
      return new SampledTrace(name, traceId, parent?.spanId ?? null, attributes, (spans) => emit(traceId, spans));
    },
    async shutdown() {
      clearInterval(timer);
      stopped = true;
      await flush();
      await exporter.shutdown();
    },
  };
}

/** A span while its request runs: times in `performance.now()` milliseconds. */
interface SpanRecord {
  name: string;
  kind: SpanKind;
  spanId: string;
  parentSpanId: string | null;
  /** The parent is the client's span (the request span of a continued trace). */
  remoteParent: boolean;
  start: number;
  end: number;
  attributes: Attributes;
  failed: boolean;
}

class RecordedSpan implements TraceSpan {
  constructor(
    readonly record: SpanRecord,
    private readonly traceId: string,
    private readonly onEnd: ((span: RecordedSpan) => void) | null,
  ) {}
  set(attributes: Attributes): void {
    this.record.attributes = { ...this.record.attributes, ...attributes };
  }
  fail(code: string): void {
    this.record.attributes['error.type'] = code;
    this.record.failed = true;
  }
  end(): void {
    if (this.record.end !== 0) return;
    this.record.end = performance.now();
    this.onEnd?.(this);
  }
  traceparent(): string {
    return `00-${this.traceId}-${this.record.spanId}-01`;
  }
}

class SampledTrace implements RequestTrace {
  readonly root: RecordedSpan;
  readonly continued: boolean;
  readonly sampled = true;
  readonly #spans: SpanRecord[] = [];
  readonly #traceId: string;

  constructor(name: string, traceId: string, parentSpanId: string | null, attributes: Attributes | undefined, done: (spans: SpanRecord[]) => void) {
    this.#traceId = traceId;
    this.continued = parentSpanId !== null;
    const record = spanRecord(name, SpanKind.SERVER, parentSpanId, attributes);
    record.remoteParent = parentSpanId !== null;
    this.#spans.push(record);
    // The request span ends last: the trace is complete then (a child still open is cut there).
    this.root = new RecordedSpan(record, traceId, () => {
      for (const span of this.#spans) if (span.end === 0) span.end = record.end;
      done(this.#spans);
    });
  }

  child(name: string, attributes?: Attributes, kind: 'internal' | 'client' = 'internal'): TraceSpan {
    const record = spanRecord(name, kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL, this.root.record.spanId, attributes);
    if (this.root.record.end === 0) this.#spans.push(record);
    return new RecordedSpan(record, this.#traceId, null);
  }
}

function spanRecord(name: string, kind: SpanKind, parentSpanId: string | null, attributes: Attributes | undefined): SpanRecord {
  return {
    name,
    kind,
    spanId: randomHex(8),
    parentSpanId,
    remoteParent: false,
    start: performance.now(),
    end: 0,
    attributes: attributes === undefined ? {} : { ...attributes },
    failed: false,
  };
}

const NOOP_SPAN_ATTRIBUTES = (): void => undefined;

/**
 * A trace head sampling left out: nothing is recorded, but the upstream call still carries the
 * trace id (flagged not sampled, `-00`), so a collector downstream sees one trace either way.
 */
function unsampledTrace(traceId: string, continued: boolean): RequestTrace {
  let spanId: string | null = null;
  const span: TraceSpan = {
    set: NOOP_SPAN_ATTRIBUTES,
    fail: NOOP_SPAN_ATTRIBUTES,
    end: NOOP_SPAN_ATTRIBUTES,
    traceparent: () => `00-${traceId}-${(spanId ??= randomHex(8))}-00`,
  };
  return { root: span, continued, sampled: false, child: () => span };
}

/** A finished span as the OTLP exporter reads it (one class: the exporter's loop sees one shape). */
class ExportedSpan implements ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: { code: SpanStatusCode };
  readonly attributes: Attributes;
  readonly links = [];
  readonly events = [];
  readonly ended = true;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  readonly #context: SpanContext;

  constructor(
    span: SpanRecord,
    traceId: string,
    readonly resource: Resource,
    readonly instrumentationScope: { name: string; version: string },
  ) {
    this.name = span.name;
    this.kind = span.kind;
    this.#context = { traceId, spanId: span.spanId, traceFlags: 1 };
    this.parentSpanContext = span.parentSpanId === null ? undefined : { traceId, spanId: span.parentSpanId, traceFlags: 1, isRemote: span.remoteParent };
    this.startTime = hrTime(span.start);
    this.endTime = hrTime(span.end);
    this.duration = hrTime(span.end - span.start, 0);
    this.status = { code: span.failed ? SpanStatusCode.ERROR : SpanStatusCode.UNSET };
    this.attributes = span.attributes;
  }

  spanContext(): SpanContext {
    return this.#context;
  }
}

/** `performance.now()` milliseconds (plus `origin`) as OTel's [seconds, nanoseconds]. */
function hrTime(ms: number, origin = performance.timeOrigin): HrTime {
  const whole = origin + ms;
  const seconds = Math.floor(whole / 1000);
  return [seconds, Math.round((whole - seconds * 1000) * 1e6)];
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A valid W3C `traceparent` (version 00; ids not all zero), else null: a new trace starts. */
function parseTraceparent(header: string): { traceId: string; spanId: string; sampled: boolean } | null {
  const m = TRACEPARENT.exec(header.trim());
  if (m === null) return null;
  const [, traceId, spanId, flags] = m as unknown as [string, string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

// Ids come from one pool of random bytes, refilled when spent (one getrandom call per 4 KiB).
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = pool.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  // An all-zero id is invalid in W3C trace context; vanishingly rare, but never send one.
  return out === '0'.repeat(bytes * 2) ? randomHex(bytes) : out;
}

function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (!url.pathname.endsWith('/v1/traces')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.toString();
}
