import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { FlambeauError } from '../../errors/index.js';
import type { PrivacyGuard } from '../../privacy/index.js';
import { scanReport } from '../../privacy/scan-report.js';
import { readJsonBody } from './read-json-body.js';
import type { RequestContext } from './request-context.js';
import { sendJson } from './send.js';
import { invalidRequestFrom } from './zod-issue.js';

const scanBody = z.strictObject({ text: z.string() });

/** POST /v1/privacy/scan: text in, the spans found (type, offsets, value) out. Nothing is stored. */
export async function handlePrivacyScan(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, deps: { privacy: PrivacyGuard; bodyLimitBytes: number }): Promise<void> {
  const raw = await readJsonBody(req, deps.bodyLimitBytes);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FlambeauError('invalid_request', 'The request body must be a JSON object with a `text` string.');
  const parsed = scanBody.safeParse(raw);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  sendJson(res, 200, { object: 'privacy.scan', ...scanReport(deps.privacy, parsed.data.text) }, { 'x-request-id': ctx.id });
}
