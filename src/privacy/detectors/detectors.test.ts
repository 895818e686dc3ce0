import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Detector } from '../pii-types.js';
import { addressDetector } from './address-detector.js';
import { creditCardDetector } from './credit-card-detector.js';
import { FlambeauError } from '../../errors/index.js';
import { privacyConfigSchema } from '../privacy-config.js';
import { createScanner } from '../scanner.js';
import { createCustomRegexDetector, customRegexBudgetMs } from './custom-regex-detector.js';
import { emailDetector } from './email-detector.js';
import { frNirDetector } from './fr-nir-detector.js';
import { ibanDetector } from './iban-detector.js';
import { ipAddressDetector } from './ip-address-detector.js';
import { personDetector } from './person-detector.js';
import { phoneDetector } from './phone-detector.js';
import { secretDetector } from './secret-detector.js';
import { usSsnDetector } from './us-ssn-detector.js';
import { createWordListDetector } from './word-list-detector.js';

function found(detector: Detector, text: string): string[] {
  return detector.detect(text).map((s) => text.slice(s.start, s.end));
}

/** [detector, text, values it must find (exactly, in order)] */
const CASES: [Detector, string, string[]][] = [
  [emailDetector, 'Écrire à jean.dupont@exemple.fr.', ['jean.dupont@exemple.fr']],
  [emailDetector, '<a.b+tag@sub.mail.co.uk>, x@y.io', ['a.b+tag@sub.mail.co.uk', 'x@y.io']],
  [emailDetector, '@Component decorator, user@localhost, me@host., twitter @handle', []],
  [phoneDetector, 'Tél. 06 12 34 56 78 ou 01.44.52.87.19 ou 0612345678', ['06 12 34 56 78', '01.44.52.87.19', '0612345678']],
  [
    phoneDetector,
    'Call +33 6 12 34 56 78, +44 20 7946 0958, (415) 555-0132, 1-212-555-0199',
    ['+33 6 12 34 56 78', '+44 20 7946 0958', '(415) 555-0132', '1-212-555-0199'],
  ],
  [phoneDetector, 'International from France: 0033 6 45 78 12 90 and +33 (0)1 44 52 87 19', ['0033 6 45 78 12 90', '+33 (0)1 44 52 87 19']],
  [phoneDetector, 'Le 12/05/2023, commande 2024 12 31, montant 12 34 56 78 90 €, v1.2.3, 00 00 00', []],
  [ibanDetector, 'IBAN : FR76 3000 6000 0112 3456 7890 189 BIC BNPAFRPP', ['FR76 3000 6000 0112 3456 7890 189']],
  [ibanDetector, 'DE44836949235972203271 and GB32 BARC 8443 1802 4332 53.', ['DE44836949235972203271', 'GB32 BARC 8443 1802 4332 53']],
  [ibanDetector, 'Faux : FR71 3195 5459 0454 4091 0317 764, ref AB12 3456 7890 1234', []],
  [
    ibanDetector,
    'iban fr7630006000011234567890189, puis de44 8369 4923 5972 2032 71 and gb32barc84431802433253.',
    ['fr7630006000011234567890189', 'de44 8369 4923 5972 2032 71', 'gb32barc84431802433253'],
  ],
  [
    creditCardDetector,
    'Carte 4111 1111 1111 1111, Amex 3778 684335 32657, MC 5544-8347-8245-0401',
    ['4111 1111 1111 1111', '3778 684335 32657', '5544-8347-8245-0401'],
  ],
  [creditCardDetector, 'Card 4315 8279 4019 9533; order 1234567812345670; 4111 1111 1111 1111 2024', ['4111 1111 1111 1111']],
  [frNirDetector, 'NIR 1 85 05 78 006 084 91, 167032A00412333 et 2 02 12 2B 050 007 38', ['1 85 05 78 006 084 91', '167032A00412333', '2 02 12 2B 050 007 38']],
  [frNirDetector, 'Faux : 182077505612378, commande 185057800608492', []],
  // A wrong key after a cue is still someone's social security number, mistyped.
  [
    frNirDetector,
    'NIR : 1 84 12 75 108 123 99 ; n° SS 284127510812345 ; sécurité sociale 182077505612378',
    ['1 84 12 75 108 123 99', '284127510812345', '182077505612378'],
  ],
  [usSsnDetector, 'SSN 516-69-1507, social security number 004 59 1149', ['516-69-1507', '004 59 1149']],
  [usSsnDetector, '666-12-3456, 000-12-3456, 123-00-4567, phone 415-555-0132, 516 69 1507 without cue', []],
  [
    ipAddressDetector,
    'from 203.0.113.42 and 10.0.0.1; v6 2001:db8::1 and fe80::1ff:fe23:4567:890a',
    ['203.0.113.42', '10.0.0.1', '2001:db8::1', 'fe80::1ff:fe23:4567:890a'],
  ],
  [ipAddressDetector, 'version 10.0.19045.3803, v1.2.3.4, 999.1.1.1, 12:30:45, std::vector, a::b', []],
  [ipAddressDetector, 'Tél. 03 61.21.65.93 ou 05-35.65.16.79 (phones, mixed separators); server 10.20.30.40', ['10.20.30.40']],
  [
    secretDetector,
    'key sk-proj-Xb7Qk29LmZpR4tVw8NcYhJ3sDf6GuA1e and AKIAQ7RZL4MNXW2PTY3B',
    ['sk-proj-Xb7Qk29LmZpR4tVw8NcYhJ3sDf6GuA1e', 'AKIAQ7RZL4MNXW2PTY3B'],
  ],
  [
    secretDetector,
    'ghp_R8sT2vW6yZ0bC4dF7hJ1kM3nP5qS9uX2aE6g, Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abcdefghij',
    ['ghp_R8sT2vW6yZ0bC4dF7hJ1kM3nP5qS9uX2aE6g', 'eyJhbGciOiJIUzI1NiJ9abcdefghij'],
  ],
  [secretDetector, 'password: Soleil2024! et mot de passe : Chamonix#2023.', ['Soleil2024!', 'Chamonix#2023']],
  [secretDetector, 'MISTRAL_API_KEY=Qp8sV2mX7nL4kR9tY6wB3cZ1fH5jD0gA', ['Qp8sV2mX7nL4kR9tY6wB3cZ1fH5jD0gA']],
  [secretDetector, 'postgres://app:S3cr3tPassw0rd@db:5432/prod', ['S3cr3tPassw0rd']],
  // A keyword glued to a word is not one, but the next keyword inside the same words is.
  [secretDetector, 'mytoken: Qp8sV2mX7nL4kR9tY6wB3cZ1fH5jD0gA; xtoken=password: Soleil2024!', ['Soleil2024!']],
  [secretDetector, 'token: string; password = process.env.DB_PASSWORD; apiKey = getKey(); the token is expired; password: ********', []],
  [
    addressDetector,
    'Domicile : 12 rue des Lilas, 69003 Lyon. Bureau : 8 bis avenue Jean-Jaurès, 31000 Toulouse',
    ['12 rue des Lilas, 69003 Lyon', '8 bis avenue Jean-Jaurès, 31000 Toulouse'],
  ],
  [
    addressDetector,
    'Ship to 1842 Maple Avenue, Springfield, IL 62704 or 221B Baker Street, London NW1 6XE',
    ['1842 Maple Avenue, Springfield, IL 62704', '221B Baker Street, London NW1 6XE'],
  ],
  [addressDetector, 'Il a fait 3 rues plus loin; les 2 places restantes; 25 Avenue; 75011 seul', []],
  [personDetector, 'M. Jean-Pierre Dupont et Mme Martin ont vu le Dr Hugo Lefèvre.', ['Jean-Pierre Dupont', 'Martin', 'Hugo Lefèvre']],
  [personDetector, 'Dear Ms. Aoife Brennan, thanks to John F. Kennedy and Anne Le Goff.', ['Aoife Brennan', 'John F. Kennedy', 'Anne Le Goff']],
  [personDetector, 'Salarié : DUPONT Jean-Marc. Plus tard, Dupont a signé.', ['DUPONT Jean-Marc', 'Dupont']],
  [personDetector, 'Bonjour Maëlle, Hello Kwabena!', ['Maëlle', 'Kwabena']],
  [personDetector, 'Le Lundi 4 mars à Paris, la Société Générale et Orange. Will the team finish by June? Grace under pressure. Madame, Monsieur,', []],
  // Places and companies named after people: after "St."/"salle"/"lycée", before "Hospital"/"LLC".
  [personDetector, "Cher Confrère, rendez-vous salle Victor Hugo puis au lycée Jean Moulin. Admitted to St. Mary's, then Sainte-Catherine.", []],
  [personDetector, 'Invoices from Stone Creek Supplies LLC and Warren Mills Consulting Ltd go to Martin Conseil SARL.', []],
  [
    personDetector,
    "Dr Mary Stone (St. Mary's Hospital) met Jean St. Clair and MARIE-CLAIRE Dubois; later Stone called.",
    ['Mary Stone', 'Jean St. Clair', 'MARIE-CLAIRE Dubois', 'Stone'],
  ],
  [phoneDetector, 'UK: 020 7946 0321, 0113 496 0123, 01914980127 and 07911 123456', ['020 7946 0321', '0113 496 0123', '01914980127', '07911 123456']],
];

