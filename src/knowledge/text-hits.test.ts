import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MIGRATIONS } from '../store/migrations.js';
import { openStore, type Store } from '../store/store.js';
import { KnowledgeDb, STEM_BM25_WEIGHTS, type TextIndex } from './db.js';
import { stemTable } from './stem-index.js';
import type { SearchFilters } from './search-filters.js';
import { matchOf, queryWords, textHits } from './text-hits.js';
import { rng } from './__fixtures__/seeded-random.js';

/** Zipf-like words: a few in most chunks, many rare, so queries mix common and rare words. */
function words(random: () => number, n: number): string {
  return Array.from({ length: n }, () => `w${Math.floor(800 * random() ** 2.5)}`).join(' ');
}

const CHUNKS = 24_000; // 'notes' alone above the split search's threshold (20k): BM25 statistics are per collection

describe('BM25 split search (MaxScore over FTS5)', () => {
  let dir: string;
  let store: Store;
  let db: KnowledgeDb;
  /** The FTS5 queries textHits ran for the last search, with the table each ran on. */
  let matches: Array<{ match: string; table: string; within?: string }> = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-text-hits-'));
    store = openStore(join(dir, 'flambeau.db'));
    db = new KnowledgeDb(store.db, { textThread: false, postingsInMemory: false });
    const original = db.searchText.bind(db);
    db.searchText = (match, filters, limit, index, exact, within) => {
      matches.push({ match, table: index?.table ?? 'knowledge_fts', ...(within === undefined ? {} : { within }) });
      return original(match, filters, limit, index, exact, within);
    };
    const random = rng(11);
    for (const collection of ['notes', 'mail']) db.ensureCollection(collection, 0);
    for (let f = 0; f < CHUNKS / 100; f++) {
      const texts = Array.from({ length: 100 }, () => words(random, 30));
      db.writeFile(
        {
          collection: f % 10 === 0 ? 'mail' : 'notes', // notes above the split threshold on its own
          path: `/docs/${f % 2 === 0 ? 'work' : 'home'}/file-${f}.md`,
          hash: String(f),
          size: 0,
          mtime: 0,
          documents: [
            {
              date: 0,
              title: words(random, 3),
              chunks: texts.map((t, i) => ({ text: t, start: 0, end: t.length, ...(i % 5 === 0 ? { heading: words(random, 2) } : {}) })),
            },
          ],
          vectors: null,
        },
        0,
      );
    }
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The reference: every match of every word (but the >50% ones textHits drops) scored by FTS5 in
   * each collection's stemmed index (these made-up words have no stem and no language), merged.
   */
  function everyMatch(query: string, filters: SearchFilters, limit: number): Array<{ id: number; score: number }> {
    const all = queryWords(query);
    return filters.collections
      .flatMap((collection) => {
        const index: TextIndex = { table: stemTable(collection), weights: STEM_BM25_WEIGHTS, collection };
        const { chunks, documents } = db.termFrequencies(all, index);
        const kept = all.filter((w) => (documents.get(w) ?? 0) <= chunks / 2);
        return db.searchText(matchOf(kept.length > 0 ? kept : all), { ...filters, collections: [collection] }, limit, index);
      })
      .sort((a, b) => a.score - b.score || a.id - b.id)
      .slice(0, limit);
  }

  for (const [label, filters] of [
    ['every collection', { collections: ['notes', 'mail'] }],
    ['one collection and a path prefix', { collections: ['notes'], pathPrefix: '/docs/work/' }],
  ] as Array<[string, SearchFilters]>) {
    it(`returns exactly the full query's ids and scores (${label}), taking the split path when the bound allows`, () => {
      const random = rng(23);
      let split = 0;
      let mixed = 0;
      for (let q = 0; q < 60; q++) {
        const query = words(random, 5);
        matches = [];
        const hits = textHits(db, query, filters, 50);
        const ran = [...matches];
        const expected = everyMatch(query, filters, 50);
        assert.deepEqual(
          hits.map((h) => h.id),
          expected.map((h) => h.id),
          `query "${query}"`,
        );
        hits.forEach((h, i) => assert.ok(Math.abs(h.score - (expected[i]?.score ?? Number.NaN)) < 1e-9, `score of ${h.id} for "${query}"`));
        if (ran.some((m) => m.match.includes(' AND ('))) mixed += 1;
        // Split path kept on 'notes' (the collection large enough): only AND and NOT queries ran there, no fallback to every match.
        const notes = ran.filter((m) => m.table === stemTable('notes'));
        if (notes.every((m) => m.match.includes(' AND (') || m.match.includes(' NOT ('))) split += 1;
      }
      assert.ok(mixed >= 20, `queries mixing rare and common words: ${mixed}`);
      assert.ok(split >= 10, `split path taken ${split} of ${mixed} times`);
    });
  }

  it('ranks a large collection from posting lists in memory exactly as FTS5 does, from the second search of a snapshot, writes and deletions included', () => {
    const memory = new KnowledgeDb(store.db, { textThread: false });
    const random = rng(31);
    const compare = (round: string) => {
      for (let q = 0; q < 30; q++) {
        const query = words(random, 5);
        matches = [];
        const hits = textHits(memory, query, { collections: ['notes'] }, 50);
        const expected = everyMatch(query, { collections: ['notes'] }, 50);
        assert.deepEqual(
          hits.map((h) => h.id),
          expected.map((h) => h.id),
          `${round}: query "${query}"`,
        );
        hits.forEach((h, i) => assert.equal(h.score, expected[i]?.score, `${round}: score of ${h.id} for "${query}"`));
      }
    };
    compare('first snapshot');
    const searched = memory.searchText.bind(memory);
    let ranFts = 0;
    memory.searchText = (...args) => ((ranFts += 1), searched(...args));
    textHits(memory, 'w1 w300', { collections: ['notes'] }, 50);
    assert.equal(ranFts, 0, 'ranked in memory, FTS5 not asked');
    // A file replaced and one removed: a new snapshot, which FTS5 answers first, then memory again.
    const random2 = rng(5);
    memory.writeFile(
      {
        collection: 'notes',
        path: '/docs/work/file-1.md',
        hash: 'changed',
        size: 0,
        mtime: 0,
        documents: [
          { date: 0, title: 'w7 w7', chunks: Array.from({ length: 60 }, () => words(random2, 40)).map((t) => ({ text: t, start: 0, end: t.length })) },
        ],
        vectors: null,
      },
      0,
    );
    const removed = memory.file('notes', '/docs/home/file-3.md');
    assert.ok(removed !== undefined);
    memory.removeFile(removed.id);
    textHits(memory, 'w1 w300', { collections: ['notes'] }, 50);
    assert.ok(ranFts > 0, 'the first search of a new snapshot runs on FTS5');
    compare('after writes');
  });

  it('falls back to scoring every match when the rare words match too few chunks', () => {
    matches = [];
    // w3 and w5 are each in about a third of the chunks; the rarest word matches none.
    const query = 'w3 w5 zzznotaword';
    const hits = textHits(db, query, { collections: ['notes', 'mail'] }, 50);
    assert.deepEqual(
      hits.map((h) => h.id),
      everyMatch(query, { collections: ['notes', 'mail'] }, 50).map((h) => h.id),
    );
    assert.ok(hits.length === 50);
    assert.ok(
      matches.some((m) => !m.match.includes(' AND (') && !m.match.includes(' NOT (')),
      `ran: ${matches.map((m) => m.match).join(' | ')}`,
    );
  });
});

