export { createLocalBus, type ClusterBus } from './cluster-bus.js';
export { clusterEventSchema, type ClusterEvent, type ClusterSignal } from './cluster-event.js';
export { announcingKeyStore, followCluster, type ClusterCaches } from './follow-cluster.js';
export { createRedisClusterBus, type RedisClusterBusOptions } from './redis-cluster-bus.js';
export { openClusterBus } from './open-cluster-bus.js';
