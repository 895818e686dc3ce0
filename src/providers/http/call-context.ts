import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Headers the caller of a model adds to the upstream HTTP calls it causes, without a parameter
 * threaded through every provider: the W3C `traceparent` of the attempt's span. Only headers the
 * gateway makes itself belong here (never a client's string): they leave for the provider as they are.
 */
const context = new AsyncLocalStorage<Readonly<Record<string, string>>>();

export function withCallHeaders<T>(headers: Readonly<Record<string, string>> | null, run: () => T): T {
  return headers === null ? run() : context.run(headers, run);
}

/** The headers of the call in progress, merged under the provider's own (which win). */
export function callHeaders(): Readonly<Record<string, string>> | undefined {
  return context.getStore();
}
