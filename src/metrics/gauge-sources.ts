import type { BudgetLedger } from '../auth/budget-ledger.js';
import type { KeyStore } from '../auth/key-store.js';
import type { TeamStore } from '../auth/team-store.js';
import type { ModelCatalog } from '../models/model-catalog.js';
import type { CircuitBreakers } from '../router/circuit-breaker.js';
import type { GaugeSources } from './gateway-metrics.js';

/** Where the gauges read their values at scrape time: nothing is tracked between scrapes. */
export function gaugeSourcesOf(deps: {
  catalog: ModelCatalog;
  breakers: CircuitBreakers;
  keys: KeyStore;
  teams: TeamStore;
  ledger: BudgetLedger;
  /** The tracing in use, if any (its span counts become `flambeau_trace_spans_total`). */
  tracing?: { stats(): { exportedSpans: number; droppedSpans: number } } | null;
}): GaugeSources {
  const tracing = deps.tracing ?? null;
  return {
    ...(tracing === null
      ? {}
      : {
          traceSpans() {
            const { exportedSpans, droppedSpans } = tracing.stats();
            return { exported: exportedSpans, dropped: droppedSpans };
          },
        }),
    breakers() {
      const providers = [...new Set(deps.catalog.list().map((entry) => entry.provider.id))];
      return providers.map((provider) => ({ provider, open: deps.breakers.state(provider) !== 'closed' }));
    },
    engine() {
      const local: { model: string; queued: number; loaded: boolean }[] = [];
      for (const entry of deps.catalog.list()) {
        if (entry.provider.type !== 'llamacpp') continue;
        const status = entry.status();
        local.push({ model: entry.name, queued: status.queued ?? 0, loaded: status.loaded === true });
      }
      return local;
    },
    async budgets() {
      const now = Date.now();
      const out: { scope: 'key' | 'team'; name: string; remainingUsd: number }[] = [];
      for (const key of await deps.keys.list()) {
        if (key.budget === null || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now)) continue;
        const use = await deps.ledger.use({ keyId: key.id }, key.budget.period);
        out.push({ scope: 'key', name: key.id, remainingUsd: Math.max(0, key.budget.usd - use.spentUsd - use.reservedUsd) });
      }
      for (const team of await deps.teams.list()) {
        if (team.budget === null) continue;
        const use = await deps.ledger.use({ team: team.id }, team.budget.period);
        out.push({ scope: 'team', name: team.id, remainingUsd: Math.max(0, team.budget.usd - use.spentUsd - use.reservedUsd) });
      }
      return out;
    },
  };
}