describe('detectors', () => {
  for (const [detector, text, expected] of CASES) {
    it(`${detector.name}: ${text.slice(0, 60)}`, () => {
      assert.deepEqual(found(detector, text), expected);
    });
  }

  it('report spans with their type and detector name', () => {
    const [span] = emailDetector.detect('a x@y.fr');
    assert.deepEqual(span, { type: 'EMAIL', start: 2, end: 8, detector: 'email' });
  });
});

describe('custom detectors', () => {
  it('find config regexes, using the first capture group when there is one', () => {
    const whole = createCustomRegexDetector({ type: 'ORDER_REF', pattern: 'CMD-\\d{6}' });
    assert.deepEqual(found(whole, 'CMD-123456 et cmd-654321'), ['CMD-123456']);
    const insensitive = createCustomRegexDetector({ type: 'ORDER_REF', pattern: 'CMD-\\d{6}', flags: 'i' });
    assert.deepEqual(found(insensitive, 'CMD-123456 et cmd-654321'), ['CMD-123456', 'cmd-654321']);
    const group = createCustomRegexDetector({ type: 'BADGE', pattern: 'badge (\\d{5})' });
    assert.deepEqual(found(group, 'badge 00471'), ['00471']);
  });

  it('find whole words and phrases of a list, longest first, case-insensitive by default', () => {
    const d = createWordListDetector({ type: 'PROJECT', words: ['Aurora', 'Projet Aurora Nord', 'Élan'] });
    assert.deepEqual(found(d, 'Le projet aurora nord, Aurora, Auroras, élan et Élancourt.'), ['projet aurora nord', 'Aurora', 'élan']);
    const strict = createWordListDetector({ type: 'CLIENT', words: ['Acme'], caseSensitive: true });
    assert.deepEqual(found(strict, 'Acme, ACME, acme'), ['Acme']);
    assert.deepEqual(found(createWordListDetector({ type: 'CLIENT', words: [' '] }), 'anything'), []);
  });

  it('fail when a regex exceeds its time budget on a text, so that on_detector_error applies', () => {
    let clock = 0;
    const slow = createCustomRegexDetector({ type: 'REF', pattern: 'R\\d' }, { now: () => (clock += 1000) });
    assert.throws(
      () => slow.detect('R1 R2 R3'),
      (error: unknown) => error instanceof FlambeauError && error.code === 'internal',
    );
    const text = 'R1 '.repeat(1000);
    const scanner = createScanner(privacyConfigSchema.parse({ detect: ['EMAIL'] }), { detectors: [slow, emailDetector] });
    assert.deepEqual(scanner.scan(`${text} a@b.fr`).failures, [{ detector: 'custom-regex:REF', type: 'REF', errorName: 'FlambeauError' }]);
    let steady = 0;
    const fast = createCustomRegexDetector({ type: 'REF', pattern: 'R\\d' }, { now: () => steady });
    assert.equal(fast.detect(text).length, 1000);
    assert.ok(customRegexBudgetMs(1_048_576) > customRegexBudgetMs(1024));
  });

  it('find a word whose start is inside a rejected match', () => {
    const d = createWordListDetector({ type: 'CLIENT', words: ['ana', 'anab'] });
    assert.deepEqual(found(d, 'xanab ana'), ['ana']);
  });
});
