import type { GatewayConfig } from '../config/gateway-config.js';
import { compileRoutes } from './compile-routes.js';

/**
 * Checks the `routes:` rules of a loaded config against its declared models, throwing
 * `config_invalid` naming the rule: `serve` calls it before start-up touches the home folder, and
 * `config check` to report it. Complexity thresholds need the scorer and are resolved at start;
 * here any share is accepted.
 */
export function checkRouteRules(config: Pick<GatewayConfig, 'routes' | 'models'>): void {
  compileRoutes(config.routes, new Set(config.models.map((m) => m.name)), () => 0.5);
}
