import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../store/store.js';
import { calibrateFusion } from './calibrate-fusion.js';
import { KnowledgeDb } from './db.js';
import type { Embedder } from './embedder.js';
import { hashingEmbedder } from './__fixtures__/hashing-embedder.js';
import { rng } from './__fixtures__/seeded-random.js';
import { detectLanguage } from './languages.js';
import { stemmedText, wordsOf } from './analyze-text.js';
import { textHits } from './text-hits.js';

const NOTES: Array<[string, string, string]> = [
  ['/fr/reunions.md', 'Réunions', "Les réunions d'équipe ont lieu chaque lundi matin au bureau."],
  ['/fr/impots.md', 'Impôts', 'La déclaration des revenus se fait en ligne avant la fin du mois de mai.'],
  ['/en/retrieval.md', 'Retrieval', 'The search engine retrieves the documents that match the words of a question.'],
  ['/en/garden.md', 'Garden', 'Tomatoes are planted in May, after the last frost, and watered in the evening.'],
  ['/en/phrase.md', 'Phrase', 'The quick brown fox jumps over the lazy dog near the river bank.'],
  ['/en/other.md', 'Other', 'A brown dog and a quick fox: the bank of the river was lazy that day.'],
];

function seeded(): { db: KnowledgeDb; close(): void } {
  const store = openStore(':memory:');
  const db = new KnowledgeDb(store.db, { textThread: false });
  db.ensureCollection('notes', 0);
  for (const [path, title, text] of NOTES)
    db.writeFile(
      {
        collection: 'notes',
        path,
        hash: path,
        size: 0,
        mtime: 0,
        documents: [{ date: 0, title, chunks: [{ text, start: 0, end: text.length }] }],
        vectors: null,
      },
      0,
    );
  return { db, close: () => store.close() };
}

const found = (db: KnowledgeDb, query: string): string[] => db.chunks(textHits(db, query, { collections: ['notes'] }, 10).map((h) => h.id)).map((c) => c.path);

describe('stemmed BM25 index', () => {
  it('tells French from English by their stop words, and says nothing on a list of keywords', () => {
    assert.equal(detectLanguage(wordsOf("La réunion d'équipe est prévue lundi au bureau.")), 'fr');
    assert.equal(detectLanguage(wordsOf('The meeting of the team is on Monday at the office.')), 'en');
    assert.equal(detectLanguage(wordsOf('reunion equipe lundi')), null);
  });

  it('stems and folds the same way at index and query time, without stop words', () => {
    assert.equal(stemmedText('Les réunions du lundi', 'fr'), 'reunion lund');
    assert.equal(stemmedText('retrieval of the retrieved documents', 'en'), 'retriev retriev document');
  });

  it('finds other forms of a word in French and English, with or without accents', () => {
    const { db, close } = seeded();
    try {
      assert.deepEqual(found(db, 'reunion'), ['/fr/reunions.md']);
      assert.deepEqual(found(db, 'la réunion du lundi'), ['/fr/reunions.md']);
      assert.deepEqual(found(db, 'déclarer ses revenus'), ['/fr/impots.md']);
      assert.equal(found(db, 'retrieval of documents')[0], '/en/retrieval.md');
      assert.equal(found(db, 'when to plant tomato')[0], '/en/garden.md');
    } finally {
      close();
    }
  });

  it('drops stop words (a query of stop words only still searches, on the exact index)', () => {
    const { db, close } = seeded();
    try {
      // "the" and "of" are in most chunks: without them "lazy" alone ranks.
      assert.deepEqual(found(db, 'the of lazy').sort(), ['/en/other.md', '/en/phrase.md']);
      assert.ok(found(db, 'the').length > 0);
    } finally {
      close();
    }
  });

  it('keeps a quoted phrase exact', () => {
    const { db, close } = seeded();
    try {
      assert.deepEqual(found(db, 'brown fox').sort(), ['/en/other.md', '/en/phrase.md']);
      assert.deepEqual(found(db, '"quick brown fox"'), ['/en/phrase.md']);
      assert.deepEqual(found(db, '"brown dog" river'), ['/en/other.md']);
    } finally {
      close();
    }
  });

  it('keeps BM25 statistics per collection: what another collection holds does not move the scores', () => {
    const { db, close } = seeded();
    try {
      const before = textHits(db, 'brown fox river', { collections: ['notes'] }, 10);
      db.ensureCollection('other', 0);
      const text = 'brown fox river '.repeat(20);
      db.writeFile(
        {
          collection: 'other',
          path: '/x.md',
          hash: 'x',
          size: 0,
          mtime: 0,
          documents: [{ date: 0, chunks: Array.from({ length: 30 }, () => ({ text, start: 0, end: text.length })) }],
          vectors: null,
        },
        0,
      );
      assert.deepEqual(textHits(db, 'brown fox river', { collections: ['notes'] }, 10), before);
    } finally {
      close();
    }
  });
});

describe('fusion calibration', () => {
  async function calibrated(embedder: Embedder): Promise<number> {
    const store = openStore(':memory:');
    try {
      const db = new KnowledgeDb(store.db, { textThread: false });
      db.ensureCollection('c', 0);
      const random = rng(5);
      const topics = ['garden tomato water soil', 'invoice payment bank tax', 'train ticket hotel travel', 'doctor health patient care'];
      for (let d = 0; d < 40; d++) {
        const topic = (topics[d % topics.length] as string).split(' ');
        const sentence = () => `${Array.from({ length: 8 }, () => topic[Math.floor(random() * topic.length)]).join(' ')} word${Math.floor(random() * 500)}.`;
        const chunks = Array.from({ length: 3 }, () => [sentence(), sentence()].join(' ')).map((text) => ({ text, start: 0, end: text.length }));
        const vectors = await embedder.embed(
          chunks.map((c) => c.text),
          new AbortController().signal,
        );
        const space = db.vectorSpace(embedder.model, (vectors[0] as Float32Array).length, 0);
        db.writeFile(
          {
            collection: 'c',
            path: `/d${d}`,
            hash: String(d),
            size: 0,
            mtime: 0,
            documents: [{ date: 0, title: `note ${d} ${topic[0]}`, chunks }],
            vectors: { space, values: vectors },
          },
          0,
        );
      }
      const result = await calibrateFusion(db, embedder, 'c', new AbortController().signal);
      assert.ok(result.queries >= 5);
      assert.equal(result.mrr.length, 6);
      return result.weight;
    } finally {
      store.close();
    }
  }

  it('gives no weight to an embedder that knows nothing', async () => {
    const random = rng(1);
    const noise: Embedder = { model: 'noise', embed: async (texts) => texts.map(() => Float32Array.from({ length: 16 }, () => random() - 0.5)) };
    assert.equal(await calibrated(noise), 0);
  });

  it('measures a weight between 0 and 1 for a bag-of-words embedder', async () => {
    const weight = await calibrated(hashingEmbedder(64));
    assert.ok(weight >= 0 && weight <= 0.8);
  });
});
