import type { Secret } from '../config/secret.js';
import type { Logger } from '../log/logger.js';
import { createLocalBus, type ClusterBus } from './cluster-bus.js';
import { createRedisClusterBus } from './redis-cluster-bus.js';

/** The bus the config asks for: Redis when `cluster.redis_url` (or `rate_limit.redis_url`) is set, else this process only. */
export async function openClusterBus(settings: { redisUrl: Secret | null; namespace: string }, logger: Logger): Promise<ClusterBus> {
  if (settings.redisUrl === null) return createLocalBus();
  return createRedisClusterBus({
    url: settings.redisUrl.reveal(),
    namespace: settings.namespace,
    onError: (what, error) =>
      logger.warn(`cluster: ${what} failed; other instances' changes apply within the 10 s cache bound until Redis answers`, { error: error.message }),
    onReconnect: () => logger.info('cluster: Redis is back; cached keys and model pointers dropped'),
  });
}
