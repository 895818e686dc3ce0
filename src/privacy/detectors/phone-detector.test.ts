import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPhoneDetector, phoneDetector } from './phone-detector.js';

function phones(text: string, detector = phoneDetector): string[] {
  return detector.detect(text).map((s) => text.slice(s.start, s.end));
}

describe('phone detector by shape and context (issue 14)', () => {
  it('finds numbers outside allocated ranges: validity raises the score but is not required', () => {
    assert.deepEqual(phones('Numéros : 07.28.60.08.71, 08 76 84 35 10 et +1 415 110 8098.'), ['07.28.60.08.71', '08 76 84 35 10', '+1 415 110 8098']);
  });

  it('finds national formats of other countries, trunk and country codes in brackets, 00 prefixes and extensions', () => {
    assert.deepEqual(phones('Office lines: 9472 7916 (Sydney), 723 813 266 (Prague), +41 (0)85 806 98 67 (Zurich).'), [
      '9472 7916',
      '723 813 266',
      '+41 (0)85 806 98 67',
    ]);
    assert.deepEqual(phones('Appelez le (33) 1 45 56 78 90 ou le 0033 1 45 56 78 91, ou 345-899-3560x4587.'), [
      '(33) 1 45 56 78 90',
      '0033 1 45 56 78 91',
      '345-899-3560x4587',
    ]);
  });

  it('finds six digits in groups and eight in one run after a trunk 0 only after a phone cue', () => {
    assert.deepEqual(phones('My new number is 699 968, text me. Ou joindre Mme Roy au 04730934.'), ['699 968', '04730934']);
    assert.deepEqual(
      phones('Batch 699 968 shipped; 123 456 people; order number 654 321; réf 04730934; dossier 04730934; le 12 03 24; see lines 120-168.'),
      [],
    );
    assert.deepEqual(phones('Call 699 968', createPhoneDetector('balanced')), []);
  });

  it('finds numbers read digit by digit, with a letter O for a zero, or glued to a word', () => {
    assert.deepEqual(phones('Mon portable : 0 6 7 4 2 0 5 1 7 1. Sinon O6 12 34 56 78, ou le06.98.43.40.20.'), [
      '0 6 7 4 2 0 5 1 7 1',
      'O6 12 34 56 78',
      '06.98.43.40.20',
    ]);
  });

  it('leaves dates, times, amounts, order numbers, lab values, cards, IBANs and ZIP+4 codes alone', () => {
    for (const text of [
      'Glycémie à 10:32 06 6246 77 36 mmol, puis 2024-05-17 09:42.',
      'Le 12/05/2023, commande 2024 12 31, montant 12 34 56 78 90 €, v1.2.3, 00 00 00.',
      'Order numbers 100234887 and 100234891; customer number 8801-3345; MRN: 00382-771; routing 121000358.',
      'Carte 4111 1111 1111 1111, IBAN FR24 6107 3587 3557 0636 0607 104, Springfield, IL 62704-6617.',
      'References 2024-000123 and 2024-000124; SSN 078-05-1120; version 10.20.30.41 of the build.',
      'Invoice INV-2024-00871 for $1,249.00; 12 345 678 € in 2019 2020 2021.',
    ])
      assert.deepEqual(phones(text), [], text);
  });

  it('needs firmer evidence at the balanced recall level: an unallocated number without a cue is left', () => {
    const balanced = createPhoneDetector('balanced');
    assert.deepEqual(phones('Relevé : 07.28.60.08.71.', balanced), []);
    assert.deepEqual(phones('Tél. 07.28.60.08.71, mobile 06 12 34 56 78.', balanced), ['07.28.60.08.71', '06 12 34 56 78']);
  });
});
