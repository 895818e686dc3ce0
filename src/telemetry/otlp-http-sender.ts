import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * Sends one OTLP/HTTP protobuf body; resolves once the collector accepted it (2xx). `signal`
 * abandons the exchange (the connection is destroyed and the promise rejects).
 */
export type OtlpSend = (body: Uint8Array, signal?: AbortSignal) => Promise<void>;

/**
 * POSTs export requests to `url` (`…/v1/traces`) as `application/x-protobuf` over one kept-alive
 * connection. A non-2xx answer, a network error, an abort, or `timeoutMs` elapsed before the whole
 * answer arrived rejects: the batch is dropped (tracing never queues without bound nor retries
 * into a failing collector; the one retry is for a kept-alive connection found closed).
 *
 * `timeoutMs` (default 10 s) bounds the whole exchange, retry included, not the silence between
 * two bytes: a collector that trickles its answer a byte at a time is cut at the deadline, and its
 * connection destroyed (the next export opens a new one).
 */
export function createOtlpHttpSender(url: string, timeoutMs = 10_000): { send: OtlpSend; close(): void } {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const request = secure ? httpsRequest : httpRequest;
  const send: OtlpSend = (body, signal) =>
    new Promise<void>((resolve, reject) => {
      let current: ClientRequest | null = null;
      let settled = false;
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      // Reject first, then destroy: whatever the request or its response emit afterwards is moot.
      const cut = (error: Error): void => {
        settle(error);
        current?.destroy(error);
      };
      const onAbort = (): void => cut(new Error('OTLP export abandoned'));
      const deadline = setTimeout(() => cut(new Error(`OTLP collector did not answer in full within ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted === true) return onAbort();
      const post = (retry: boolean): void => {
        const req = request(
          target,
          { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength } },
          (res) => {
            res.resume();
            res.on('end', () => {
              const status = res.statusCode ?? 0;
              settle(status >= 200 && status < 300 ? undefined : new Error(`OTLP collector answered ${status}`));
            });
            res.on('error', settle);
          },
        );
        current = req;
        req.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive connection the collector closed while idle: once more, on a new one.
          if (!settled && retry && req.reusedSocket && error.code === 'ECONNRESET') post(false);
          else settle(error);
        });
        req.end(body);
      };
      post(true);
    });
  return { send, close: () => agent.destroy() };
}
