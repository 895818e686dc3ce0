import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import metadata from 'libphonenumber-js/metadata.max.json';
import { fastPhoneVerdict, isValidPhoneNumber } from './phone-validity.js';

/** Deterministic pseudo-random digits (the same numbers on every run). */
function digitSource(seed: number): (n: number) => string {
  let state = seed >>> 0;
  return (n) => {
    let out = '';
    for (let i = 0; i < n; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      out += String((state >>> 16) % 10);
    }
    return out;
  };
}

const library = (input: string, country?: CountryCode) => parsePhoneNumberFromString(input, country)?.isValid() === true;

/** [input, default country] pairs of every shape the phone detector produces, and more. */
function cases(): [string, CountryCode | undefined][] {
  const random = digitSource(7);
  const out: [string, CountryCode | undefined][] = [];
  // French national numbers: every 3-digit start of the significant number, twice.
  for (let start = 100; start < 1000; start++) for (let k = 0; k < 2; k++) out.push([`0${start}${random(6)}`, 'FR']);
  // North American numbers: every area code, with random exchanges; the 11-digit "1..." form too.
  for (let area = 200; area < 1000; area++) {
    out.push([`${area}${random(7)}`, 'US']);
    out.push([`${area}${random(7)}`, 'US']);
    if (area % 10 === 0) out.push([`1${area}${random(7)}`, 'US']);
  }
  // UK national numbers and a few other default countries, with wrong lengths among them.
  for (let i = 0; i < 300; i++) out.push([`0${random(1 + (i % 11))}${random(9)}`, (['GB', 'DE', 'BE', 'IT', 'FR'] as const)[i % 5]]);
  // National numbers written with the calling code or the IDD but no "+".
  for (let i = 0; i < 60; i++) {
    out.push([`33${random(9)}`, 'FR'], [`0033${random(9)}`, 'FR'], [`44${random(10)}`, 'GB'], [`011${random(10)}`, 'US'], [`1${random(9 + (i % 3))}`, 'US']);
  }
  // Every calling code: its countries' example numbers, with other last digits, other lengths and a national prefix.
  const byCountry = examples as Record<string, string>;
  for (const [code, countries] of Object.entries(metadata.country_calling_codes)) {
    for (const country of countries) {
      const example = byCountry[country] ?? random(9);
      out.push([`+${code}${example}`, undefined]);
      out.push([`+${code}${example.slice(0, -3)}${random(3)}`, undefined]);
      out.push([`+${code}${example.slice(0, -1)}`, undefined]);
      out.push([`+${code}${example}${random(1)}`, undefined]);
      out.push([`+${code}0${example}`, undefined]);
      out.push([`+${code}${random(4 + (example.length % 8))}`, undefined]);
    }
  }
  for (const code of Object.keys(metadata.nonGeographic)) out.push([`+${code}${random(8)}`, undefined]);
  // Calling codes that do not exist, and a calling code alone.
  for (const input of ['+806232010983', '+422675960240', '+2967700722', '+210820103', '+33', '+1', '+44']) out.push([input, undefined]);
  return out;
}

describe('isValidPhoneNumber', () => {
  const all = cases();

  it('agrees with libphonenumber-js on every shape, valid and invalid', () => {
    let valid = 0;
    for (const [input, country] of all) {
      const expected = library(input, country);
      assert.equal(isValidPhoneNumber(input, country), expected, `${input} (${country ?? 'international'})`);
      if (expected) valid++;
    }
    // Both verdicts occur often: the agreement is not all-false.
    assert.ok(valid > all.length / 4 && valid < (all.length * 3) / 4, `${valid} valid of ${all.length}`);
  });

  it('answers the common shapes itself (French, North American, international), without the library', () => {
    for (const [input, country] of [
      ['0612345678', 'FR'],
      ['0144528719', 'FR'],
      ['4155550132', 'US'],
      ['+33612345678', undefined],
      ['+442079460958', undefined],
      ['+14155550132', undefined],
      ['+4930123456', undefined],
      ['01603555218', 'GB'],
    ] as const) {
      assert.equal(fastPhoneVerdict(input, country), library(input, country), input);
    }
    const fast = all.filter(([input, country]) => fastPhoneVerdict(input, country) !== undefined).length;
    assert.ok(fast > all.length * 0.8, `${fast} of ${all.length} answered without the library`);
  });
});
