export { createTracing, type RequestTrace, type TraceSpan, type Tracing } from './tracing.js';
