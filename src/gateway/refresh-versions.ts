import type { ModelCatalog } from '../models/model-catalog.js';

/**
 * Re-reads the catalog's model versions for the requests that start in one turn of the event
 * loop, once for all of them (at its end, `setImmediate`), instead of once per request: the read
 * is one query (every pointer with its versions), and at 20 requests in flight it cost more than
 * the request's own usage and audit rows. Each request still waits for a read that began after
 * it asked, so a promote, rollback or canary change committed before a request started applies
 * to it, as with a read of its own.
 */
export function refreshVersionsOnce(catalog: ModelCatalog): Promise<void> {
  let pending = inFlight.get(catalog);
  if (pending === undefined) {
    pending = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      // Requests arriving from here on ask for a read of their own.
      inFlight.delete(catalog);
      return catalog.refreshVersions();
    });
    inFlight.set(catalog, pending);
  }
  return pending;
}

// One read waiting per catalog (a WeakMap: catalogs of other gateways in the process, tests, are their own).
const inFlight = new WeakMap<ModelCatalog, Promise<void>>();
