import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestModels } from '../../test/fixtures/test-models.js';
import { createEngine } from '../engine/child-engine.js';
import type { Engine } from '../engine/engine.js';
import { createLlamaCppProvider } from '../providers/llamacpp/llamacpp-provider.js';
import type { Provider } from '../providers/spec.js';
import { openStore, type Store } from '../store/store.js';
import { embedderOf } from './embedder.js';
import { createKnowledge, type Knowledge } from './knowledge.js';

// Retrieval with real embeddings: the test GGUF's mean-pooled embeddings are bag-of-words vectors
// over its topic words (test/fixtures/test-model-vocabulary.ts), computed by llama.cpp.
const DISTRACTORS = [
  'The weather in Paris is sun and wind this week.',
  'My dog and cat eat bread and cheese at dinner.',
  'The school teacher will read a book to the children.',
  'Buy a train ticket for the flight to Berlin tomorrow.',
  'The server database network has a bug in the code.',
  'Coffee and breakfast with a friend on Sunday morning.',
  'Music and movie night at the restaurant on Saturday evening.',
  'Rain and snow and storm in London, the temperature is low.',
  'The garden of the house needs water and the rent is due.',
  'Doctor and hospital appointment for the patient health.',
];
const PLANTED = 'The invoice payment for the hotel in Lyon is due on Friday.';

describe('knowledge with the bag-of-words test model', () => {
  let dir: string;
  let engine: Engine;
  let provider: Provider;
  let store: Store;
  let knowledge: Knowledge;
  let planted: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-knowledge-model-'));
    const models = await makeTestModels(join(dir, 'models'));
    engine = createEngine({ idleTimeoutMs: 60_000, gpu: false, threads: 1, maxQueue: 16, logger: { debug() {}, info() {}, warn() {}, error() {} } });
    provider = createLlamaCppProvider({ id: 'local', locality: 'device', engine });
    const embedding = provider.embeddingModel?.({ name: 'local-chat', model: 'flambeau-chat', path: models.chat, context: 512, threads: 1 });
    assert.ok(embedding);
    store = openStore(join(dir, 'flambeau.db'));
    knowledge = createKnowledge({ db: store.db, embedder: embedderOf(embedding, 'local-chat') });
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    DISTRACTORS.forEach((text, i) => writeFileSync(join(docs, `note-${String(i).padStart(2, '0')}.txt`), text));
    planted = join(docs, 'planted.txt');
    writeFileSync(planted, PLANTED);
    const report = await knowledge.ingest({ collection: 'notes', paths: [docs] });
    assert.equal(report.indexed, DISTRACTORS.length + 1);
  });

  after(async () => {
    store?.close();
    await provider?.close();
    await engine?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ranks the planted relevant chunk first: vectors alone, and fused with BM25', async () => {
    const vector = (await knowledge.search('hotel invoice payment', { collections: ['notes'] }, { mode: 'vector', k: 5 })).hits;
    assert.equal(vector[0]?.chunk.path, planted);
    assert.ok((vector[0]?.distance ?? 2) < (vector[1]?.distance ?? 0));
    const hybrid = (await knowledge.search('payment of the hotel invoices', { collections: ['notes'] }, { k: 5 })).hits;
    assert.equal(hybrid[0]?.chunk.path, planted);
    assert.equal(hybrid[0]?.vectorRank, 1);
  });

  it('finds a plural form with both lists: the stemmed index and the embedding fold it', async () => {
    // "invoices" is in no text: the stemmed index holds "invoic" for "invoice", and the model
    // maps both forms to one dimension.
    const hits = (await knowledge.search('invoices', { collections: ['notes'] }, { k: 3 })).hits;
    assert.equal(hits[0]?.chunk.path, planted);
    assert.equal(hits[0]?.bm25Rank, 1);
    assert.equal(hits[0]?.vectorRank, 1);
  });
});
