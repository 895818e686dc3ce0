import type { ServerResponse } from 'node:http';
import { FlambeauError } from '../../errors/index.js';

/** A signal that fires when the client goes away before the response is complete: upstream work stops. */
export function abortOnClose(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new FlambeauError('client_closed', 'The client closed the connection.'));
  });
  return controller.signal;
}
