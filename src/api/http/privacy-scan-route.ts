import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import { scanPrivacy, type GatewayDeps, type GatewayRequest } from '../../gateway/index.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send.js';
import { invalidRequestFrom } from './zod-issue.js';

const scanBody = z.strictObject({ text: z.string() });

/** POST /v1/privacy/scan: text in, the spans found (type, offsets, value) out. Nothing is stored. */
export async function handlePrivacyScan(
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
  sendJson(res, 200, { object: 'privacy.scan', ...scanPrivacy(parsed.data.text, deps) }, { 'x-request-id': request.outcome.requestId });
}
