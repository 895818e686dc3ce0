import type { ServerResponse } from 'node:http';
import { FlambeauError } from '../../errors/index.js';
import { sendErrorAs } from '../http/send.js';
import type { RouteCall } from '../http/route-call.js';

/**
 * Ollama's error shape, `{"error": "message"}`, with our status: the `ollama` clients read
 * `error` and the status; `retry-after` is kept for 429.
 */
export function sendOllamaError(res: ServerResponse, error: FlambeauError): void {
  sendErrorAs(res, error, (e) => ({ error: e.message }));
}

/**
 * Pull, push, create, copy and delete: models are managed on the server, by the operator, not by
 * API callers (a 403 whatever the key, so nothing is attempted half way).
 */
export function refuseModelManagement(call: RouteCall): never {
  const path = (call.req.url ?? '').split('?')[0] as string;
  throw new FlambeauError(
    'forbidden',
    `Model management over the Ollama API is not available on flambeau (${call.req.method} ${path}). ` +
      'On the server, run `flambeau pull <model>` to download a model, `flambeau models import` to add a GGUF file, or `flambeau models rm` to remove one.',
  );
}
