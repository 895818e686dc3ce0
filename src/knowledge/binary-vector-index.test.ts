import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../store/store.js';
import { BinaryVectorIndex, cosineDistance } from './binary-vector-index.js';
import { KnowledgeDb, type FileRecord, type VectorSpace } from './db.js';
import { searchKnowledge } from './hybrid-search.js';
import { rng } from './__fixtures__/seeded-random.js';

const DIMS = 40;
const random = rng(7);
const vector = (): Float32Array => Float32Array.from({ length: DIMS }, () => random() * 2 - 1);
const blob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

function file(space: VectorSpace, collection: string, path: string, values: Float32Array[], extra: { date?: number; sender?: string } = {}): FileRecord {
  return {
    collection,
    path,
    hash: path,
    size: 0,
    mtime: 0,
    documents: [
      {
        date: extra.date ?? 0,
        ...(extra.sender === undefined ? {} : { sender: extra.sender }),
        chunks: values.map((_, i) => ({ text: `chunk ${i} of ${path}`, start: 0, end: 1 })),
      },
    ],
    vectors: { space, values },
  };
}

describe('BinaryVectorIndex', () => {
  it('ranks by Hamming distance of centred signs and keeps to the asked collections', () => {
    const rows = [
      { id: 1, collection: 'a', embedding: blob(Float32Array.from([1, 1, 1, 1])) },
      { id: 2, collection: 'a', embedding: blob(Float32Array.from([1, 1, -1, -1])) },
      { id: 3, collection: 'b', embedding: blob(Float32Array.from([1, 1, 1, 0.9])) },
      { id: 4, collection: 'a', embedding: blob(Float32Array.from([-1, -1, -1, -1])) },
    ];
    const index = BinaryVectorIndex.build(4, () => rows);
    assert.equal(index.size, 4);
    const query = Float32Array.from([1, 1, 1, 1]);
    assert.deepEqual(index.nearest(query, ['a'], 3), [1, 2, 4]);
    assert.deepEqual(index.nearest(query, ['a'], 1), [1]);
    assert.deepEqual(index.nearest(query, ['b'], 5), [3]);
    assert.deepEqual(index.nearest(query, ['missing'], 5), []);
  });

  it('finds the same neighbours with the WebAssembly scan as with the JavaScript one, through additions (memory growth) and removals', () => {
    for (const dims of [384, 100]) {
      const r = rng(dims);
      const v = () => Float32Array.from({ length: dims }, () => r() * 2 - 1);
      const rows = Array.from({ length: 3000 }, (_, id) => ({ id, collection: id % 3 === 0 ? 'b' : 'a', embedding: blob(v()) }));
      const wasm = BinaryVectorIndex.build(dims, () => rows, { scan: 'wasm' });
      const js = BinaryVectorIndex.build(dims, () => rows, { scan: 'js' });
      const same = (label: string) => {
        for (let q = 0; q < 10; q++) {
          const query = v();
          assert.deepEqual(wasm.nearest(query, ['a'], 20), js.nearest(query, ['a'], 20), `${label}, ${dims} dims, Hamming order`);
          assert.deepEqual(wasm.nearest(query, ['a', 'b'], 20, 200), js.nearest(query, ['a', 'b'], 20, 200), `${label}, ${dims} dims, estimate`);
        }
      };
      same('built');
      // Past the initial capacity several times: the WebAssembly memory grows under the signs.
      const added = Array.from({ length: 5000 }, (_, i) => ({ id: 10_000 + i, collection: 'a', embedding: blob(v()) }));
      wasm.add(added);
      js.add(added);
      for (let id = 0; id < 3000; id += 7) {
        wasm.remove(id);
        js.remove(id);
      }
      assert.equal(wasm.size, js.size);
      same('after additions and removals');
    }
  });

  it('keeps more of the true nearest when a wider Hamming pool is re-ranked by the asymmetric estimate', () => {
    const dims = 96;
    const r = rng(3);
    const v = () => Float32Array.from({ length: dims }, () => r() * 2 - 1);
    const vectors = Array.from({ length: 4000 }, v);
    const index = BinaryVectorIndex.build(dims, () => vectors.map((e, id) => ({ id, collection: 'a', embedding: blob(e) })));
    let hamming = 0;
    let estimated = 0;
    for (let q = 0; q < 20; q++) {
      const query = v();
      const truth = new Set(
        vectors
          .map((e, id) => ({ id, d: cosineDistance(query, e) }))
          .sort((a, b) => a.d - b.d)
          .slice(0, 10)
          .map((x) => x.id),
      );
      const plain = index.nearest(query, ['a'], 40);
      const pooled = index.nearest(query, ['a'], 40, 400);
      assert.equal(pooled.length, 40);
      assert.equal(new Set(pooled).size, 40);
      hamming += plain.filter((id) => truth.has(id)).length;
      estimated += pooled.filter((id) => truth.has(id)).length;
    }
    // Random vectors are the hard case for sign bits: the estimate must recover clearly more.
    assert.ok(estimated > hamming * 1.15, `true top-10 kept among 40 candidates: ${estimated} with the estimate, ${hamming} by Hamming alone`);
  });

  it('computes the cosine distance as sqlite-vec does', () => {
    assert.equal(cosineDistance(Float32Array.from([1, 0]), Float32Array.from([0, 1])), 1);
    assert.ok(Math.abs(cosineDistance(Float32Array.from([1, 2]), Float32Array.from([2, 4]))) < 1e-6);
  });
});

