import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Sends one OTLP/HTTP protobuf body; resolves once the collector accepted it (2xx). */
export type OtlpSend = (body: Uint8Array) => Promise<void>;

/**
 * POSTs export requests to `url` (`…/v1/traces`) as `application/x-protobuf` over one kept-alive
 * connection. A non-2xx answer, a network error or `timeoutMs` without an answer rejects: the
 * batch is dropped (tracing never queues without bound nor retries into a failing collector; the
 * one retry is for a kept-alive connection found closed).
 */
export function createOtlpHttpSender(url: string, timeoutMs = 10_000): { send: OtlpSend; close(): void } {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const request = secure ? httpsRequest : httpRequest;
  const post = (body: Uint8Array, retry: boolean): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          timeout: timeoutMs,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`OTLP collector answered ${status}`));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`OTLP collector gave no answer in ${timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the collector closed while idle: once more, on a new one.
        if (retry && req.reusedSocket && error.code === 'ECONNRESET') post(body, false).then(resolve, reject);
        else reject(error);
      });
      req.end(body);
    });
  const send: OtlpSend = (body) => post(body, true);
  return { send, close: () => agent.destroy() };
}
