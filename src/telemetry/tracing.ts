import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';

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
  /** A child span of the request (`client`: a call out to a model). */
  child(name: string, attributes?: Attributes, kind?: 'internal' | 'client'): TraceSpan;
}

export interface Tracing {
  /** The request's server span, a child of the client's `traceparent` when it is a valid one. */
  startRequest(name: string, traceparent: string | string[] | undefined, attributes?: Attributes): RequestTrace;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();

/**
 * Traces exported with OTLP over HTTP (JSON) to `endpoint` (a collector's base URL; `/v1/traces`
 * is appended unless it is already there), in batches every `exportIntervalMs`. `exporter`
 * replaces the OTLP one (tests).
 */
export function createTracing(options: { endpoint: string; serviceVersion: string; exportIntervalMs?: number; exporter?: SpanExporter }): Tracing {
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: tracesUrl(options.endpoint) });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'flambeau', 'service.version': options.serviceVersion }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: options.exportIntervalMs ?? 5_000 })],
  });
  const tracer = provider.getTracer('flambeau', options.serviceVersion);

  const wrap = (span: Span): TraceSpan => ({
    set: (attributes) => span.setAttributes(attributes),
    fail: (code) => {
      span.setAttribute('error.type', code);
      span.setStatus({ code: SpanStatusCode.ERROR });
    },
    end: () => span.end(),
    traceparent: () => {
      const carrier: Record<string, string> = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
      return carrier.traceparent ?? '';
    },
  });

  return {
    startRequest(name, traceparent, attributes) {
      const parent: Context = typeof traceparent === 'string' ? propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter) : ROOT_CONTEXT;
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, ...(attributes === undefined ? {} : { attributes }) }, parent);
      const within = trace.setSpan(ROOT_CONTEXT, span);
      return {
        root: wrap(span),
        continued: trace.getSpanContext(parent) !== undefined,
        child: (childName, childAttributes, kind = 'internal') =>
          wrap(
            tracer.startSpan(
              childName,
              { kind: kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL, ...(childAttributes === undefined ? {} : { attributes: childAttributes }) },
              within,
            ),
          ),
      };
    },
    shutdown: () => provider.shutdown(),
  };
}

function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (!url.pathname.endsWith('/v1/traces')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.toString();
}
