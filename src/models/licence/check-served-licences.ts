import { basename } from 'node:path';
import { FlambeauError } from '../../errors/index.js';
import { readGgufFacts } from '../gguf/read-gguf-facts.js';
import type { ModelStore } from '../store/model-store.js';
import { evaluateLicence, type Deployment, type LicenceVerdict } from './licence-policy.js';
import { licenceIdOf } from './licence-terms.js';

export interface ServedLicence {
  name: string;
  path: string;
  licenceIds: string[];
  verdict: LicenceVerdict;
}

/**
 * The licence verdict of each local model file: from its manifest when it is a blob of the store
 * (the known-model list, or the GGUF), otherwise from the GGUF's `general.license`. Every licence
 * that applies must allow the use (a distilled model carries its base's licence too).
 */
export async function checkServedLicences(
  models: readonly { name: string; path?: string | undefined }[],
  store: ModelStore,
  deployment: Deployment,
): Promise<ServedLicence[]> {
  const out: ServedLicence[] = [];
  for (const model of models) {
    if (model.path === undefined) continue;
    const ids = await licenceIdsOf(model.path, store);
    const verdicts = (ids.length === 0 ? [null] : ids).map((id) => evaluateLicence(id, deployment));
    const verdict: LicenceVerdict = {
      allowed: verdicts.every((v) => v.allowed),
      reasons: verdicts.flatMap((v) => v.reasons),
      obligations: verdicts.flatMap((v) => v.obligations),
      licence: verdicts[0]?.licence ?? null,
    };
    out.push({ name: model.name, path: model.path, licenceIds: ids, verdict });
  }
  return out;
}

/** Throws `policy_denied` naming each refused model and why, unless the deployment says warn; returns the warnings. */
export function enforceLicences(report: readonly ServedLicence[], deployment: Deployment): string[] {
  const refused = report.filter((r) => !r.verdict.allowed);
  const lines = refused.map((r) => `${r.name} (${r.licenceIds.join(' + ') || 'unknown licence'}): ${r.verdict.reasons.join('; ')}`);
  if (refused.length > 0 && deployment.onViolation === 'refuse') {
    throw new FlambeauError(
      'policy_denied',
      `licence policy: ${lines.join(' | ')}. Remove the model, change deployment.use, or set deployment.on_licence_violation: warn.`,
      {
        details: { models: refused.map((r) => ({ model: r.name, licences: r.licenceIds, reasons: r.verdict.reasons })) },
      },
    );
  }
  return lines;
}

async function licenceIdsOf(path: string, store: ModelStore): Promise<string[]> {
  const blob = /^sha256-([0-9a-f]{64})$/.exec(basename(path));
  const manifest = blob === null ? null : await store.readManifest(blob[1] as string);
  if (manifest !== null) return [manifest.licence.id, ...manifest.licence.also].filter((id): id is string => id !== null);
  const facts = await readGgufFacts(path).catch(() => null);
  const id = facts === null ? null : licenceIdOf(facts.license, facts.licenseName);
  return id === null ? [] : [id];
}