describe('vector search through the 1-bit index', () => {
  let dir: string;
  let store: Store;
  let fast: KnowledgeDb;
  let exact: KnowledgeDb;
  let space: VectorSpace;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-bits-'));
    store = openStore(join(dir, 'flambeau.db'));
    fast = new KnowledgeDb(store.db, { approximateFrom: 0 });
    exact = new KnowledgeDb(store.db, { approximateFrom: Number.POSITIVE_INFINITY });
    space = fast.vectorSpace('m', DIMS, 0);
    for (const c of ['a', 'b']) fast.ensureCollection(c, 0);
    for (let f = 0; f < 6; f++)
      fast.writeFile(
        file(space, f % 2 === 0 ? 'a' : 'b', `/docs/${f < 3 ? 'x' : 'y'}/${f}.md`, Array.from({ length: 20 }, vector), {
          date: f * 1000,
          sender: f === 1 ? 'Alice <alice@example.org>' : 'Bob',
        }),
        0,
      );
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const same = (filters: Parameters<KnowledgeDb['searchVectors']>[2], limit = 10) => {
    const q = vector();
    const got = fast.searchVectors(space, q, filters, limit);
    const want = exact.searchVectors(space, q, filters, limit);
    assert.deepEqual(
      got.map((h) => h.id),
      want.map((h) => h.id),
    );
    for (const [i, h] of got.entries()) assert.ok(Math.abs(h.distance - (want[i]?.distance ?? Number.NaN)) < 1e-5);
    return got;
  };

  it('matches the exact scan when every candidate is re-scored, with and without filters', () => {
    assert.equal(same({ collections: ['a', 'b'] }).length, 10);
    const onlyA = same({ collections: ['a'] }, 100);
    assert.equal(onlyA.length, 60);
    const ids = new Set(onlyA.map((h) => h.id));
    assert.equal(
      fast.chunks([...ids]).every((c) => c.collection === 'a'),
      true,
    );
    const prefixed = same({ collections: ['a', 'b'], pathPrefix: '/docs/y/' }, 100);
    assert.equal(prefixed.length, 60);
    assert.ok(fast.chunks(prefixed.map((h) => h.id)).every((c) => c.path.startsWith('/docs/y/')));
    const dated = same({ collections: ['a', 'b'], since: 2000, until: 4000 }, 100);
    assert.equal(dated.length, 40);
    assert.equal(same({ collections: ['a', 'b'], sender: 'alice' }, 100).length, 20);
  });

  it('sees writes and deletions made after it was built', () => {
    const target = vector();
    same({ collections: ['a'] });
    const id = fast.writeFile(file(space, 'a', '/docs/new.md', [target]), 0);
    const [top] = fast.searchVectors(space, target, { collections: ['a'] }, 1);
    assert.ok(top !== undefined && top.distance < 1e-5);
    const newChunk = top.id;
    fast.removeFile(id);
    assert.equal(
      fast.searchVectors(space, target, { collections: ['a'] }, 200).some((h) => h.id === newChunk),
      false,
    );
    same({ collections: ['a'] });
  });

  it('sees writes made through another connection', () => {
    const other = openStore(join(dir, 'flambeau.db'));
    try {
      const target = vector();
      same({ collections: ['b'] });
      new KnowledgeDb(other.db).writeFile(file(space, 'b', '/docs/elsewhere.md', [target]), 0);
      const [top] = fast.searchVectors(space, target, { collections: ['b'] }, 1);
      assert.ok(top !== undefined && top.distance < 1e-5);
    } finally {
      other.close();
    }
  });

  it('applies later writes to the built index, from any connection, without reading every vector again', () => {
    const build = BinaryVectorIndex.build.bind(BinaryVectorIndex);
    let builds = 0;
    BinaryVectorIndex.build = (...args) => ((builds += 1), build(...args));
    const other = openStore(join(dir, 'flambeau.db'));
    try {
      same({ collections: ['a', 'b'] });
      const before = builds;
      const elsewhere = new KnowledgeDb(other.db, { approximateFrom: 0 });
      // The newest file, re-ingested with new vectors: SQLite reuses its chunk ids after the delete.
      const first = vector();
      const id = elsewhere.writeFile(file(space, 'a', '/docs/reused.md', [first, vector()]), 0);
      same({ collections: ['a'] });
      const ids = other.db.prepare('SELECT id FROM knowledge_chunks WHERE file_id = ? ORDER BY id').pluck().all(id);
      const second = vector();
      elsewhere.writeFile(file(space, 'a', '/docs/reused.md', [second, vector()]), 0);
      assert.deepEqual(other.db.prepare("SELECT id FROM knowledge_chunks WHERE path = '/docs/reused.md' ORDER BY id").pluck().all(), ids, 'ids reused');
      const [top] = fast.searchVectors(space, second, { collections: ['a'] }, 1);
      assert.ok(top !== undefined && top.id === ids[0] && top.distance < 1e-5);
      assert.equal(fast.searchVectors(space, first, { collections: ['a'] }, 200).filter((h) => h.id === ids[0]).length, 1, 'one entry for the reused id');
      same({ collections: ['a', 'b'] });
      // This connection's own writes and deletions too.
      fast.removeFile(fast.writeFile(file(space, 'b', '/docs/brief.md', [vector()]), 0));
      same({ collections: ['a', 'b'] }, 200);
      assert.equal(builds, before, 'no rebuild');
      // A log trimmed past the index (an ingest elsewhere kept only its last entries): rebuilt, still right.
      elsewhere.writeFile(file(space, 'b', '/docs/late-b.md', [vector()]), 0);
      other.db.prepare('DELETE FROM knowledge_vector_log').run();
      elsewhere.writeFile(file(space, 'b', '/docs/later-b.md', [vector()]), 0);
      same({ collections: ['a', 'b'] }, 200);
      assert.equal(builds, before + 1);
    } finally {
      BinaryVectorIndex.build = build;
      other.close();
    }
  });

  it('copies vectors written before the plain vector table existed', () => {
    store.db.prepare('DELETE FROM knowledge_vectors').run();
    // A process started after the upgrade: its first search builds the index, copying first.
    const upgraded = openStore(join(dir, 'flambeau.db'));
    try {
      const fresh = new KnowledgeDb(upgraded.db, { approximateFrom: 0 });
      const q = vector();
      assert.deepEqual(
        fresh.searchVectors(space, q, { collections: ['a', 'b'] }, 10).map((h) => h.id),
        exact.searchVectors(space, q, { collections: ['a', 'b'] }, 10).map((h) => h.id),
      );
      const copied = upgraded.db.prepare('SELECT COUNT(*) FROM knowledge_vectors').pluck().get();
      assert.equal(copied, upgraded.db.prepare(`SELECT COUNT(*) FROM ${space.table}_rowids`).pluck().get());
    } finally {
      upgraded.close();
    }
  });
});