describe('letters the tokenizer does not fold', () => {
  it('finds "cœur" as "coeur", "Straße" as "strasse" and a PDF\'s "oﬃce" as "office", including rows indexed before the fold', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-fold-'));
    const path = join(dir, 'flambeau.db');
    const write = (db: KnowledgeDb, file: string, text: string) =>
      db.writeFile(
        {
          collection: 'c',
          path: file,
          hash: file,
          size: 0,
          mtime: 0,
          documents: [{ date: 0, title: 'Œuvres', chunks: [{ text, start: 0, end: text.length }] }],
          vectors: null,
        },
        0,
      );
    try {
      // A store from before migration 11 holds one row already.
      const old = openStore(
        path,
        MIGRATIONS.filter((m) => m.id < 11),
      );
      // Written as that schema's code wrote it (today's writeFile knows columns it lacks).
      old.db.exec(`INSERT INTO knowledge_collections (name, created_at) VALUES ('c', 0);
        INSERT INTO knowledge_files (id, collection, path, hash, size, mtime, documents, ingested_at) VALUES (1, 'c', '/old.md', 'h', 0, 0, 1, 0);
        INSERT INTO knowledge_chunks (file_id, collection, path, doc_index, seq, title, start_offset, end_offset, doc_date, text)
          VALUES (1, 'c', '/old.md', 0, 0, 'Œuvres', 0, 17, 0, 'Le cœur du sujet.');`);
      old.close();
      const store = openStore(path);
      try {
        const db = new KnowledgeDb(store.db, { textThread: false });
        // What createKnowledge does on open: the old row joins the stemmed index (migration 15).
        assert.equal(db.indexPendingStems(), 1);
        write(db, '/new.md', 'Die Straße zum oﬃce, mon cœur.');
        const found = (query: string) =>
          db
            .chunks(textHits(db, query, { collections: ['c'] }, 10).map((h) => h.id))
            .map((c) => c.path)
            .sort();
        assert.deepEqual(found('coeur'), ['/new.md', '/old.md']);
        assert.deepEqual(found('CŒUR'), ['/new.md', '/old.md']);
        assert.deepEqual(found('strasse'), ['/new.md']);
        assert.deepEqual(found('office'), ['/new.md']);
        assert.deepEqual(found('oeuvres'), ['/new.md', '/old.md'], 'titles too');
        // The stored text keeps its letters; a deleted row leaves the index (no stale match).
        assert.equal(db.chunks(textHits(db, 'strasse', { collections: ['c'] }, 1).map((h) => h.id))[0]?.text, 'Die Straße zum oﬃce, mon cœur.');
        const file = db.file('c', '/new.md');
        assert.ok(file !== undefined);
        db.removeFile(file.id);
        assert.deepEqual(found('strasse'), []);
        assert.equal(store.db.prepare("SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH 'coeur'").pluck().get(), 1);
      } finally {
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
