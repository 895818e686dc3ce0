import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeText } from './decode-text.js';

const utf16le = (text: string): Buffer => Buffer.from(text, 'utf16le');
const utf16be = (text: string): Buffer => utf16le(text).swap16();

describe('decodeText', () => {
  const cases: Array<{ name: string; bytes: Buffer; declared?: string; text: string }> = [
    { name: 'UTF-8', bytes: Buffer.from('Réunion à 10 € – œuvre', 'utf8'), text: 'Réunion à 10 € – œuvre' },
    { name: 'UTF-8 with a BOM, the BOM stripped', bytes: Buffer.from('\uFEFFRéunion', 'utf8'), text: 'Réunion' },
    { name: 'Latin-1 bytes', bytes: Buffer.from('Réunion à Noël', 'latin1'), text: 'Réunion à Noël' },
    {
      name: 'windows-1252: € is 0x80, œ is 0x9C, ’ is 0x92',
      bytes: Buffer.from([0x31, 0x30, 0x20, 0x80, 0x20, 0x9c, 0x75, 0x76, 0x72, 0x65, 0x20, 0x6c, 0x92, 0xe9, 0x74, 0xe9]),
      text: '10 € œuvre l’été',
    },
    { name: 'UTF-16 LE with a BOM', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('Réunion 日本')]), text: 'Réunion 日本' },
    { name: 'UTF-16 BE with a BOM', bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be('Réunion')]), text: 'Réunion' },
    { name: 'UTF-16 LE without a BOM', bytes: utf16le('Plain notes about the Réunion budget.'), text: 'Plain notes about the Réunion budget.' },
    { name: 'UTF-16 BE without a BOM', bytes: utf16be('Plain notes about the Réunion budget.'), text: 'Plain notes about the Réunion budget.' },
    { name: 'a declared charset', bytes: Buffer.from([0xd0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]), declared: 'koi8-r', text: 'привет' },
    { name: 'a declared iso-8859-1 reads as windows-1252', bytes: Buffer.from([0x80, 0x20, 0xe9]), declared: 'ISO-8859-1', text: '€ é' },
    { name: 'an unknown declared label: detection', bytes: Buffer.from('Réunion', 'latin1'), declared: 'no-such-charset', text: 'Réunion' },
    { name: 'a wrong UTF-8 claim: detection', bytes: Buffer.from('Réunion', 'latin1'), declared: 'utf-8', text: 'Réunion' },
    { name: 'a BOM beats the declared label', bytes: Buffer.from('\uFEFFRéunion', 'utf8'), declared: 'iso-8859-1', text: 'Réunion' },
    { name: 'no bytes', bytes: Buffer.alloc(0), text: '' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(decodeText(c.bytes, c.declared === undefined ? {} : { declared: c.declared }), c.text);
    });
  }
});
