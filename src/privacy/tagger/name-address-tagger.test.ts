import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { privacyConfigSchema } from '../privacy-config.js';
import { createScanner } from '../scanner.js';
import { codeRunAt, createNameAddressTagger } from './name-address-tagger.js';
import { SHIPPED_TAGGER_WEIGHTS, shippedTaggerModel } from './tagger-weights-wire.js';

const tagger = createNameAddressTagger({ types: ['PERSON', 'ADDRESS'], level: 'high' });

function tagged(text: string, detector = tagger): string[] {
  return detector.detect(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

/** The shipped weights' behaviour on fixed examples (names and addresses the rules alone missed, and look-alikes). */
describe('name and address tagger (shipped weights)', () => {
  it('is small: the weights file stays far under 5 MB and loads', () => {
    assert.ok(statSync(SHIPPED_TAGGER_WEIGHTS).size < 5 * 1024 * 1024);
    assert.ok(shippedTaggerModel().weights.length > 0);
  });

  it('finds names whose first name no lexicon holds, with letters beyond Latin-1, and surname first', () => {
    assert.deepEqual(tagged('Merci à Przemysław Wójcik pour son aide.'), ['PERSON:Przemysław Wójcik']);
    assert.deepEqual(tagged('Attendees: Oluwaseun Adeyemi and Kornel Jędrzejewski.'), ['PERSON:Oluwaseun Adeyemi', 'PERSON:Kornel Jędrzejewski']);
    assert.deepEqual(tagged('Présents : FERRAND Odile et Dupont Albert.'), ['PERSON:FERRAND Odile', 'PERSON:Dupont Albert']);
  });

  it('finds lower-case names after a cue', () => {
    assert.deepEqual(tagged("salut, c'est lucas girard"), ['PERSON:lucas girard']);
  });

  it('finds lower-case names with a first name the lexicon knows, without a cue, but not ordinary words', () => {
    assert.deepEqual(tagged('Also present: justine thomas.'), ['PERSON:justine thomas']);
    assert.deepEqual(tagged("je ne devrais pas l'envoyer, la rose est fanée"), []);
  });

  it('keeps the city after a postcode and a state and ZIP code after a city, in lower case', () => {
    assert.deepEqual(tagged('Le patient vit au 351 quai des lombards, 17544 calais, depuis mai.'), ['ADDRESS:351 quai des lombards, 17544 calais']);
    // Not the rest of the sentence after a US state and ZIP code; not the verb before the house number.
    assert.deepEqual(tagged('Send it to 8832 Wisozk Extension, Suite 332, East Ransom, KY 47391 by Friday.'), [
      'ADDRESS:8832 Wisozk Extension, Suite 332, East Ransom, KY 47391',
    ]);
    assert.deepEqual(
      tagged('Mme Aubert, domiciliée 6 impasse du Moulin.').filter((s) => s.startsWith('ADDRESS')),
      ['ADDRESS:6 impasse du Moulin'],
    );
  });

  it('gives the same spans whatever the texts scanned before (its work arrays are lent from scan to scan)', () => {
    const texts = [
      'Attendees: Oluwaseun Adeyemi and Kornel Jędrzejewski, 14 impasse des Glycines, 33700 Mérignac.',
      'ok',
      'Ship to Nieuwe Baan 473, Rotterdam. '.repeat(40),
      'Merci à Przemysław Wójcik pour son aide.',
    ];
    const expected = texts.map((t) => tagged(t, createNameAddressTagger({ types: ['PERSON', 'ADDRESS'], level: 'high' })));
    const reused = createNameAddressTagger({ types: ['PERSON', 'ADDRESS'], level: 'high' });
    for (const round of [0, 1])
      for (const [k, t] of [...texts, ...texts.slice().reverse()].entries()) {
        const index = k < texts.length ? k : 2 * texts.length - 1 - k;
        assert.deepEqual(tagged(t, reused), expected[index], `round ${round}, text ${index}`);
      }
  });

  it('finds addresses written street first, on several lines, and in lower case with a street word', () => {
    assert.deepEqual(tagged('Ship to Nieuwe Baan 473, Rotterdam.'), ['ADDRESS:Nieuwe Baan 473, Rotterdam']);
    assert.deepEqual(tagged('Adresse :\n14 impasse des Glycines\n33700 Mérignac\nMerci.'), ['ADDRESS:14 impasse des Glycines\n33700 Mérignac']);
    assert.deepEqual(tagged('Le patient habite rue du centre 320.'), ['ADDRESS:rue du centre 320']);
  });

  it('finds a name after its initial, and a South Slavic street named by one word before its number', () => {
    assert.deepEqual(tagged('Please forward this to I. MacGyver before noon.'), ['PERSON:I. MacGyver']);
    assert.deepEqual(tagged('Report by J. Smith and K. Lartigue.'), ['PERSON:J. Smith', 'PERSON:K. Lartigue']);
    assert.deepEqual(tagged('Ship to Mlinska 7.'), ['ADDRESS:Mlinska 7']);
    assert.deepEqual(tagged('Dostava na Bjelovarska 349, Osijek.'), ['ADDRESS:Bjelovarska 349']);
    for (const text of ['We fly to Alaska 3 times a year.', 'Nebraska 2024 results are out.', 'Plan A. Budget 2025 approved.'])
      assert.deepEqual(tagged(text), [], text);
  });

  it('leaves places, companies, products, code and ordinary prose alone', () => {
    for (const text of [
      'What is the capital of Brittany? Is Florence older than Victoria?',
      'Invoices from Stone Design LLC and Johns Hopkins Hospital.',
      'Windows 11 and the Galaxy S24 ship on Monday at 6pm.',
      'DB_HOST=10.0.0.1 LOG_LEVEL=debug AccountName=prodlogs',
      'The quarterly review showed steady growth in the Northern region, with revenue up 12% year over year.',
      "Le comité de direction s'est réuni mardi pour examiner le budget 2025.",
    ])
      assert.deepEqual(tagged(text), [], text);
  });

  it('takes no identifier for a name or an address: 2,000 hex ids, hashes, UUIDs, order numbers and versions in sentences', () => {
    const scanner = createScanner(privacyConfigSchema.parse({}));
    let state = 14;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8;
    const of = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[next() % alphabet.length]).join('');
    const HEX = '0123456789abcdef';
    const ids = [
      () => of(HEX, 16),
      () => of(HEX, 16).toUpperCase(),
      () => of(HEX, 7),
      () => of(HEX, 40),
      () => `${of(HEX, 8)}-${of(HEX, 4)}-4${of(HEX, 3)}-a${of(HEX, 3)}-${of(HEX, 12)}`,
      () => `CMD-${2020 + (next() % 6)}-${of('0123456789', 5)}`,
      () => of('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 12),
      () => `v${next() % 20}.${next() % 30}.${next() % 100}`,
    ];
    const sentences = [
      (id: string) => `The build failed at commit ${id}, can you check?`,
      (id: string) => `Please revert ${id} before the release.`,
      (id: string) => `Request id ${id} timed out after 30 s.`,
      (id: string) => `${id} is the id of the failing job.`,
      (id: string) => `Voir le commit ${id} pour le détail.`,
      (id: string) => `Order ${id} shipped on Monday.`,
      (id: string) => `Référence ${id} : colis expédié à Lyon.`,
    ];
    const flagged: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const text = sentences[i % sentences.length]!(ids[i % ids.length]!());
      for (const s of scanner.scan(text).spans) if (s.type === 'PERSON' || s.type === 'ADDRESS') flagged.push(`${s.type}:${text.slice(s.start, s.end)}`);
    }
    assert.deepEqual(flagged.slice(0, 5), []);
    // Addresses keep their short letter-digit mixes.
    assert.deepEqual(tagged('Deliver to Flat 4B, 221B Baker Street, London NW1 6XE.'), ['ADDRESS:Flat 4B, 221B Baker Street, London NW1 6XE']);
  });

  it('cuts a span at an identifier and keeps the rest of the address', () => {
    assert.deepEqual(tagged('Send it to 5 Main Street, Dublin 19275a23e16c799c.'), ['ADDRESS:5 Main Street, Dublin']);
    assert.deepEqual(tagged('Deliver to Nieuwe Baan 473, Rotterdam A7X9K2M4Q1.'), ['ADDRESS:Nieuwe Baan 473, Rotterdam']);
  });

  it('takes postcodes written in one run, and a postcode joined to its city by a hyphen, for no identifier', () => {
    const scanner = createScanner(privacyConfigSchema.parse({}));
    const scanned = (text: string) => scanner.scan(text).spans.map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
    assert.deepEqual(scanned('Livraison au 12 rue de la Paix, 75002-Paris.'), ['ADDRESS:12 rue de la Paix, 75002-Paris']);
    assert.deepEqual(scanned('Adresse : 8 avenue Foch, 75116-Paris.'), ['ADDRESS:8 avenue Foch, 75116-Paris']);
    assert.deepEqual(scanned('Send it to 5 Main Street, Dublin D02X285.'), ['ADDRESS:5 Main Street, Dublin D02X285']);
    assert.deepEqual(scanned('Send it to 5 Main Street, Dublin 2, D02X285.'), ['ADDRESS:5 Main Street, Dublin 2, D02X285']);
    assert.deepEqual(scanned('Adres: Kerkstraat 12, NL-1011AB Amsterdam.'), ['ADDRESS:Kerkstraat 12, NL-1011AB Amsterdam']);
    // The tagger alone, beside the rules that find these too.
    assert.deepEqual(tagged('Deliver to 10 Downing Street, London SW1A2AA.'), ['ADDRESS:10 Downing Street, London SW1A2AA']);
    assert.deepEqual(tagged('Signed by Jean Dupont1987.'), ['PERSON:Jean Dupont']);
    // An id shaped as a postcode is one only after an address.
    assert.deepEqual(scanned('Voir le commit P70EN2W pour le détail.'), []);
    const at = (text: string, part: string) => codeRunAt(text, text.indexOf(part));
    for (const [text, part] of [
      ['75002-Paris', 'Paris'],
      ['75002-Paris', '75002'],
      ['London SW1A2AA', 'SW1A'],
      ['Dublin D02X285', 'D02X'],
      ['NL-1011AB', 'NL'],
      ['Jean Dupont1987', 'Dupont'],
    ])
      assert.equal(at(text!, part!), false, text);
    for (const [text, part] of [
      ['CMD-2024-12345', 'CMD'],
      ['id fba629e3-14c4-4991-abcd-19275a23e16c', '4991'],
      ['commit 19275a23e16c799c', '19275'],
      ['ref CMD7A2B9X41', 'CMD'],
    ])
      assert.equal(at(text!, part!), true, text);
  });

  it('takes a Slavic street name by its ending only before a house number that no word follows (a surname otherwise)', () => {
    assert.deepEqual(tagged('Contact Kowalska 12 tomorrow.'), []);
    assert.deepEqual(tagged('Pani Anna Kowalska 12 lat'), ['PERSON:Anna Kowalska']);
    assert.deepEqual(tagged('Adresa: Vinohradská 12, 120 00 Praha'), ['ADDRESS:Vinohradská 12, 120 00 Praha']);
  });

  it('reports only the enabled types', () => {
    const onlyAddresses = createNameAddressTagger({ types: ['ADDRESS'], level: 'high' });
    assert.deepEqual(tagged('Écrire à Przemysław Wójcik, 14 impasse des Glycines, 33700 Mérignac.', onlyAddresses), [
      'ADDRESS:14 impasse des Glycines, 33700 Mérignac',
    ]);
  });

  it('tags no more at the balanced level than at the high one', () => {
    const balanced = createNameAddressTagger({ types: ['PERSON', 'ADDRESS'], level: 'balanced' });
    for (const text of ['Merci à Przemysław Wójcik pour son aide.', 'Ship to Nieuwe Baan 473, Rotterdam.', 'cc lucas girard; Mei Lin Chen']) {
      assert.ok(tagged(text, balanced).length <= tagged(text).length, text);
    }
  });

  it('runs beside the rules in the scanner: the longer name wins, nothing learnt crosses scans', () => {
    const scanner = createScanner(privacyConfigSchema.parse({}));
    const first = 'Rendez-vous avec Przemysław Wójcik au 14 impasse des Glycines, 33700 Mérignac.';
    const found = scanner.scan(first).spans.map((s) => `${s.type}:${first.slice(s.start, s.end)}`);
    assert.deepEqual(found, ['PERSON:Przemysław Wójcik', 'ADDRESS:14 impasse des Glycines, 33700 Mérignac']);
    assert.deepEqual(scanner.scan('wójcik est un mot inconnu.').spans, []);
  });
});