describe('BM25 with very common words', () => {
  it('drops words most chunks contain, but keeps one when all are common', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-common-'));
    const store = openStore(join(dir, 'flambeau.db'));
    try {
      const db = new KnowledgeDb(store.db);
      db.ensureCollection('c', 0);
      const texts = ['the cat sat', 'the dog ran', 'the bird flew', 'the fish swam', 'a cat and a dog'];
      db.writeFile(
        {
          collection: 'c',
          path: '/t.md',
          hash: 'h',
          size: 0,
          mtime: 0,
          documents: [{ date: 0, chunks: texts.map((text) => ({ text, start: 0, end: text.length })) }],
          vectors: null,
        },
        0,
      );
      assert.equal(db.termFrequencies(['the', 'cat', 'zebra']).documents.get('the'), 4);
      assert.equal(db.termFrequencies(['cat']).chunks, 5);
      const search = async (query: string) =>
        (await searchKnowledge(db, { query, filters: { collections: ['c'] }, embedder: null, k: 10 })).hits.map((h) => h.chunk.text);
      // "the" is in 4 of 5 chunks: only "cat" is searched.
      assert.deepEqual((await search('the cat')).sort(), ['a cat and a dog', 'the cat sat']);
      assert.equal((await search('the')).length, 4);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('vector search under narrow filters', () => {
  it('finds the few chunks a filter allows even when they are far from the query, and a path prefix stops at folder names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-narrow-'));
    const store = openStore(join(dir, 'flambeau.db'));
    try {
      const fast = new KnowledgeDb(store.db, { approximateFrom: 0 });
      const exact = new KnowledgeDb(store.db, { approximateFrom: Number.POSITIVE_INFINITY });
      const space = fast.vectorSpace('m', DIMS, 0);
      fast.ensureCollection('a', 0);
      for (let f = 0; f < 50; f++) fast.writeFile(file(space, 'a', `/docs/bulk/${f}.md`, Array.from({ length: 100 }, vector), { sender: 'Bob' }), 0);
      const query = vector();
      const opposite = (): Float32Array => Float32Array.from(query, (x) => -x + (random() - 0.5) * 0.01);
      fast.writeFile(file(space, 'a', '/docs/x/far.md', [opposite(), opposite(), opposite()], { sender: 'Zed <zed@example.org>' }), 0);
      fast.writeFile(file(space, 'a', '/docs/x-old/near.md', [query], { sender: 'Zed <zed@example.org>' }), 0);
      fast.writeFile(file(space, 'a', '/docs/X/near.md', [query], { sender: 'Zed <zed@example.org>' }), 0);
      for (const db of [fast, exact]) {
        const hits = db.searchVectors(space, query, { collections: ['a'], sender: 'zed', pathPrefix: '/docs/x' }, 3);
        assert.equal(hits.length, 3);
        assert.ok(db.chunks(hits.map((h) => h.id)).every((c) => c.path === '/docs/x/far.md'));
        assert.equal(db.searchVectors(space, query, { collections: ['a'], pathPrefix: '/docs/x/far.md' }, 10).length, 3, 'a file path is a prefix of itself');
      }
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('1-bit index kept current on a space larger than what is re-scored', () => {
  it('finds a vector written after the build, and the current vector of a reused chunk id, by its sign bits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-bits-large-'));
    const store = openStore(join(dir, 'flambeau.db'));
    const other = openStore(join(dir, 'flambeau.db'));
    try {
      const fast = new KnowledgeDb(store.db, { approximateFrom: 0 });
      const space = fast.vectorSpace('m', DIMS, 0);
      fast.ensureCollection('a', 0);
      // 6000 vectors: the Hamming pool (4000) and the exact re-score (400) see only part of them.
      for (let f = 0; f < 60; f++) fast.writeFile(file(space, 'a', `/bulk/${f}.md`, Array.from({ length: 100 }, vector)), 0);
      fast.searchVectors(space, vector(), { collections: ['a'] }, 1); // builds the index
      const elsewhere = new KnowledgeDb(other.db, { approximateFrom: 0 });
      const first = vector();
      const id = elsewhere.writeFile(file(space, 'a', '/late.md', [first]), 0);
      const [found] = fast.searchVectors(space, first, { collections: ['a'] }, 1);
      assert.ok(found !== undefined && found.distance < 1e-5);
      const reused = found.id;
      // Rewritten with another vector: SQLite gives the new chunk the same id.
      const second = vector();
      elsewhere.removeFile(id);
      elsewhere.writeFile(file(space, 'a', '/late.md', [second]), 0);
      const [again] = fast.searchVectors(space, second, { collections: ['a'] }, 1);
      assert.deepEqual([again?.id, (again?.distance ?? 1) < 1e-5], [reused, true]);
      assert.ok(!fast.searchVectors(space, first, { collections: ['a'] }, 5).some((h) => h.distance < 1e-5), 'the old vector is gone');
    } finally {
      other.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
