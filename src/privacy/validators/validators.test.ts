import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidIban } from './iban-checksum.js';
import { hasCardIssuerPrefix, isLuhnValid } from './luhn.js';
import { isValidNir } from './nir-key.js';
import { isValidSsn } from './ssn-rules.js';

describe('isLuhnValid / hasCardIssuerPrefix', () => {
  it('accepts valid card numbers of the major networks', () => {
    for (const n of ['4111111111111111', '4481131144024265', '5164920831240239', '377868433532657', '6011934072247046', '2221008838737163', '4657249208680']) {
      assert.equal(isLuhnValid(n), true, n);
      assert.equal(hasCardIssuerPrefix(n), true, n);
    }
  });
  it('rejects a changed digit and numbers without an issuer prefix', () => {
    assert.equal(isLuhnValid('4315827940199533'), false);
    assert.equal(isLuhnValid('4481131144024266'), false);
    assert.equal(hasCardIssuerPrefix('1234567812345670'), false); // Luhn-valid, no network
    assert.equal(isLuhnValid('1234567812345670'), true);
    assert.equal(hasCardIssuerPrefix('41111111111111'), false); // Visa has no 14-digit numbers
    assert.equal(isLuhnValid(''), false);
    assert.equal(isLuhnValid('4111 1111'), false);
  });
});

describe('isValidIban', () => {
  it('accepts valid IBANs of several countries', () => {
    for (const n of [
      'FR7630006000011234567890189',
      'FR0407074137484777183417047',
      'DE44836949235972203271',
      'GB32BARC84431802433253',
      'BE98692841407806',
      'CH9267172314301540486',
      'MC8265936877800639436991922',
    ]) {
      assert.equal(isValidIban(n), true, n);
    }
  });
  it('rejects wrong check digits, wrong lengths and lower case', () => {
    assert.equal(isValidIban('FR7130006000011234567890189'), false);
    assert.equal(isValidIban('FR763000600001123456789018'), false);
    assert.equal(isValidIban('DE448369492359722032711'), false);
    assert.equal(isValidIban('fr7630006000011234567890189'), false);
  });
});

describe('isValidNir', () => {
  it('accepts NIRs with their key, Corsica (2A, 2B) included', () => {
    for (const n of ['185057800608491', '291117511203393', '167032A00412333', '202122B05000738', '190022A24700362', '259112B03321157']) {
      assert.equal(isValidNir(n), true, n);
    }
  });
  it('rejects a wrong key, a 2A number keyed as 20, and impossible months or sexes', () => {
    assert.equal(isValidNir('182077505612378'), false);
    assert.equal(isValidNir('264032A01109843'), false);
    // Same digits with 2A read as "20": the key differs, so a naive implementation fails here.
    const naive = String(97 - (Number('1670320004123') % 97)).padStart(2, '0');
    assert.equal(isValidNir(`167032A004123${naive}`), naive === '33');
    assert.equal(isValidNir('185157800608491'), false); // month 15
    assert.equal(isValidNir('585057800608491'), false); // sex 5
  });
});

describe('isValidSsn', () => {
  it('applies the area, group and serial rules', () => {
    assert.equal(isValidSsn('516691507'), true);
    assert.equal(isValidSsn('004591149'), true);
    for (const n of ['000123456', '666123456', '912345678', '123004567', '123450000', '078051120', '12345678']) assert.equal(isValidSsn(n), false, n);
  });
});
