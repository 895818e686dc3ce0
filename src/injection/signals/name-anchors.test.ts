import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeForModel } from '../normalize-text.js';
import { referenceCorpus } from '../scan-reference-corpus.js';
import { findAddressedToModel, NAME_ANCHORS, spansAroundNames } from './addressed-to-model.js';
import { anchorSearch } from './injection-signal.js';
import { rng } from '../../knowledge/__fixtures__/seeded-random.js';

const search = anchorSearch(NAME_ANCHORS);

/** Names as the patterns spell them, in every case, with and without accents, glued to other pieces. */
function* namedTexts(count: number): Generator<string> {
  const random = rng(0x51ed);
  const next = (n: number): number => Math.floor(random() * n);
  const pieces = [
    'AI',
    'A.I.',
    'I.A.',
    'IA',
    'LLM',
    'GPT',
    'assistante',
    'chatbot',
    'bot',
    'agent',
    'model',
    'modèle',
    'MODÈLE',
    'intelligence artificielle',
    'copilot',
    'Claude',
    'gemini',
    'lecteur automatique',
    'système automatique',
    'outil de tri',
    'outil de résumé',
    'dear ',
    'hey ',
    ', ',
    ': ',
    ' ',
    '\u200b',
    'é',
    'x',
    '\n',
    '! ignore',
    'Ａ',
    '\ud835\udc00',
  ];
  for (let i = 0; i < count; i++) {
    let text = '';
    const length = 2 + next(10);
    for (let j = 0; j < length; j++) {
      const piece = pieces[next(pieces.length)] as string;
      text += next(3) === 0 ? piece.toUpperCase() : next(2) === 0 ? piece.toLowerCase() : piece;
    }
    yield text;
  }
}

describe('NAME_ANCHORS', () => {
  it('are in the folded text wherever the name patterns find a name (corpus and generated texts)', () => {
    let named = 0;
    for (const text of [...referenceCorpus().map((c) => c.text), ...namedTexts(20_000)]) {
      if (spansAroundNames(text).length === 0) continue;
      named++;
      const present = search.present(normalizeForModel(text));
      assert.ok(
        NAME_ANCHORS.some((a) => present.has(a)),
        JSON.stringify(text),
      );
    }
    assert.ok(named > 5000, `${named} texts with a name`);
  });

  it('leave the phrases found unchanged', () => {
    for (const text of [...referenceCorpus().map((c) => c.text), ...namedTexts(5_000), 'Say something short about thing 123.']) {
      assert.deepEqual(findAddressedToModel(text, search.present(normalizeForModel(text))), findAddressedToModel(text), JSON.stringify(text));
    }
  });
});
