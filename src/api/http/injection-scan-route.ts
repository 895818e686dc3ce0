import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import { INJECTION_SOURCES, scanInjection, type GatewayDeps, type GatewayRequest } from '../../gateway/index.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send.js';
import { invalidRequestFrom } from './zod-issue.js';

/**
 * Characters per call. The scan costs about half a CPU second per MB on one core and runs on the
 * event loop: past this, split the text (the gateway scans chunks and messages, far smaller).
 */
export const MAX_SCAN_CHARS = 1024 * 1024;

const scanBody = z.strictObject({ text: z.string().max(MAX_SCAN_CHARS), source: z.enum(INJECTION_SOURCES).default('user') });

/**
 * POST /v1/injection/scan: `{text, source?}` in, `{flagged, score, signals}` out, scored as the
 * gateway would score that text from that source (`user` by default). Nothing is stored or logged.
 */
export async function handleInjectionScan(
  req: IncomingMessage,
  res: ServerResponse,
  request: GatewayRequest,
  deps: GatewayDeps,
  bodyLimitBytes: number,
): Promise<void> {
  const raw = await readJsonBody(req, bodyLimitBytes);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new FlambeauError('invalid_request', 'The request body must be a JSON object with a `text` string.');
  const parsed = scanBody.safeParse(raw);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  const scan = scanInjection(parsed.data.text, parsed.data.source, deps);
  sendJson(
    res,
    200,
    {
      object: 'injection.scan',
      source: scan.source,
      flagged: scan.flagged,
      score: Number(scan.score.toFixed(4)),
      threshold: scan.threshold,
      signals: scan.signals,
      coverage: scan.coverage,
    },
    { 'x-request-id': request.outcome.requestId },
  );
}
