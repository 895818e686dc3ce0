import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { getEventListeners } from 'node:events';
import { FlambeauError } from '../../errors/index.js';
import { relayAbort } from '../../gateway/index.js';

/**
 * The abort shared by the requests of one connection, one at a time. HTTP/1.1 has no way to
 * cancel one request but to close its connection, so "the client went away before this response
 * was complete" is "the socket closed while this request was in flight": one AbortController per
 * connection says it for every request the connection carries, instead of one per request (an
 * AbortController costs ~5 µs on Node 20, the most expensive object a chat request made).
 */
interface SharedAbort {
  controller: AbortController;
  /** Where the upstream calls on this signal wait for its abort (no event listener on the signal). */
  relay: ReturnType<typeof relayAbort>;
  /** Requests of this connection holding the shared signal whose response has not closed yet. */
  inFlight: number;
}

const SHARED = Symbol('flambeau.sharedAbort');
type SocketWithAbort = Socket & { [SHARED]?: SharedAbort | null };

/**
 * A signal that fires when the client goes away before the response is complete: upstream work
 * stops. The signal of a connection's only request in flight is the connection's shared one,
 * aborted when the socket closes (its relay, `providers/http/abort-relay.ts`, fired right after);
 * a request that finds it in use (a pipelined request), or with a listener left behind by an
 * earlier request, gets one of its own, aborted when its response closes unfinished, as before.
 * A signal that fired is never handed out again.
 */
export function abortOnClose(res: ServerResponse): AbortSignal {
  const socket = res.socket as SocketWithAbort | null;
  let shared = socket?.[SHARED];
  if (socket != null && shared === undefined && !socket.destroyed) {
    const controller = new AbortController();
    const made: SharedAbort = { controller, relay: relayAbort(controller.signal), inFlight: 0 };
    shared = made;
    socket[SHARED] = made;
    socket.once('close', () => {
      // Later requests on this socket (none can come) would get a signal of their own.
      socket[SHARED] = null;
      made.controller.abort(closed());
      made.relay.fire();
    });
  }
  if (
    shared != null &&
    shared.inFlight === 0 &&
    !shared.relay.aborted &&
    shared.relay.size === 0 &&
    getEventListeners(shared.controller.signal, 'abort').length === 0
  ) {
    const entry = shared;
    entry.inFlight++;
    res.once('close', () => {
      entry.inFlight--;
    });
    return entry.controller.signal;
  }
  return ownSignal(res);
}

/** One controller for this response alone (the way every request was served before the shared one). */
function ownSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(closed());
  });
  return controller.signal;
}

function closed(): FlambeauError {
  return new FlambeauError('client_closed', 'The client closed the connection.');
}
