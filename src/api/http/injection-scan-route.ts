import { z } from 'zod';
import { INJECTION_SOURCES, scanInjection } from '../../gateway/index.js';
import { sendJson } from './send.js';
import { readBody, type RouteCall } from './route-call.js';

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
export async function handleInjectionScan(call: RouteCall): Promise<void> {
  const { res, request } = call;
  const body = await readBody(call, scanBody, 'a JSON object with a `text` string');
  const scan = scanInjection(body.text, body.source, call.deps.gateway);
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
