import { FlambeauError } from '../errors/index.js';
import type { CatalogEntry, ModelCatalog } from '../models/model-catalog.js';
import type { EmbeddingModel } from '../providers/spec.js';

/**
 * The model that embeds knowledge chunks and queries: `configured` (`knowledge.embedding_model`),
 * else the first device-local model that can embed (private documents should not be sent out to
 * be embedded); undefined when none can. The server and `flambeau ingest` both choose with this,
 * since the server's searches ignore vectors made by any other model. `setting` names where
 * `configured` came from in the error. Throws `model_not_found` for a name the catalog does not
 * serve, `config_invalid` for a model that cannot embed.
 */
export function knowledgeEmbeddingModel(
  catalog: ModelCatalog,
  configured: string | null,
  setting = 'knowledge.embedding_model',
): (CatalogEntry & { embedding: EmbeddingModel }) | undefined {
  const entry = configured !== null ? catalog.get(configured) : catalog.list().find((e) => e.locality === 'device' && e.embedding !== undefined);
  if (entry === undefined) return undefined;
  if (!canEmbed(entry)) throw new FlambeauError('config_invalid', `${setting}: the model ${entry.name} cannot embed.`);
  return entry;
}

function canEmbed(entry: CatalogEntry): entry is CatalogEntry & { embedding: EmbeddingModel } {
  return entry.embedding !== undefined;
}
