import { randomFillSync } from 'node:crypto';
import { OtlpTraceEncoder, type AttributeValue, type EncodableSpan } from './otlp-protobuf.js';
import { createOtlpHttpSender, type OtlpSend } from './otlp-http-sender.js';

/** Attributes of a span: OTLP `AnyValue`s (string, bool, int64 or double). */
export type SpanAttributes = Record<string, AttributeValue>;

/** One span of a request's trace: a stage, an attempt on a model, or the request itself. */
export interface TraceSpan {
  set(attributes: SpanAttributes): void;
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
  child(name: string, attributes?: SpanAttributes, kind?: 'internal' | 'client'): TraceSpan;
}

/** Spans exported and spans lost since the start (lost: the queue was full, or their export failed). */
export interface TracingStats {
  exportedSpans: number;
  droppedSpans: number;
  failedExports: number;
}

export interface Tracing {
  /** The request's server span, a child of the client's `traceparent` when it is a valid one. */
  startRequest(name: string, traceparent: string | string[] | undefined, attributes?: SpanAttributes): RequestTrace;
  stats(): TracingStats;
  /**
   * Exports what is pending and stops, within `shutdownTimeoutMs` (5 s): what has not left by then
   * (the batch in flight, whose request is abandoned, and those after it) is dropped and counted.
   */
  shutdown(): Promise<void>;
}

/**
 * Spans exported in one request at most (about 180 bytes each: some 370 KB); a full batch leaves
 * at once, not at the interval. A POST costs about 0.5 ms of CPU whatever its size up to a few
 * hundred KB, so fuller batches cost less per span.
 */
const MAX_BATCH = 2048;
/** Spans kept (as bytes) while an export is slow or failing; beyond it new traces are dropped (tracing never holds a request). */
const MAX_QUEUE = 16_384;
/**
 * Longest an export request may take, from the POST to the last byte of the answer (a slow or
 * silent collector costs one batch, never a stuck exporter). No setting: a collector answers in
 * milliseconds, and this only bounds a broken one.
 */
const EXPORT_TIMEOUT_MS = 10_000;
/**
 * Longest `shutdown()` waits for the pending batches to leave. A constant, not a setting: it keeps
 * a stopping gateway (SIGTERM) from waiting on a collector that drops packets (up to 8 batches of
 * 2048 spans, each up to `EXPORT_TIMEOUT_MS`), well inside the usual 30 s grace period.
 */
const SHUTDOWN_TIMEOUT_MS = 5_000;

/**
 * Traces exported with OTLP over HTTP (protobuf) to `endpoint` (a collector's base URL;
 * `/v1/traces` is appended unless it is already there), in batches every `exportIntervalMs` or
 * as soon as `maxBatchSpans` (2048) wait; at most `maxQueueSpans` (16,384) wait, the newer
 * dropped and counted. An export request that has not been answered in full within
 * `exportTimeoutMs` (10 s) fails: its batch is dropped and counted, and the next one goes.
 * `shutdown()` waits at most `shutdownTimeoutMs` (5 s) for what is pending, then drops and counts
 * the rest. `send` replaces the HTTP sender (tests, benches); it gets an `AbortSignal` that
 * shutdown fires when its time is up.
 *
 * Head sampling: a request with a valid client `traceparent` follows its sampled flag (the OTel
 * SDK's default, parent-based); any other is sampled with probability `sampleRatio` (default 1).
 *
 * A span is one plain object with its attributes in a flat list (no OTel SDK span, context or
 * AsyncLocalStorage on the hot path: docs/decisions/0015-hot-path.md). A finished trace is
 * written into the pending batch's protobuf bytes on the next turn of the event loop, after the
 * request's own work: its objects die young, and what waits for the export is bytes, not objects
 * the garbage collector would have to promote and trace. A trace left out by sampling records nothing.
 */
