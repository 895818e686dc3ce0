import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkDocument } from './chunk-document.js';
import { DocumentBuilder } from './source-document.js';

describe('chunkDocument', () => {
  it("joins a long document's short opening section (a title, an intro line) to the next one, not a chunk of its own", () => {
    const builder = new DocumentBuilder();
    builder.add('Rapport annuel 2026', { heading: 'Rapport' });
    const paragraph = 'Le budget du projet a augmenté cette année, et les dépenses ont suivi. '.repeat(10);
    builder.add(paragraph, { heading: 'Rapport > Budget', boundary: true });
    builder.add(paragraph, { heading: 'Rapport > Calendrier', boundary: true });
    const doc = builder.build({ title: 'Rapport' });
    const chunks = chunkDocument(doc, { maxChars: 1200 });
    assert.equal(chunks.length, 2);
    assert.match(chunks[0]?.text ?? '', /^Rapport annuel 2026\n\nLe budget/);
    assert.equal(chunks[0]?.heading, 'Rapport > Budget');
    for (const c of chunks) assert.equal(doc.text.slice(c.start, c.end), c.text);
  });

  it('keeps one chunk per section in a short document', () => {
    const builder = new DocumentBuilder();
    builder.add('Intro.', { heading: 'A' });
    builder.add('Body.', { heading: 'A > B', boundary: true });
    assert.equal(chunkDocument(builder.build()).length, 2);
  });
});
