import { z } from 'zod';
import { tableDefault } from '../settings.js';

const ALLOW_CLOUD = z.boolean();
const RETRIES = z.number().int().min(0).max(10);
const DELAY_MS = z.number().int().min(0);
const BREAKER_FAILURES = z.number().int().min(1);
const BREAKER_COOLDOWN_MS = z.number().int().min(1);
const HEALTH_INTERVAL_MS = z.number().int().min(0);

/**
 * The `routing:` section of flambeau.yaml: how the router retries, breaks circuits and checks
 * health. The rules themselves (`routes:`) are checked by router/compile-routes.ts, which names
 * the rule in its messages.
 */
export const routingFileSchema = z.strictObject({
  /** false = air-gapped: cloud models are never called. */
  allow_cloud: ALLOW_CLOUD.default(tableDefault('routing.allow_cloud', ALLOW_CLOUD)),
  /** Retries of one target on retryable failures (429, 5xx, reset, timeout), before its first byte. */
  retries: RETRIES.default(tableDefault('routing.retries', RETRIES)),
  retry_base_delay_ms: DELAY_MS.default(tableDefault('routing.retry_base_delay_ms', DELAY_MS)),
  retry_max_delay_ms: DELAY_MS.default(tableDefault('routing.retry_max_delay_ms', DELAY_MS)),
  /** Consecutive failures that open a provider's circuit breaker. */
  breaker_failures: BREAKER_FAILURES.default(tableDefault('routing.breaker_failures', BREAKER_FAILURES)),
  /** How long an open breaker waits before letting one probe through. */
  breaker_cooldown_ms: BREAKER_COOLDOWN_MS.default(tableDefault('routing.breaker_cooldown_ms', BREAKER_COOLDOWN_MS)),
  /** Weights of the complexity score (from `flambeau router train`); default: the shipped ones. */
  complexity_weights: z.string().min(1).optional(),
  /** Background health checks of remote providers; 0 turns them off. */
  health_interval_ms: HEALTH_INTERVAL_MS.default(tableDefault('routing.health_interval_ms', HEALTH_INTERVAL_MS)),
});
export type RoutingFile = z.infer<typeof routingFileSchema>;
