import { basename, extname, resolve } from 'node:path';
import { readGgufFacts } from './gguf/read-gguf-facts.js';
import { register, type AddedModel, type PullDeps } from './pull-model.js';
import type { VersionSettings } from './versions/version-registry.js';

/**
 * `flambeau models import PATH.gguf`: for machines with no network. Copies (or hard-links) the
 * file into the store, hashes it, reads its GGUF header and registers a version.
 */
export async function importModel(
  path: string,
  options: { name?: string; link?: boolean; settings?: VersionSettings },
  deps: Pick<PullDeps, 'store' | 'registry' | 'now' | 'withVersionWrite'>,
): Promise<AddedModel> {
  const absolute = resolve(path);
  // Refuse a file that is not a GGUF before copying it into the store.
  await readGgufFacts(absolute);
  const { sha256, size } = await deps.store.importFile(absolute, { link: options.link === true });
  const name = options.name ?? basename(absolute, extname(absolute)).toLowerCase();
  return register(
    {
      sha256,
      size,
      source: { kind: 'import', ref: absolute, known: null, url: null, verified: false },
      name,
      known: undefined,
      extras: {},
      alreadyPresent: false,
    },
    options.settings ?? {},
    deps,
  );
}
