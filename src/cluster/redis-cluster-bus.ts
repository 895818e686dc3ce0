import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ClusterBus } from './cluster-bus.js';
import { decodeClusterMessage, encodeClusterMessage, type ClusterSignal } from './cluster-event.js';

export interface RedisClusterBusOptions {
  /** e.g. `redis://127.0.0.1:6379`. */
  url: string;
  /** Prefix of the channel and keys (`NAMESPACE:events`, `NAMESPACE:counter:NAME`); default `flambeau`. */
  namespace?: string;
  /** Names this instance in messages (default: random). */
  instanceId?: string;
  /** A command slower than this fails (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Told of connection errors, bad messages and failed publishes (the bus itself never throws on publish). */
  onError?: (what: string, error: Error) => void;
  /** Told when the subscription is back after an outage (listeners then get `resync`). */
  onReconnect?: () => void;
}

/**
 * The bus of several instances: Redis pub/sub on one channel, and counters as Redis keys (INCR).
 * Two connections, as Redis requires: one subscribed, one for PUBLISH and INCR. ioredis reconnects
 * both by itself and subscribes again; since messages sent meanwhile are lost (pub/sub keeps none),
 * every listener then gets `resync` and drops all it cached.
 */
export async function createRedisClusterBus(options: RedisClusterBusOptions): Promise<ClusterBus> {
  const namespace = options.namespace ?? 'flambeau';
  const channel = `${namespace}:events`;
  const from = options.instanceId ?? randomBytes(6).toString('hex');
  const onError = options.onError ?? (() => {});
  const connection = {
    // Fail fast: a publish or a counter waits at most one timeout; the caches' bound covers the rest.
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
  };
  const commands = new Redis(options.url, { ...connection, connectionName: `${namespace}-bus-${from}` });
  // The subscription waits for a connection however long it takes (queued while Redis is down).
  const subscriber = new Redis(options.url, {
    ...connection,
    maxRetriesPerRequest: null,
    commandTimeout: undefined,
    connectionName: `${namespace}-sub-${from}`,
  });
  // A connection error is told once per outage, not at every reconnect attempt.
  for (const [client, what] of [
    [commands, 'redis connection'],
    [subscriber, 'redis subscription'],
  ] as const) {
    let told = false;
    client.on('error', (error: Error) => {
      if (!told) onError(what, error);
      told = true;
    });
    client.on('ready', () => {
      told = false;
    });
  }
  const listeners = new Set<(signal: ClusterSignal) => void>();
  const tell = (signal: ClusterSignal) => {
    for (const listener of [...listeners]) listener(signal);
  };

  let lost = false;
  subscriber.on('close', () => {
    lost = true;
  });
  subscriber.on('ready', () => {
    if (!lost) return;
    lost = false;
    options.onReconnect?.();
    tell({ type: 'resync' });
  });
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    const message = decodeClusterMessage(text);
    if (message === null) onError('cluster message', new Error(`ignored a message that is not a cluster event (${text.length} bytes)`));
    else tell(message.event);
  });
  const subscribed = subscriber.subscribe(channel).then(
    () => true,
    (error: Error) => {
      onError('redis subscribe', error);
      return false;
    },
  );
  // Start-up waits for the subscription a little; with Redis down the instance starts anyway
  // (its caches' bound applies) and subscribes once Redis answers.
  let timer: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([subscribed, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), connection.commandTimeout)))]);
  clearTimeout(timer);
  if (!inTime) onError('redis subscribe', new Error(`not subscribed to ${channel} yet; changes from other instances apply within the cache bound until then`));

  return {
    kind: 'redis',
    async publish(event) {
      try {
        await commands.publish(channel, encodeClusterMessage(from, event));
      } catch (error) {
        onError('cluster publish', error as Error);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async increment(name) {
      return commands.incr(`${namespace}:counter:${name}`);
    },
    async close() {
      listeners.clear();
      // quit() would wait in the offline queue while Redis is down: leave at once instead.
      for (const client of [subscriber, commands]) client.disconnect();
    },
  };
}
