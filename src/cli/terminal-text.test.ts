import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { printTable } from './table.js';
import { jsonText, safe, terminalSafe, terminalSafeProse } from './terminal-text.js';

/** Anything a terminal acts on or hides; tests assert none of it survives. */
const RAW = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/u;

describe('terminal text', () => {
  it('escapes C0, DEL and C1 controls visibly', () => {
    assert.equal(terminalSafe('a\x1b[2Jb'), 'a\\x1b[2Jb');
    assert.equal(terminalSafe('\x00\x07\x08\t\n\r\x7f\x9b'), '\\x00\\x07\\x08\\x09\\x0a\\x0d\\x7f\\x9b');
    assert.equal(terminalSafe('\x1b]52;c;aGk=\x07'), '\\x1b]52;c;aGk=\\x07');
  });

  it('escapes bidi overrides, isolates and marks, zero-width and other invisible characters', () => {
    assert.equal(terminalSafe('admin\u202egnp.exe'), 'admin\\u{202e}gnp.exe');
    assert.equal(
      terminalSafe('\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u200e\u200f\u061c'),
      '\\u{2066}\\u{2067}\\u{2068}\\u{2069}\\u{202a}\\u{202b}\\u{202c}\\u{202d}\\u{200e}\\u{200f}\\u{61c}',
    );
    assert.equal(terminalSafe('a\u200bb\u200cc\u200dd\u2060e\ufefff\u00adg'), 'a\\u{200b}b\\u{200c}c\\u{200d}d\\u{2060}e\\u{feff}f\\xadg');
    assert.equal(terminalSafe('x\u2028y\u2029z'), 'x\\u{2028}y\\u{2029}z');
    assert.equal(terminalSafe('tag\u{e0041}'), 'tag\\u{e0041}');
    assert.equal(terminalSafe('lone\ud800'), 'lone\\u{d800}');
  });

  it('leaves ordinary text alone, accents, scripts and emoji included', () => {
    for (const text of ['Hôpital Saint-Éloi', 'مرحبا', 'שלום', '東京', 'Ωmega 🚀', 'a\\x1b literal', 'tab-free']) assert.equal(terminalSafe(text), text);
  });

  it('keeps line breaks, tabs and joiners in prose, escapes the rest', () => {
    assert.equal(terminalSafeProse('line 1\n\tline 2\x1b[2J\u202e\r'), 'line 1\n\tline 2\\x1b[2J\\u{202e}\\x0d');
    assert.equal(terminalSafeProse('👩\u200d💻 می\u200cخواهم'), '👩\u200d💻 می\u200cخواهم');
  });

  it('escapes every interpolated value of a `safe` template, never its literal text', () => {
    const name = 'x\x1b[2J\ny';
    assert.equal(safe`Created key "${name}".\n`, 'Created key "x\\x1b[2J\\x0ay".\n');
    assert.equal(safe`${1} and ${null}`, '1 and null');
  });

  it('prints tables with no raw control byte, aligned on the escaped text', () => {
    let out = '';
    printTable(
      ['NAME', 'N'],
      [
        ['\x1b[2J\u202eevil', '1'],
        ['ok', '22'],
      ],
      (t) => (out += t),
    );
    assert.doesNotMatch(out.replace(/\n/g, ''), RAW);
    assert.equal(out, 'NAME                 N\n\\x1b[2J\\u{202e}evil  1\nok                   22\n');
  });

  it('keeps JSON output parseable to the same value, with nothing raw in it', () => {
    const value = { name: 'a\x1b[2J\x7f\x9b\u202e\u200b\u2028\u{e0041}z', n: 1 };
    const text = jsonText(value);
    assert.doesNotMatch(text.replace(/\n/g, ''), RAW);
    assert.deepEqual(JSON.parse(text), value);
  });
});
