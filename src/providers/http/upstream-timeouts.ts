import type { UpstreamTimeouts } from '../../config/gateway-config.js';

/** Per-provider timeouts, in milliseconds; declared with the provider config that sets them. */
export type { UpstreamTimeouts } from '../../config/gateway-config.js';

export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  connectTimeoutMs: 10_000,
  firstByteTimeoutMs: 120_000,
  idleTimeoutMs: 60_000,
  totalTimeoutMs: 600_000,
};
