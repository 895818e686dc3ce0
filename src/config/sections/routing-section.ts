import { z } from 'zod';

/**
 * The `routing:` section of flambeau.yaml: how the router retries, breaks circuits and checks
 * health. The rules themselves (`routes:`) are checked by router/compile-routes.ts, which names
 * the rule in its messages.
 */
export const routingFileSchema = z.strictObject({
  /** false = air-gapped: cloud models are never called. */
  allow_cloud: z.boolean().default(true),
  /** Retries of one target on retryable failures (429, 5xx, reset, timeout), before its first byte. */
  retries: z.number().int().min(0).max(10).default(1),
  retry_base_delay_ms: z.number().int().min(0).default(200),
  retry_max_delay_ms: z.number().int().min(0).default(2_000),
  /** Consecutive failures that open a provider's circuit breaker. */
  breaker_failures: z.number().int().min(1).default(5),
  /** How long an open breaker waits before letting one probe through. */
  breaker_cooldown_ms: z.number().int().min(1).default(30_000),
  /** Weights of the complexity score (from `flambeau router train`); default: the shipped ones. */
  complexity_weights: z.string().min(1).optional(),
  /** Background health checks of remote providers; 0 turns them off. */
  health_interval_ms: z.number().int().min(0).default(30_000),
});
export type RoutingFile = z.infer<typeof routingFileSchema>;
