import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pacer, runSync, scanPaced, CHUNK_CHARS } from './paced-scan.js';
import { privacyConfigSchema } from './privacy-config.js';
import { originalRange, scanViewOf } from './scan-view.js';
import { createScanner } from './scanner.js';

const scanner = createScanner(privacyConfigSchema.parse({}));

/** The values found in `text`, as spans of the ORIGINAL text. */
function found(text: string): string[] {
  return runSync(scanPaced(scanner, text, new Pacer())).spans.map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe('scanViewOf', () => {
  it('is the text itself, with no offset table, when nothing needs undoing', () => {
    const text = 'Le comité se réunit mardi à 10 h.\nMerci.';
    const view = scanViewOf(text);
    assert.equal(view.text, text);
    assert.equal(view.segments, undefined);
    // ASCII alone skips the NFKC comparison: the same view either way.
    const ascii = 'Say something short about thing 123.';
    assert.equal(ascii.normalize('NFKC'), ascii);
    assert.deepEqual(scanViewOf(ascii), { text: ascii, segments: undefined });
    // Past ASCII, NFKC still decides: a full-width digit is folded.
    assert.equal(scanViewOf('thing \uff11').text, 'thing 1');
  });

  it('maps every view character back to the original range it came from', () => {
    const text = 'a\u200bb%40c&#64;d\uff11';
    const view = scanViewOf(text);
    assert.equal(view.text, 'ab@c@d1');
    assert.deepEqual(originalRange(view, 2, 3), { start: 3, end: 6 }); // %40
    assert.deepEqual(originalRange(view, 4, 5), { start: 7, end: 12 }); // &#64;
    assert.deepEqual(originalRange(view, 6, 7), { start: 13, end: 14 }); // full-width 1
  });

  it('keeps a lone % or & and line breaks between words', () => {
    assert.equal(scanViewOf('50 % & co%zz\nfin').text, '50 % & co%zz\nfin');
    assert.equal(scanViewOf('3000 \n 6000').text, '3000 6000');
  });
});

describe('scanPaced finds values written to slip past the detectors, as spans of the original text', () => {
  const cases: [string, string, string[]][] = [
    ['zero-width characters inside an e-mail', 'Écris à claire\u200b.martin@exa\u200dmple.fr', ['EMAIL:claire\u200b.martin@exa\u200dmple.fr']],
    ['bidi controls inside an IBAN', 'IBAN FR76 3000\u202e 6000 0112 3456 7890 189', ['IBAN:FR76 3000\u202e 6000 0112 3456 7890 189']],
    [
      'full-width digits in a phone number',
      'Tél. \uff10\uff16 \uff11\uff12 \uff13\uff14 \uff15\uff16 \uff17\uff18',
      ['PHONE:\uff10\uff16 \uff11\uff12 \uff13\uff14 \uff15\uff16 \uff17\uff18'],
    ],
    ['a line break inside the groups of an IBAN', 'Mon IBAN : FR76 3000 6000\n0112 3456 7890 189 merci', ['IBAN:FR76 3000 6000\n0112 3456 7890 189']],
    ['a URL-encoded e-mail', 'https://x.example/?to=claire.martin%40example.fr&x=1', ['EMAIL:claire.martin%40example.fr']],
    ['an HTML-entity e-mail', 'claire.martin&#64;example&period;fr', ['EMAIL:claire.martin&#64;example&period;fr']],
    ['a lower-case compact IBAN', 'iban fr7630006000011234567890189.', ['IBAN:fr7630006000011234567890189']],
    ['a French phone number with NBSP and narrow spaces', 'appelez le 06\u00a012\u202f34 56 78', ['PHONE:06\u00a012\u202f34 56 78']],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.deepEqual(found(text), expected));
  }

  it('finds a value on the edge of two chunks of a long text, once', () => {
    const filler = 'x '.repeat(CHUNK_CHARS / 2 - 10);
    const text = `${filler}claire.martin@example.fr ${'y '.repeat(CHUNK_CHARS)}FR76 3000 6000 0112 3456 7890 189`;
    assert.ok(text.indexOf('@') > CHUNK_CHARS - 40 && text.indexOf('@') < CHUNK_CHARS + 40);
    assert.deepEqual(found(text), ['EMAIL:claire.martin@example.fr', 'IBAN:FR76 3000 6000 0112 3456 7890 189']);
  });

  it('pauses inside a long text so that the event loop can run', () => {
    const text = 'Bonjour, '.repeat(100_000);
    const work = scanPaced(scanner, text, new Pacer());
    let pauses = 0;
    for (let step = work.next(); step.done !== true; step = work.next()) pauses++;
    assert.ok(pauses >= Math.floor(text.length / CHUNK_CHARS), `only ${pauses} pauses`);
  });
});
