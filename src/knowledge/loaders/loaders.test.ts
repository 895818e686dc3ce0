import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeDocx, makeDocxBody, makeEml, makeMbox, makePdf } from '../__fixtures__/make-documents.js';
import { FlambeauError } from '../../errors/index.js';
import { chunkDocument } from '../chunk-document.js';
import { loaderFor } from './loaders.js';
import { splitMbox } from './mbox-loader.js';

async function load(name: string, bytes: Buffer | string) {
  const loader = loaderFor(name);
  assert.ok(loader, `a loader for ${name}`);
  return loader.load(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8'), name);
}

describe('document loaders', () => {
  it('markdown: headings give sections and heading paths; offsets point into the text', async () => {
    const [doc] = await load(
      'notes.md',
      '# Projet\n\nIntro line.\n\n## Budget\n\nThe budget is 10k.\n\n```\ncode\n\nstill code\n```\n\n## Calendrier\n\nRéunion lundi.\n',
    );
    assert.ok(doc);
    assert.equal(doc.title, 'Projet');
    const chunks = chunkDocument(doc);
    assert.deepEqual(
      chunks.map((c) => c.heading),
      ['Projet', 'Projet > Budget', 'Projet > Calendrier'],
    );
    for (const c of chunks) assert.equal(doc.text.slice(c.start, c.end), c.text);
    assert.match(chunks[1]!.text, /code\n\nstill code/);
  });

  it('plain text: paragraphs, and long ones cut at sentence ends under maxChars', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} talks about the budget.`).join(' ');
    const [doc] = await load('a.txt', `First paragraph.\n\n${long}`);
    const chunks = chunkDocument(doc!, { maxChars: 200 });
    assert.ok(chunks.length > 5);
    for (const c of chunks) {
      assert.ok(c.text.length <= 200);
      assert.equal(doc!.text.slice(c.start, c.end), c.text);
    }
    assert.ok(chunks.slice(1, -1).every((c) => c.text.endsWith('.')));
  });

  it('html: skips scripts and styles, keeps the title, headings and entities', async () => {
    const [doc] = await load(
      'page.html',
      '<html><head><title>Guide</title><style>p{}</style></head><body><h1>Accueil</h1><p>Caf&eacute; &amp; th&eacute;</p><script>alert(1)</script><h2>Suite</h2><p>Plus.</p></body></html>',
    );
    assert.equal(doc!.title, 'Guide');
    assert.doesNotMatch(doc!.text, /alert|p\{\}/);
    const chunks = chunkDocument(doc!);
    assert.deepEqual(
      chunks.map((c) => [c.heading, c.text]),
      [
        ['Accueil', 'Café & thé'],
        ['Accueil > Suite', 'Plus.'],
      ],
    );
  });

  it('html: 200,000 nested elements load with all their text (the parser holds at most 512 open; it used to cost the square of the depth)', async () => {
    const n = 100_000;
    const html = `<h1>Deep</h1>${'<div>d'.repeat(n)}<script>hidden()</script>${'<b>b'.repeat(n)}${'</b>'.repeat(n)}${'</div>'.repeat(n)}<h2>After</h2><p>End.</p>`;
    const [doc] = await load('deep.html', html);
    assert.doesNotMatch(doc!.text, /hidden/);
    assert.equal(doc!.text.match(/d/g)?.length, n + 1); // and End.'s
    assert.equal(doc!.text.match(/b/g)?.length, n);
    const chunks = chunkDocument(doc!);
    assert.equal(chunks[0]!.heading, 'Deep');
    assert.deepEqual([chunks.at(-1)!.heading, chunks.at(-1)!.text], ['Deep > After', 'End.']);
  });

  it('pdf: one section per page, the page number kept', async () => {
    const [doc] = await load('report.pdf', makePdf(['Quarterly report\nRevenue grew.', 'Second page about the budget.']));
    const chunks = chunkDocument(doc!);
    assert.deepEqual(
      chunks.map((c) => c.page),
      [1, 2],
    );
    assert.match(chunks[0]!.text, /Quarterly report/);
    assert.match(chunks[1]!.text, /budget/);
  });

  it('docx: content nested thousands deep is refused with a typed error, hundreds deep is read', async () => {
    const nested = (depth: number) =>
      makeDocxBody(`<w:p>${'<w:sdt><w:sdtContent>'.repeat(depth)}<w:r><w:t>deep text</w:t></w:r>${'</w:sdtContent></w:sdt>'.repeat(depth)}</w:p>`);
    assert.equal((await load('deep.docx', nested(400)))[0]?.text, 'deep text');
    await assert.rejects(
      () => load('hostile.docx', nested(6000)),
      (e: unknown) => e instanceof FlambeauError && e.code === 'unsupported_media_type' && /too deeply/.test(e.message),
    );
  });

  it('docx: Word headings and paragraphs', async () => {
    const [doc] = await load('memo.docx', makeDocx(['# Compte rendu', 'La réunion a eu lieu mardi.', 'Décisions & suites.']));
    const chunks = chunkDocument(doc!);
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0]!.heading, 'Compte rendu');
    assert.equal(chunks[0]!.text, 'La réunion a eu lieu mardi.\n\nDécisions & suites.');
  });

  it('eml: sender, date and subject as fields; headers are their own section', async () => {
    const [doc] = await load(
      'm.eml',
      makeEml({
        from: 'Alice Martin <alice@example.org>',
        to: 'bob@example.org',
        date: 'Tue, 03 Mar 2026 10:00:00 +0000',
        subject: 'Facture de mars',
        body: 'Bonjour,\n\nVoici la facture.\n',
      }),
    );
    assert.equal(doc!.sender, 'Alice Martin <alice@example.org>');
    assert.equal(doc!.subject, 'Facture de mars');
    assert.equal(doc!.date, Date.UTC(2026, 2, 3, 10));
    const chunks = chunkDocument(doc!);
    assert.equal(chunks.length, 2);
    assert.match(chunks[0]!.text, /^From: Alice Martin/);
    assert.match(chunks[1]!.text, /Voici la facture/);
  });

  it('mbox: one document per message, quoted From lines restored', async () => {
    const mails = [
      {
        from: 'a@example.org',
        to: 'x@example.org',
        date: 'Mon, 02 Mar 2026 09:00:00 +0000',
        subject: 'One',
        body: 'First message.\nFrom the start it was clear.',
      },
      { from: 'b@example.org', to: 'x@example.org', date: 'Wed, 04 Mar 2026 09:00:00 +0000', subject: 'Two', body: 'Second message.' },
    ];
    const mbox = makeMbox(mails);
    assert.equal(splitMbox(mbox).length, 2);
    const docs = await load('inbox.mbox', mbox);
    assert.deepEqual(
      docs.map((d) => [d.sender, d.subject]),
      [
        ['a@example.org', 'One'],
        ['b@example.org', 'Two'],
      ],
    );
    assert.match(docs[0]!.text, /\nFrom the start it was clear\./);
  });

  it('text: Latin-1 and windows-1252 bytes keep their accents, € (0x80) and œ (0x9C)', async () => {
    const [doc] = await load(
      'cp1252.txt',
      Buffer.concat([Buffer.from('Réunion à Noël.\n\nCoût : 10 ', 'latin1'), Buffer.from([0x80, 0x2c, 0x20, 0x9c]), Buffer.from('uvre.', 'latin1')]),
    );
    assert.equal(doc!.text, 'Réunion à Noël.\n\nCoût : 10 €, œuvre.');
  });

  it('text: UTF-16 LE with a BOM', async () => {
    const [doc] = await load('utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Réunion lundi.\r\n\r\nBudget 10 €.', 'utf16le')]));
    assert.equal(doc!.text, 'Réunion lundi.\n\nBudget 10 €.');
  });

  it('markdown: a UTF-8 BOM is stripped, so the first heading is still a heading', async () => {
    const [doc] = await load('bom.md', Buffer.from('\uFEFF# Réunion\n\nLundi.\n', 'utf8'));
    assert.equal(doc!.title, 'Réunion');
    assert.equal(doc!.text, 'Lundi.');
  });

  it('markdown: windows-1252 bytes', async () => {
    const [doc] = await load('legacy.md', Buffer.concat([Buffer.from('# Café\n\nPrix : 3 ', 'latin1'), Buffer.from([0x80])]));
    assert.equal(doc!.title, 'Café');
    assert.equal(doc!.text, 'Prix : 3 €');
  });

  it('html: the meta charset is honoured (iso-8859-1, and http-equiv)', async () => {
    const meta = await load(
      'latin1.html',
      Buffer.from('<html><head><meta charset="iso-8859-1"><title>Réunion</title></head><body><p>Noël à Paris.</p></body></html>', 'latin1'),
    );
    assert.equal(meta[0]!.title, 'Réunion');
    assert.equal(meta[0]!.text, 'Noël à Paris.');
    // koi8-r: bytes that are valid windows-1252 too, so only the declaration gives the right text.
    const equiv = await load(
      'ru.html',
      Buffer.concat([
        Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=KOI8-R"><p>'),
        Buffer.from([0xd0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]),
        Buffer.from('</p>'),
      ]),
    );
    assert.equal(equiv[0]!.text, 'привет');
  });

  it('has no loader for unsupported formats', () => {
    assert.equal(loaderFor('image.png'), undefined);
  });
});