export function createTracing(options: {
  endpoint: string;
  serviceVersion: string;
  exportIntervalMs?: number;
  sampleRatio?: number;
  send?: OtlpSend;
  random?: () => number;
  maxBatchSpans?: number;
  maxQueueSpans?: number;
  exportTimeoutMs?: number;
  shutdownTimeoutMs?: number;
}): Tracing {
  const maxBatch = options.maxBatchSpans ?? MAX_BATCH;
  const maxQueue = options.maxQueueSpans ?? MAX_QUEUE;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS;
  const sender = options.send === undefined ? createOtlpHttpSender(tracesUrl(options.endpoint), options.exportTimeoutMs ?? EXPORT_TIMEOUT_MS) : null;
  const send = options.send ?? (sender as { send: OtlpSend }).send;
  const encoder = new OtlpTraceEncoder(
    { 'service.name': 'flambeau', 'service.version': options.serviceVersion },
    { name: 'flambeau', version: options.serviceVersion },
  );
  const ratio = options.sampleRatio ?? 1;
  const random = options.random ?? Math.random;
  const stats: TracingStats = { exportedSpans: 0, droppedSpans: 0, failedExports: 0 };
  /** Traces ended since the last encoding turn. */
  let ended: Span[][] = [];
  let encodeScheduled = false;
  /** Encoded batches waiting for the export, and their span counts. */
  const ready: { body: Buffer; spans: number }[] = [];
  let waiting = 0; // spans in `ready` and in the encoder
  let exporting: Promise<void> | null = null;
  /** The batch being sent, until its send settles. */
  let inFlight: { spans: number } | null = null;
  let stopped = false;
  /** Set when shutdown's time is up: the batches still waiting were counted dropped, and the send in flight abandoned. */
  const abandon = new AbortController();

  const seal = (): void => {
    if (encoder.spans === 0) return;
    const spans = encoder.spans;
    ready.push({ body: encoder.finish(), spans });
  };
  const exportReady = (): Promise<void> => {
    exporting ??= (async () => {
      for (let batch = ready.shift(); batch !== undefined && !abandon.signal.aborted; batch = ready.shift()) {
        inFlight = batch;
        let sent = false;
        try {
          await send(batch.body, abandon.signal);
          sent = true;
        } catch {
          // counted below
        }
        if (abandon.signal.aborted) return; // counted by dropPending, whatever the send's outcome
        inFlight = null;
        if (sent) stats.exportedSpans += batch.spans;
        else {
          stats.failedExports += 1;
          stats.droppedSpans += batch.spans;
        }
        waiting -= batch.spans;
      }
    })().finally(() => {
      exporting = null;
    });
    return exporting;
  };
  const encodeEnded = (): void => {
    encodeScheduled = false;
    const traces = ended;
    ended = [];
    for (const spans of traces) {
      if (waiting + spans.length > maxQueue) {
        stats.droppedSpans += spans.length;
        continue;
      }
      if (encoder.spans + spans.length > maxBatch) seal();
      for (const span of spans) encoder.append(span);
      waiting += spans.length;
    }
    if (encoder.spans >= maxBatch) seal();
    if (ready.length > 0) void exportReady();
  };
  const flush = (): Promise<void> => {
    if (encodeScheduled) encodeEnded();
    seal();
    return exportReady();
  };
  /** Shutdown's time is up: the batch in flight fails, and it and those after it are dropped and counted. */
  const dropPending = (): void => {
    abandon.abort();
    if (inFlight !== null) {
      stats.failedExports += 1;
      stats.droppedSpans += inFlight.spans;
      inFlight = null;
    }
    for (const batch of ready.splice(0)) stats.droppedSpans += batch.spans;
    waiting = 0;
  };
  const timer = setInterval(() => void flush(), options.exportIntervalMs ?? 5_000);
  timer.unref();
  const emit = (spans: Span[]): void => {
    if (stopped) {
      stats.droppedSpans += spans.length;
      return;
    }
    ended.push(spans);
    if (!encodeScheduled) {
      encodeScheduled = true;
      setImmediate(encodeEnded);
    }
  };

  return {
    startRequest(name, traceparent, attributes) {
      const parent = typeof traceparent === 'string' ? parseTraceparent(traceparent) : null;
      const sampled = parent === null ? ratio >= 1 || random() < ratio : parent.sampled;
      const traceId = parent?.traceId ?? randomHex(16);
      if (!sampled) return unsampledTrace(traceId, parent !== null);
      return new SampledTrace(name, traceId, parent?.spanId ?? null, attributes, emit);
    },
    stats: () => ({ ...stats }),
    async shutdown() {
      clearInterval(timer);
      stopped = true;
      let expired: NodeJS.Timeout | undefined;
      const timeUp = new Promise<'expired'>((resolve) => (expired = setTimeout(resolve, shutdownTimeoutMs, 'expired')));
      try {
        // A send that ignores the abort may never settle: shutdown does not wait for it.
        for (let pending = flush(); ; pending = exporting) {
          if ((await Promise.race([pending, timeUp])) === 'expired') {
            dropPending();
            break;
          }
          if (exporting === null) break;
        }
      } finally {
        clearTimeout(expired);
        sender?.close();
      }
    },
  };
}

