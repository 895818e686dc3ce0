export { createTracing, type RequestTrace, type SpanAttributes, type TraceSpan, type Tracing, type TracingStats } from './tracing.js';
export type { OtlpSend } from './otlp-http-sender.js';
