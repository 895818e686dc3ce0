import type { ClusterEvent, ClusterSignal } from './cluster-event.js';

/**
 * How gateway instances sharing one store tell each other that something they cache changed. The
 * store stays the truth: a lost event only delays a change to the cache bound (10 s for keys and,
 * in a cluster, for model pointers), never loses it.
 */
export interface ClusterBus {
  /** `redis` when other instances hear this bus; `local` when it reaches this process only. */
  readonly kind: 'local' | 'redis';
  /**
   * Tells every instance, this one included. Never throws: a failure is logged by the bus and
   * the other instances catch up within their cache bound.
   */
  publish(event: ClusterEvent): Promise<void>;
  /** `listener` hears every event and `resync`; returns the unsubscribe function. */
  subscribe(listener: (signal: ClusterSignal) => void): () => void;
  /**
   * Adds one to the counter `name` shared by every instance and returns its new value (1, 2...):
   * each value goes to one caller only. Throws when the shared counter cannot be reached (the
   * caller falls back to a counter of its own).
   */
  increment(name: string): Promise<number>;
  close(): Promise<void>;
}

/** The single-instance bus: events reach this process's listeners, synchronously. */
export function createLocalBus(): ClusterBus {
  const listeners = new Set<(signal: ClusterSignal) => void>();
  const counters = new Map<string, number>();
  return {
    kind: 'local',
    async publish(event) {
      for (const listener of [...listeners]) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async increment(name) {
      const value = (counters.get(name) ?? 0) + 1;
      counters.set(name, value);
      return value;
    },
    async close() {
      listeners.clear();
    },
  };
}
