import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CatalogEntry, ModelCatalog } from '../models/model-catalog.js';
import type { EmbeddingModel } from '../providers/spec.js';
import { knowledgeEmbeddingModel } from './knowledge-embedding-model.js';

const embedding = {} as EmbeddingModel;
function catalogOf(entries: Array<Pick<CatalogEntry, 'name' | 'locality' | 'embedding'>>): ModelCatalog {
  const list = entries as CatalogEntry[];
  return {
    list: () => list,
    refreshVersions: async () => {},
    get: (name) => {
      const entry = list.find((e) => e.name === name);
      if (entry === undefined) throw new Error(`no ${name}`);
      return entry;
    },
  };
}

describe('knowledgeEmbeddingModel', () => {
  const names = new Set(['multilingual-e5-small', 'bge-m3']);

  it('never picks a chat model silently: without a setting, only a device model served as a known embedding model', () => {
    const chatOnly = catalogOf([{ name: 'qwen2.5-0.5b-instruct', locality: 'device', embedding }]);
    assert.equal(knowledgeEmbeddingModel(chatOnly, null, undefined, names), undefined);
    const withEmbedder = catalogOf([
      { name: 'qwen2.5-0.5b-instruct', locality: 'device', embedding },
      { name: 'bge-m3', locality: 'cloud', embedding },
      { name: 'multilingual-e5-small', locality: 'device', embedding },
    ]);
    assert.equal(knowledgeEmbeddingModel(withEmbedder, null, undefined, names)?.name, 'multilingual-e5-small');
  });

  it('takes the configured model, chat model or not, and refuses one that cannot embed', () => {
    const catalog = catalogOf([
      { name: 'local-chat', locality: 'device', embedding },
      { name: 'cloud-chat', locality: 'cloud', embedding: undefined },
    ]);
    assert.equal(knowledgeEmbeddingModel(catalog, 'local-chat', undefined, names)?.name, 'local-chat');
    assert.throws(() => knowledgeEmbeddingModel(catalog, 'cloud-chat', undefined, names), /cannot embed/);
  });
});
