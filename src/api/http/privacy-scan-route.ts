import { z } from 'zod';
import { scanPrivacy } from '../../gateway/index.js';
import { sendJson } from './send.js';
import { readBody, type RouteCall } from './route-call.js';

const scanBody = z.strictObject({ text: z.string() });

/** POST /v1/privacy/scan: text in, the spans found (type, offsets, value) out. Nothing is stored. */
export async function handlePrivacyScan(call: RouteCall): Promise<void> {
  const { res, request } = call;
  const body = await readBody(call, scanBody, 'a JSON object with a `text` string');
  sendJson(res, 200, { object: 'privacy.scan', ...scanPrivacy(body.text, call.deps.gateway) }, { 'x-request-id': request.outcome.requestId });
}
