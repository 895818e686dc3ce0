import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlaceholderRestorer, restoreText } from './restore-text.js';
import { PlaceholderVault } from './vault.js';

function vault(): PlaceholderVault {
  const v = new PlaceholderVault();
  v.placeholderFor('PERSON', 'Jean "Jo" Dupont');
  v.placeholderFor('PERSON', 'Marie Curie');
  v.placeholderFor('EMAIL', 'jean@exemple.fr');
  v.placeholderFor('CREDIT_CARD', '4111 1111 1111 1111');
  v.placeholderFor('PERSON', 'Zoé');
  for (let i = 0; i < 10; i++) v.placeholderFor('PERSON', `Person ${i}`); // PERSON_4..13: PERSON_1 vs PERSON_12 matters
  return v;
}

/** Seeded PRNG: chunkings differ between cases but are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chunked(text: string, v: PlaceholderVault, next: () => number, mode: 'text' | 'json' = 'text'): string {
  const r = new PlaceholderRestorer(v, mode);
  let out = '';
  for (let i = 0; i < text.length;) {
    const size = 1 + Math.floor(next() * 3);
    out += r.push(text.slice(i, i + size));
    i += size;
  }
  return out + r.finish();
}

const MANGLED: [string, string][] = [
  ['<PERSON_2>', 'Marie Curie'],
  ['<Person_2>', 'Marie Curie'],
  ['<person_2>', 'Marie Curie'],
  ['<PERSON 2>', 'Marie Curie'],
  ['<PERSON-2>', 'Marie Curie'],
  ['<PERSON2>', 'Marie Curie'],
  ['PERSON_2', 'Marie Curie'],
  ['[PERSON_2]', 'Marie Curie'],
  ['[[PERSON_2]]', 'Marie Curie'],
  ['{{PERSON_2}}', 'Marie Curie'],
  ['(PERSON_2)', 'Marie Curie'],
  ['< PERSON_2 >', 'Marie Curie'],
  ['&lt;PERSON_2&gt;', 'Marie Curie'],
  ['\\u003cPERSON_2\\u003e', 'Marie Curie'],
  ['<PERSON\\_2>', 'Marie Curie'],
  ['PERSON\\_2', 'Marie Curie'],
  ['[PERSON_2>', 'Marie Curie'],
  ['<CREDIT CARD 1>', '4111 1111 1111 1111'],
  ['<credit_card_1>', '4111 1111 1111 1111'],
  ['CREDIT_CARD_1', '4111 1111 1111 1111'],
];

describe('restoreText', () => {
  for (const [written, value] of MANGLED) {
    it(`restores ${written}`, () => {
      assert.equal(restoreText(`Voir ${written}, merci.`, vault()), `Voir ${value}, merci.`);
    });
  }

  it('restores a placeholder whose closing bracket was dropped', () => {
    assert.equal(restoreText('<PERSON_2 a appelé', vault()), 'Marie Curie a appelé');
  });

  it('leaves alone what is not an unambiguous placeholder of this vault', () => {
    const v = vault();
    for (const text of [
      'person 2 arrived',
      'Person_2 in prose',
      'PERSON_2x',
      'XPERSON_2',
      '<PERSON_99>',
      '<PERSON_14>',
      '<PHONE_1>',
      '<PERSON>',
      '<p>html</p>',
      'PERSON_',
      '<PERSON_1234567>',
      'a < b > c',
      'CREDIT CARD 1',
    ]) {
      assert.equal(restoreText(text, v), text, text);
    }
  });

  it('keeps the angle brackets around a value: <<EMAIL_1>> is what went out for <value>', () => {
    const v = new PlaceholderVault();
    const original = 'From: Mason Brennan <ethan@x.org>\nTo: «Marie Curie» <marie@y.org>';
    const upstream = 'From: <PERSON_1> <<EMAIL_1>>\nTo: «<PERSON_2>» <<EMAIL_2>>';
    v.placeholderFor('PERSON', 'Mason Brennan');
    v.placeholderFor('EMAIL', 'ethan@x.org');
    v.placeholderFor('PERSON', 'Marie Curie');
    v.placeholderFor('EMAIL', 'marie@y.org');
    assert.equal(restoreText(upstream, v), original);
    for (let seed = 1; seed <= 50; seed++) assert.equal(chunked(upstream, v, random(seed)), restoreText(upstream, v), `seed ${seed}`);
    assert.equal(restoreText('<<PERSON_2>>', v), '<Marie Curie>');
    assert.equal(restoreText('&lt;<EMAIL_1>&gt; \\u003c<EMAIL_1>\\u003e', v), '&lt;ethan@x.org&gt; \\u003cethan@x.org\\u003e');
  });

  it('distinguishes PERSON_1 from PERSON_12', () => {
    assert.equal(restoreText('<PERSON_1> & <PERSON_12> & PERSON_1.', vault()), 'Jean "Jo" Dupont & Person 8 & Jean "Jo" Dupont.');
  });

  it('JSON-escapes values in json mode', () => {
    assert.equal(restoreText('{"to":"<PERSON_1>","cc":"\\u003cEMAIL_1\\u003e"}', vault(), 'json'), '{"to":"Jean \\"Jo\\" Dupont","cc":"jean@exemple.fr"}');
    assert.deepEqual(JSON.parse(restoreText('{"to":"<PERSON_1>"}', vault(), 'json')), { to: 'Jean "Jo" Dupont' });
  });

  it('returns the text itself with an empty vault', () => {
    assert.equal(restoreText('<PERSON_1>', new PlaceholderVault()), '<PERSON_1>');
  });
});

describe('PlaceholderRestorer (streaming)', () => {
  const answer =
    'Bonjour <PERSON_1>! Écrivez à <EMAIL_1> ou [PERSON_2]; PERSON_5 et <Person 12> paient avec <CREDIT_CARD_1>. ' +
    'Pas un placeholder : <PERSON_99>, a<b, PERSON_, <<PERSON_3>>, fin PERSON_2';

  it('gives the whole-text result for random 1-3 character chunkings', () => {
    const v = vault();
    const whole = restoreText(answer, v);
    assert.ok(whole.includes('Jean "Jo" Dupont') && whole.endsWith('fin Marie Curie'));
    for (let seed = 1; seed <= 200; seed++) assert.equal(chunked(answer, v, random(seed)), whole, `seed ${seed}`);
  });

  it('gives the whole-text result in json mode for random chunkings', () => {
    const v = vault();
    const args = '{"to":"<PERSON_1>","cc":"\\u003cEMAIL_1\\u003e","list":["PERSON_2","<Person 5>"]}';
    const whole = restoreText(args, v, 'json');
    assert.deepEqual(JSON.parse(whole), { to: 'Jean "Jo" Dupont', cc: 'jean@exemple.fr', list: ['Marie Curie', 'Person 1'] });
    for (let seed = 1; seed <= 100; seed++) assert.equal(chunked(args, v, random(seed), 'json'), whole, `seed ${seed}`);
  });

  it('holds back only a possible placeholder prefix', () => {
    const r = new PlaceholderRestorer(vault());
    assert.equal(r.push('Hello wor'), 'Hello wor');
    assert.equal(r.push('ld <PER'), 'ld ');
    assert.equal(r.push('SON_2'), '');
    assert.equal(r.push('> and P'), 'Marie Curie and ');
    assert.equal(r.push('aris'), 'Paris');
    assert.equal(r.push(' x'), ' x');
    assert.equal(r.finish(), '');
  });

  it('flushes a held prefix unchanged at the end', () => {
    const r = new PlaceholderRestorer(vault());
    assert.equal(r.push('trailing <PERSON_'), 'trailing ');
    assert.equal(r.finish(), '<PERSON_');
  });
});
