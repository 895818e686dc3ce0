import type { ModelCatalog } from '../models/model-catalog.js';

/**
 * Re-reads the catalog's model versions before a request resolves its model. The first request
 * of a turn of the event loop reads at once; the others of that turn share one read at its end
 * (`setImmediate`) instead of one each: the read is one query (every pointer with its versions),
 * and at 20 requests in flight it cost more than the request's own usage and audit rows. So a turn
 * makes at most two reads, and a request alone in its turn (the usual case at low load) does not
 * wait for the end of the turn (decision 0015, fourth pass). Each request still waits for a read
 * that began after it asked, so a promote, rollback or canary change committed before a request
 * started applies to it, as with a read of its own. On SQLite the read itself is skipped when no
 * write has committed since the last one (the store's change stamp, models/served-models.ts).
 */
export function refreshVersionsOnce(catalog: ModelCatalog): Promise<void> {
  if (!readThisTurn.has(catalog)) {
    readThisTurn.add(catalog);
    scheduleTurnEnd();
    return catalog.refreshVersions();
  }
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

// Catalogs whose read at once this turn has begun (a Set cleared at the turn's end; catalogs of
// other gateways in the process, tests, are their own).
const readThisTurn = new Set<ModelCatalog>();
let turnEndScheduled = false;

function scheduleTurnEnd(): void {
  if (turnEndScheduled) return;
  turnEndScheduled = true;
  setImmediate(() => {
    turnEndScheduled = false;
    readThisTurn.clear();
  });
}

// One shared read waiting per catalog (a WeakMap, as above).
const inFlight = new WeakMap<ModelCatalog, Promise<void>>();
