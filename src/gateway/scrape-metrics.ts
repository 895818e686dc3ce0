import { checkScope } from '../auth/scope.js';
import { FlambeauError } from '../errors/index.js';
import type { GatewayDeps } from './gateway-deps.js';

/**
 * `GET /metrics`: the Prometheus exposition, for the master key or a key whose scope has the
 * `metrics` endpoint. `open`: the HTTP edge found a key-less scraper it may let in
 * (`metrics.public_on_loopback` and a loopback socket). Scrapes are not recorded in usage or the
 * audit: a scraper calls every few seconds, and what it reads holds no request's data.
 */
export async function scrapeMetrics(
  credential: string | undefined,
  open: boolean,
  deps: Pick<GatewayDeps, 'keys' | 'metrics'>,
): Promise<{ contentType: string; body: string }> {
  if (deps.metrics === undefined) throw new FlambeauError('not_found', 'Metrics are off (metrics.enabled: false).');
  if (!open) checkScope(await deps.keys.authenticate(credential), { endpoint: 'metrics' });
  return deps.metrics.render();
}
