import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FlambeauError } from '../errors/index.js';
import { openStore, type Store } from '../store/store.js';
import { makeMbox } from './__fixtures__/make-documents.js';
import { hashingEmbedder } from './__fixtures__/hashing-embedder.js';
import { createKnowledge, type Knowledge } from './knowledge.js';
import { matchOf, queryWords } from './text-hits.js';
import type { Embedder } from './embedder.js';

/** The same vector space as `hashingEmbedder()`, with the embedding model down (engine crashed, server gone). */
function downEmbedder(): Embedder & { calls: number } {
  const embedder = {
    model: hashingEmbedder().model,
    calls: 0,
    async embed(_texts: string[], signal: AbortSignal): Promise<Float32Array[]> {
      embedder.calls += 1;
      signal.throwIfAborted();
      throw new FlambeauError('engine_unavailable', 'The embedding engine exited.');
    },
  };
  return embedder;
}

describe('hybrid search', () => {
  let dir: string;
  let store: Store;
  let knowledge: Knowledge;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-search-'));
    store = openStore(join(dir, 'flambeau.db'));
    knowledge = createKnowledge({ db: store.db, embedder: hashingEmbedder() });
    mkdirSync(join(dir, 'notes', 'work'), { recursive: true });
    mkdirSync(join(dir, 'notes', 'home'), { recursive: true });
    writeFileSync(join(dir, 'notes', 'work', 'reunion.md'), '# Réunion de Lyon\n\nLa Réunion budgétaire aura lieu à Lyon jeudi.\n');
    writeFileSync(join(dir, 'notes', 'work', 'other.md'), '# Deadline\n\nThe contract deadline moved to Friday.\n');
    writeFileSync(join(dir, 'notes', 'home', 'garden.md'), '# Garden\n\nPlant tomatoes in the garden in May.\n');
    writeFileSync(join(dir, 'other.txt'), 'The garden contract is in another collection.');
    writeFileSync(
      join(dir, 'notes', 'inbox.mbox'),
      makeMbox([
        {
          from: 'Alice <alice@example.org>',
          to: 'me@example.org',
          date: 'Mon, 02 Feb 2026 09:00:00 +0000',
          subject: 'Invoice',
          body: 'The invoice for the garden work is attached.',
        },
        {
          from: 'Bob <bob@example.org>',
          to: 'me@example.org',
          date: 'Mon, 02 Mar 2026 09:00:00 +0000',
          subject: 'Invoice again',
          body: 'A second invoice for the garden.',
        },
      ]),
    );
    await knowledge.ingest({ collection: 'notes', paths: [join(dir, 'notes')] });
    await knowledge.ingest({ collection: 'misc', paths: [join(dir, 'other.txt')] });
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds case and accents: "reunion" finds "Réunion" (BM25 alone)', async () => {
    const hits = (await knowledge.search('reunion budgetaire', { collections: ['notes'] }, { mode: 'bm25' })).hits;
    assert.equal(hits[0]?.chunk.path, join(dir, 'notes', 'work', 'reunion.md'));
    assert.equal(hits[0]?.chunk.heading, 'Réunion de Lyon');
    assert.ok(hits[0]!.bm25Rank === 1 && hits[0]!.vectorRank === null);
  });

  it('fuses BM25 and vector ranks (RRF) and returns citations', async () => {
    const hits = (await knowledge.search('contract deadline', { collections: ['notes'] }, { k: 3 })).hits;
    const top = hits[0]!;
    assert.equal(top.chunk.path, join(dir, 'notes', 'work', 'other.md'));
    assert.equal(top.bm25Rank, 1);
    assert.equal(top.vectorRank, 1);
    assert.ok(Math.abs(top.score - 2 / 61) < 1e-12);
    assert.equal(top.chunk.text, 'The contract deadline moved to Friday.');
    assert.equal(top.chunk.heading, 'Deadline');
    assert.ok(top.chunk.end > top.chunk.start);
  });

  it('filters by collection, path prefix, sender and date range', async () => {
    const everywhere = (await knowledge.search('garden contract', { collections: ['notes', 'misc'] }, { k: 20 })).hits;
    assert.ok(everywhere.some((h) => h.chunk.collection === 'misc'));
    const notes = (await knowledge.search('garden contract', { collections: ['notes'] }, { k: 20 })).hits;
    assert.ok(notes.length > 0 && notes.every((h) => h.chunk.collection === 'notes'));
    const home = (await knowledge.search('garden', { collections: ['notes'], pathPrefix: join(dir, 'notes', 'home') }, { k: 20 })).hits;
    assert.deepEqual([...new Set(home.map((h) => h.chunk.path))], [join(dir, 'notes', 'home', 'garden.md')]);
    const fromBob = (await knowledge.search('invoice garden', { collections: ['notes'], sender: 'bob@' }, { k: 20 })).hits;
    assert.ok(fromBob.length > 0 && fromBob.every((h) => h.chunk.sender === 'Bob <bob@example.org>'));
    const february = (await knowledge.search('invoice garden', { collections: ['notes'], since: Date.UTC(2026, 1, 1), until: Date.UTC(2026, 2, 1) }, { k: 20 }))
      .hits;
    assert.ok(february.length > 0 && february.every((h) => h.chunk.subject === 'Invoice'));
  });

  it('keeps FTS5 syntax out of the query', async () => {
    assert.equal(matchOf(queryWords('title:"x" OR NEAR(a b) -c*')), '"title" OR "x" OR "or" OR "near" OR "a" OR "b" OR "c"');
    assert.deepEqual(queryWords('?!'), []);
    assert.deepEqual((await knowledge.search('"unbalanced AND (', { collections: ['notes'] }, { mode: 'bm25' })).hits, []);
  });

  it('lists collections with sizes and last ingest', () => {
    const [misc, notes] = knowledge.collections();
    assert.equal(misc?.name, 'misc');
    assert.equal(notes?.files, 4);
    assert.equal(notes?.documents, 5);
    assert.ok((notes?.chunks ?? 0) >= 7 && notes!.lastIngestAt !== null && notes!.bytes > 0);
    assert.equal(knowledge.shareable(['notes']), false);
    knowledge.setShareable('misc', true);
    assert.equal(knowledge.shareable(['misc']), true);
    assert.equal(knowledge.shareable(['misc', 'notes']), false);
    assert.throws(() => knowledge.requireCollections(['nope']), { code: 'not_found' });
  });

  it('retrieves for a follow-up question with the conversation', async () => {
    const retrieval = await knowledge.retrieve(
      [
        { role: 'user', content: 'When is the réunion in Lyon?' },
        { role: 'assistant', content: 'On Thursday.' },
        { role: 'user', content: 'And who organises it?' },
      ],
      ['notes'],
      { tokenBudget: 1000 },
    );
    assert.match(retrieval.query, /^And who organises it\? .*Lyon/);
    assert.equal(retrieval.context.citations[0]?.path, join(dir, 'notes', 'work', 'reunion.md'));
    assert.equal(retrieval.shareable, false);
  });

  it('falls back to BM25 and says so when the embedding model fails; an abort or a vector-only search still fails', async () => {
    const down = downEmbedder();
    const degraded = createKnowledge({ db: store.db, embedder: down });
    const result = await degraded.search('contract deadline', { collections: ['notes'] }, { k: 3 });
    assert.equal(result.degraded, 'vector_unavailable');
    assert.equal(result.hits[0]?.chunk.path, join(dir, 'notes', 'work', 'other.md'));
    assert.ok(result.hits.every((h) => h.vectorRank === null && h.bm25Rank !== null));
    assert.equal(down.calls, 1);
    assert.equal((await knowledge.search('contract deadline', { collections: ['notes'] })).degraded, null);
    const retrieval = await degraded.retrieve([{ role: 'user', content: 'When is the contract deadline?' }], ['notes'], { tokenBudget: 1000 });
    assert.equal(retrieval.degraded, 'vector_unavailable');
    assert.equal(retrieval.context.citations[0]?.path, join(dir, 'notes', 'work', 'other.md'));
    const aborted = AbortSignal.abort();
    await assert.rejects(degraded.search('contract deadline', { collections: ['notes'] }, { signal: aborted }), (e: unknown) => e === aborted.reason);
    await assert.rejects(
      degraded.retrieve([{ role: 'user', content: 'deadline?' }], ['notes'], { tokenBudget: 1000, signal: aborted }),
      (e: unknown) => e === aborted.reason,
    );
    await assert.rejects(degraded.search('contract deadline', { collections: ['notes'] }, { mode: 'vector' }), { code: 'engine_unavailable' });
    degraded.close();
  });

  it("a vector search without an embedding model is the caller's mistake, not an empty list", async () => {
    const wordsOnly = createKnowledge({ db: store.db, embedder: null });
    await assert.rejects(wordsOnly.search('contract', { collections: ['notes'] }, { mode: 'vector' }), { code: 'invalid_request', param: 'mode' });
    assert.ok((await wordsOnly.search('contract', { collections: ['notes'] })).hits.length > 0);
    wordsOnly.close();
  });

  it('skips retrieval for a question without letters or digits, with nothing quoted', async () => {
    const embedder = hashingEmbedder();
    const counted = createKnowledge({ db: store.db, embedder });
    for (const question of ['???', ' !! ', '…?']) {
      const retrieval = await counted.retrieve(
        [
          { role: 'user', content: 'When is the réunion in Lyon?' },
          { role: 'assistant', content: 'On Thursday.' },
          { role: 'user', content: question },
        ],
        ['notes'],
        { tokenBudget: 1000 },
      );
      assert.equal(retrieval.skipped, 'no_search_terms');
      assert.deepEqual([retrieval.hits.length, retrieval.context.citations.length, retrieval.context.usedTokens, retrieval.context.text], [0, 0, 0, '']);
    }
    assert.equal(embedder.calls, 0);
    const asked = await counted.retrieve([{ role: 'user', content: 'réunion Lyon' }], ['notes'], { tokenBudget: 1000 });
    assert.equal(asked.skipped, null);
    assert.ok(asked.context.citations.length > 0);
    counted.close();
  });
});
