/**
 * Headers the caller of a model adds to the upstream HTTP calls it causes, without a parameter
 * threaded through every provider: the W3C `traceparent` of the attempt's span. Only headers the
 * gateway makes itself belong here (never a client's string): they leave for the provider as they are.
 *
 * No AsyncLocalStorage (on Node 20 it turns on a promise hook that every later request pays):
 * the headers are held only while `run` executes synchronously, and a provider reads them in that
 * window, when it builds its upstream call before its first `await` (as `UpstreamClient.request`
 * does: its headers are computed before it awaits anything). test/e2e/tracing.test.ts checks the
 * header reaches the upstream.
 */
let current: Readonly<Record<string, string>> | undefined;

export function withCallHeaders<T>(headers: Readonly<Record<string, string>> | null, run: () => T): T {
  if (headers === null) return run();
  const outer = current;
  current = headers;
  try {
    return run();
  } finally {
    current = outer;
  }
}

/** The headers of the call being started, merged under the provider's own (which win). */
export function callHeaders(): Readonly<Record<string, string>> | undefined {
  return current;
}
