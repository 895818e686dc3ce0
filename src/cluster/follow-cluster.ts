import type { KeyStore } from '../auth/index.js';
import type { ClusterBus } from './cluster-bus.js';

/** What an instance caches of the shared store, each able to forget it. */
export interface ClusterCaches {
  /** Cached key verifications (one key, or all). */
  keys: Pick<KeyStore, 'invalidate'>;
  /** Cached model pointers and versions (one name, or all). */
  versions: { invalidate(name?: string): void };
}

/**
 * Makes `caches` forget what the other instances changed: a revoked key, a promoted or rolled
 * back model, and everything after the bus reconnected (events sent meanwhile are lost). Returns
 * the function that stops listening.
 */
export function followCluster(bus: ClusterBus, caches: ClusterCaches): () => void {
  return bus.subscribe((signal) => {
    switch (signal.type) {
      case 'key-changed':
        caches.keys.invalidate(signal.keyId ?? undefined);
        return;
      case 'model-changed':
        caches.versions.invalidate(signal.name);
        return;
      case 'resync':
        caches.keys.invalidate();
        caches.versions.invalidate();
        return;
    }
  });
}

/**
 * The key store that tells every instance when it revokes a key or drops cached verifications
 * (a team's limits changed), so that theirs go too, within a second instead of their cache bound.
 */
export function announcingKeyStore(keys: KeyStore, bus: ClusterBus): KeyStore {
  return {
    ...keys,
    async revoke(id, tx) {
      const result = await keys.revoke(id, tx);
      // The others are told once it is committed: inside a caller's transaction that is later, and
      // telling them now would let them read the key again before the commit and keep it 10 s.
      // Such a caller calls `invalidate(id)` after its commit (admin-routes' revokeKey does).
      if (tx === undefined) void bus.publish({ type: 'key-changed', keyId: id });
      return result;
    },
    invalidate(id) {
      keys.invalidate(id);
      void bus.publish({ type: 'key-changed', keyId: id ?? null });
    },
  };
}
