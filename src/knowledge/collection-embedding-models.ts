import type { Db } from '../store/store.js';

/**
 * The embedding models each collection's vectors were made with, by collection name (collections
 * indexed for full-text only are absent). A search embeds its query with the server's model and
 * reads only that model's vectors, so a collection made with another one needs a new ingest.
 */
export function collectionEmbeddingModels(db: Db): Map<string, string[]> {
  const rows = db
    .prepare(
      `SELECT DISTINCT f.collection, s.model FROM knowledge_files f JOIN knowledge_vector_spaces s ON s.id = f.embed_space
       ORDER BY f.collection, s.model`,
    )
    .all() as Array<{ collection: string; model: string }>;
  const models = new Map<string, string[]>();
  for (const row of rows) models.set(row.collection, [...(models.get(row.collection) ?? []), row.model]);
  return models;
}
