import { stat } from 'node:fs/promises';
import type { Deployment } from '../config/sections/deployment-section.js';
import { checkServedLicences, type ServedLicence } from './licence/check-served-licences.js';
import type { ModelCatalog } from './model-catalog.js';
import type { SqlExecutor } from '../store/sql.js';
import type { ModelStore } from './store/model-store.js';
import type { VersionRegistry } from './versions/version-registry.js';

/** A served model as the dashboard's Models page shows it (api/http/dashboard-admin-routes.ts). */
export interface ModelOverview {
  name: string;
  provider: string;
  locality: string;
  loaded: boolean | null;
  detail: string | null;
  diskBytes: number | null;
  licence: { ids: string[]; allowed: boolean; reasons: string[]; use: string } | null;
  versions: {
    current: number;
    previous: number | null;
    canary: number | null;
    canaryPercent: number | null;
    list: Array<{ version: number; sha256: string; createdAt: number; sizeBytes: number | null }>;
  } | null;
}

/** Checked when the config declares no `deployment:` (start-up then checks nothing): the narrowest use. */
const PERSONAL: Deployment = { use: 'personal', monthlyUsers: null, onViolation: 'warn' };

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
}

/**
 * The Models page's facts and its version actions, over the catalog, the version registry and
 * the model store. Licences are checked once (the files do not change under a running gateway).
 */
export function createModelOverview(deps: { catalog: ModelCatalog; registry: VersionRegistry; store: ModelStore; deployment: Deployment | null }) {
  const deployment = deps.deployment ?? PERSONAL;
  let licences: Promise<ServedLicence[]> | undefined;
  const licenceReport = () =>
    (licences ??= checkServedLicences(
      deps.catalog.list().map((e) => ({ name: e.name, path: e.config.path })),
      deps.store,
      deployment,
    ).catch(() => []));

  return {
    async list(): Promise<ModelOverview[]> {
      const report = await licenceReport();
      const names = new Set(await deps.registry.names());
      return Promise.all(
        deps.catalog.list().map(async (entry): Promise<ModelOverview> => {
          const status = entry.status();
          const pointer = names.has(entry.name) ? await deps.registry.pointer(entry.name) : undefined;
          const list =
            pointer === undefined
              ? []
              : await Promise.all(
                  (await deps.registry.versions(entry.name)).map(async (v) => ({
                    version: v.version,
                    sha256: v.sha256,
                    createdAt: v.createdAt,
                    sizeBytes: await sizeOf(deps.store.blobPath(v.sha256)),
                  })),
                );
          const fileSize = entry.config.path === undefined ? null : await sizeOf(entry.config.path);
          const disk = list.length > 0 ? list.reduce((s, v) => s + (v.sizeBytes ?? 0), 0) : fileSize;
          const licence = report.find((r) => r.name === entry.name);
          return {
            name: entry.name,
            provider: entry.provider.id,
            locality: entry.locality,
            loaded: status.loaded ?? null,
            detail: status.detail ?? null,
            diskBytes: disk,
            licence:
              licence === undefined
                ? null
                : { ids: licence.licenceIds, allowed: licence.verdict.allowed, reasons: licence.verdict.reasons, use: deployment.use },
            versions:
              pointer === undefined
                ? null
                : { current: pointer.current, previous: pointer.previous, canary: pointer.canary, canaryPercent: pointer.canaryPercent, list },
          };
        }),
      );
    },
    /** `tx`: in that transaction (the dashboard's, which appends the audit record in it too). Throws `not_found` for an unknown version. */
    async promote(name: string, version: number, canaryPercent?: number, tx?: SqlExecutor): Promise<void> {
      await deps.registry.promote(name, version, { ...(canaryPercent === undefined ? {} : { canaryPercent }), ...(tx === undefined ? {} : { tx }) });
    },
    async rollback(name: string, tx?: SqlExecutor): Promise<void> {
      await deps.registry.rollback(name, tx);
    },
  };
}
