import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../store/store.js';
import { hashingEmbedder } from './__fixtures__/hashing-embedder.js';
import { KnowledgeDb } from './db.js';
import type { SearchFilters } from './search-filters.js';
import { searchKnowledge } from './hybrid-search.js';
import { textHits } from './text-hits.js';

const WORDS = [
  'garden',
  'invoice',
  'contract',
  'deadline',
  'réunion',
  'lyon',
  'budget',
  'tomato',
  'friday',
  'alice',
  'bob',
  'report',
  'meeting',
  'plant',
  'paris',
];

/** Deterministic text: chunk i of file f uses a word mix that varies with both. */
function text(f: number, i: number): string {
  return Array.from({ length: 12 }, (_, w) => WORDS[(f * 7 + i * 3 + w * w) % WORDS.length]).join(' ');
}

describe('BM25 on a worker thread', () => {
  const embedder = hashingEmbedder();
  let dir: string;
  let store: Store;
  let concurrent: KnowledgeDb;
  let sequential: KnowledgeDb;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-text-thread-'));
    store = openStore(join(dir, 'flambeau.db'));
    concurrent = new KnowledgeDb(store.db);
    sequential = new KnowledgeDb(store.db, { textThread: false });
    const space = concurrent.vectorSpace(embedder.model, 64, 0);
    for (const collection of ['notes', 'mail']) concurrent.ensureCollection(collection, 0);
    for (let f = 0; f < 30; f++) {
      const texts = Array.from({ length: 8 }, (_, i) => text(f, i));
      const values = await embedder.embed(texts, new AbortController().signal);
      concurrent.writeFile(
        {
          collection: f % 3 === 0 ? 'mail' : 'notes',
          path: `/docs/${f % 2 === 0 ? 'work' : 'home'}/file-${f}.md`,
          hash: String(f),
          size: 0,
          mtime: 0,
          documents: [
            {
              date: Date.UTC(2026, 0, 1 + f),
              ...(f % 4 === 0 ? { sender: 'Alice <alice@example.org>' } : {}),
              chunks: texts.map((t) => ({ text: t, start: 0, end: t.length })),
            },
          ],
          vectors: { space, values },
        },
        0,
      );
    }
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts under tsx and answers exactly what the main thread computes', async () => {
    const thread = concurrent.textSearchThread();
    assert.ok(thread !== null);
    assert.equal(await thread.ready(), true);
    const filters: SearchFilters = { collections: ['notes', 'mail'], pathPrefix: '/docs/work/' };
    const fromWorker = await thread.search('garden invoice reunion', filters, 20);
    assert.ok(fromWorker !== null && fromWorker.length > 0);
    assert.deepEqual(fromWorker, textHits(sequential, 'garden invoice reunion', filters, 20));
    assert.equal(sequential.textSearchThread(), null);
  });

  it('hybrid search gives the same hits with and without the worker, under every filter', async () => {
    assert.equal(await concurrent.textSearchThread()?.ready(), true);
    const cases: Array<[string, SearchFilters]> = [
      ['garden contract', { collections: ['notes'] }],
      ['réunion lyon budget', { collections: ['notes', 'mail'] }],
      ['invoice deadline', { collections: ['mail'], sender: 'alice' }],
      ['tomato friday plant', { collections: ['notes', 'mail'], pathPrefix: '/docs/home/' }],
      ['meeting paris report', { collections: ['notes', 'mail'], since: Date.UTC(2026, 0, 5), until: Date.UTC(2026, 0, 20) }],
      ['zzz nothing matches', { collections: ['notes'] }],
    ];
    for (const [query, filters] of cases) {
      for (const k of [3, 10]) {
        const expected = (await searchKnowledge(sequential, { query, filters, embedder, k })).hits;
        const actual = (await searchKnowledge(concurrent, { query, filters, embedder, k })).hits;
        assert.deepEqual(actual, expected, `${query} ${JSON.stringify(filters)} k=${k}`);
        if (query !== 'zzz nothing matches')
          assert.ok(
            expected.some((h) => h.bm25Rank !== null),
            query,
          );
      }
    }
    // Several searches in flight at once each get their own answer.
    const queries = cases.map(([query, filters]) => ({ query, filters, embedder, k: 5 }));
    const together = await Promise.all(queries.map(async (q) => (await searchKnowledge(concurrent, q)).hits));
    for (const [i, q] of queries.entries()) assert.deepEqual(together[i], (await searchKnowledge(sequential, q)).hits);
  });

  it('sees writes committed after it started', async () => {
    const thread = concurrent.textSearchThread();
    assert.equal(await thread?.ready(), true);
    const space = concurrent.vectorSpace(embedder.model, 64, 0);
    const fresh = 'quetzalcoatl appears once';
    concurrent.writeFile(
      {
        collection: 'notes',
        path: '/docs/new.md',
        hash: 'n',
        size: 0,
        mtime: 0,
        documents: [{ date: 0, chunks: [{ text: fresh, start: 0, end: fresh.length }] }],
        vectors: { space, values: await embedder.embed([fresh], new AbortController().signal) },
      },
      0,
    );
    const hits = await thread?.search('quetzalcoatl', { collections: ['notes'] }, 5);
    assert.equal(hits?.length, 1);
    assert.deepEqual(
      concurrent.chunks([hits?.[0]?.id ?? -1]).map((c) => c.path),
      ['/docs/new.md'],
    );
  });

  it('is not used for an in-memory database, and search still works', async () => {
    const memory = openStore(':memory:');
    try {
      const db = new KnowledgeDb(memory.db);
      assert.equal(db.textSearchThread(), null);
      assert.deepEqual((await searchKnowledge(db, { query: 'garden', filters: { collections: ['notes'] }, embedder })).hits, []);
    } finally {
      memory.close();
    }
  });

  it('stops when the knowledge index closes; a search then answers null', async () => {
    const other = openStore(join(dir, 'flambeau.db'));
    try {
      const db = new KnowledgeDb(other.db);
      const thread = db.textSearchThread();
      assert.equal(await thread?.ready(), true);
      db.close();
      assert.equal(thread?.isReady, false);
      assert.equal(await thread?.search('garden', { collections: ['notes'] }, 5), null);
      assert.equal(db.textSearchThread(), null);
    } finally {
      other.close();
    }
  });
});