/** Milliseconds since the epoch, with performance.now()'s fraction. */
const ORIGIN = performance.timeOrigin;

/** A span, from its start to its encoding: what the encoder reads, plus what the request calls. */
class Span implements TraceSpan, EncodableSpan {
  readonly spanId = randomHex(8);
  readonly startMs = ORIGIN + performance.now();
  endMs = 0;
  status: 0 | 2 = 0;
  remoteParent = false;
  readonly attributes: (string | AttributeValue)[] = [];

  constructor(
    readonly trace: SampledTrace,
    readonly traceId: string,
    readonly parentSpanId: string | null,
    readonly name: string,
    readonly kind: 1 | 2 | 3,
    attributes: SpanAttributes | undefined,
  ) {
    if (attributes !== undefined) this.set(attributes);
  }

  /** Adds or replaces attributes (an undefined or null value is left out, as OTel does). */
  set(attributes: SpanAttributes): void {
    const list = this.attributes;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined || value === null) continue;
      let i = 0;
      while (i < list.length && list[i] !== key) i += 2;
      if (i < list.length) list[i + 1] = value;
      else list.push(key, value);
    }
  }
  fail(code: string): void {
    this.set({ 'error.type': code });
    this.status = 2;
  }
  end(): void {
    if (this.endMs !== 0) return;
    this.endMs = ORIGIN + performance.now();
    if (this.trace.root === this) this.trace.finish();
  }
  traceparent(): string {
    return `00-${this.traceId}-${this.spanId}-01`;
  }
}

class SampledTrace implements RequestTrace {
  readonly root: Span;
  readonly continued: boolean;
  readonly sampled = true;
  readonly #spans: Span[];
  readonly #traceId: string;
  readonly #done: (spans: Span[]) => void;

  constructor(name: string, traceId: string, parentSpanId: string | null, attributes: SpanAttributes | undefined, done: (spans: Span[]) => void) {
    this.#traceId = traceId;
    this.#done = done;
    this.continued = parentSpanId !== null;
    this.root = new Span(this, traceId, parentSpanId, name, 2, attributes);
    this.root.remoteParent = parentSpanId !== null;
    this.#spans = [this.root];
  }

  child(name: string, attributes?: SpanAttributes, kind: 'internal' | 'client' = 'internal'): TraceSpan {
    const span = new Span(this, this.#traceId, this.root.spanId, name, kind === 'client' ? 3 : 1, attributes);
    if (this.root.endMs === 0) this.#spans.push(span);
    return span;
  }

  /** The request span ended: the trace is complete (a child still open is cut there). */
  finish(): void {
    for (const span of this.#spans) if (span.endMs === 0) span.endMs = this.root.endMs;
    this.#done(this.#spans);
  }
}

const NOOP = (): void => undefined;

/**
 * A trace head sampling left out: nothing is recorded, but the upstream call still carries the
 * trace id (flagged not sampled, `-00`), so a collector downstream sees one trace either way.
 */
function unsampledTrace(traceId: string, continued: boolean): RequestTrace {
  let spanId: string | null = null;
  const span: TraceSpan = {
    set: NOOP,
    fail: NOOP,
    end: NOOP,
    traceparent: () => `00-${traceId}-${(spanId ??= randomHex(8))}-00`,
  };
  return { root: span, continued, sampled: false, child: () => span };
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

// Ids come from one pool of random bytes, refilled when spent (one getrandom call per 4 KiB), turned
// into hex once per refill: an id is then a substring of it (no call into Buffer per id).
const pool = Buffer.alloc(4096);
let poolHex = '';
let poolAt = pool.length;
const ZEROS = '0'.repeat(32);

function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolHex = pool.toString('hex');
    poolAt = 0;
  }
  const out = poolHex.substring(poolAt * 2, (poolAt + bytes) * 2);
  poolAt += bytes;
  // An all-zero id is invalid in W3C trace context; vanishingly rare, but never send one.
  return ZEROS.startsWith(out) ? randomHex(bytes) : out;
}

function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (!url.pathname.endsWith('/v1/traces')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.toString();
}
