import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTraceRequest } from './otlp-protobuf.js';

/** A span as an OTLP/JSON export carries it, attributes flattened to plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: { code?: number };
  attributes: Record<string, string | number | boolean>;
}

/**
 * A local OpenTelemetry collector endpoint for the tests: accepts OTLP over HTTP on
 * `POST /v1/traces`, protobuf bodies (what flambeau sends) or JSON ones, and keeps the spans and
 * the raw bodies (as UTF-8 text, for checks that no prompt text left).
 */
export async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; bodies: string[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const type = String(req.headers['content-type']);
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !(type === 'application/x-protobuf' || type.startsWith('application/json'))) {
        res.writeHead(400).end();
        return;
      }
      const text = bytes.toString('utf8');
      bodies.push(text);
      if (type === 'application/x-protobuf') {
        try {
          for (const span of decodeTraceRequest(bytes)) spans.push({ ...span, status: { code: span.status.code }, attributes: span.attributes });
        } catch {
          res.writeHead(400).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      const body = JSON.parse(text) as { resourceSpans?: { scopeSpans?: { spans?: Record<string, unknown>[] }[] }[] };
      for (const resource of body.resourceSpans ?? [])
        for (const scope of resource.scopeSpans ?? []) for (const span of scope.spans ?? []) spans.push(flatten(span));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function flatten(span: Record<string, unknown>): ReceivedSpan {
  const attributes: Record<string, string | number | boolean> = {};
  for (const { key, value } of (span.attributes ?? []) as { key: string; value: Record<string, unknown> }[]) {
    const v = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
    attributes[key] = typeof v === 'string' && 'intValue' in value ? Number(v) : (v as string | number | boolean);
  }
  return {
    traceId: String(span.traceId),
    spanId: String(span.spanId),
    parentSpanId: String(span.parentSpanId ?? ''),
    name: String(span.name),
    kind: Number(span.kind),
    status: (span.status ?? {}) as { code?: number },
    attributes,
  };
}
