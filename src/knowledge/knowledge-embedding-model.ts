import { FlambeauError } from '../errors/index.js';
import type { CatalogEntry, ModelCatalog } from '../models/model-catalog.js';
import type { EmbeddingModel } from '../providers/spec.js';

/**
 * The model that embeds knowledge chunks and queries: `configured` (`knowledge.embedding_model`),
 * else the first device-local model served under the name of a known embedding model
 * (`embeddingNames`: `flambeau pull bge-m3` serves one as "bge-m3"); never a chat model picked
 * silently, whose embeddings are poor (a chat GGUF can embed, badly). Undefined when none: BM25
 * only. The server and `flambeau ingest` both choose with this, since the server's searches ignore
 * vectors made by any other model. `setting` names where `configured` came from in the error.
 * Throws `model_not_found` for a name the catalog does not serve, `config_invalid` for a model
 * that cannot embed.
 */
export function knowledgeEmbeddingModel(
  catalog: ModelCatalog,
  configured: string | null,
  setting = 'knowledge.embedding_model',
  embeddingNames: ReadonlySet<string> = new Set(),
): (CatalogEntry & { embedding: EmbeddingModel }) | undefined {
  const entry =
    configured !== null
      ? catalog.get(configured)
      : catalog.list().find((e) => e.locality === 'device' && e.embedding !== undefined && embeddingNames.has(e.name.toLowerCase()));
  if (entry === undefined) return undefined;
  if (!canEmbed(entry)) throw new FlambeauError('config_invalid', `${setting}: the model ${entry.name} cannot embed.`);
  return entry;
}

function canEmbed(entry: CatalogEntry): entry is CatalogEntry & { embedding: EmbeddingModel } {
  return entry.embedding !== undefined;
}
