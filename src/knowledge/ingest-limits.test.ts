import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { SETTINGS } from '../config/settings.js';
import { openStore, type Store } from '../store/store.js';
import { makeDocx, makeDocxBomb, makeMbox, makePdf, makeZip } from './__fixtures__/make-documents.js';
import { KnowledgeDb } from './db.js';
import { ingest } from './ingest.js';
import { DEFAULT_INGEST_LIMITS } from './ingest-limits.js';

const MB = 1024 * 1024;

/** Issue 11, item 7: a file over the bounds is listed as excluded, with the reason, and the run goes on. */
describe('ingest survives bombs', () => {
  let dir: string;
  let store: Store;
  let db: KnowledgeDb;
  const indexedPaths = (collection: string): string[] =>
    store.db.prepare('SELECT DISTINCT path FROM knowledge_chunks WHERE collection = ? ORDER BY path').pluck().all(collection) as string[];
  const folder = (name: string): string => {
    const path = join(dir, name);
    mkdirSync(path);
    writeFileSync(join(path, 'ok.docx'), makeDocx(['# Memo', 'Contract signed on Monday.']));
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-ingest-limits-'));
    store = openStore(join(dir, 'flambeau.db'));
    db = new KnowledgeDb(store.db);
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a DOCX whose XML inflates to 300 MB is excluded, and the next file is indexed', async () => {
    const root = folder('bomb');
    const bomb = await makeDocxBomb(300 * MB);
    assert.ok(bomb.length < 2 * MB, `the bomb is small on disk (${bomb.length} bytes)`);
    writeFileSync(join(root, 'bomb.docx'), bomb);
    const report = await ingest({ db, collection: 'bomb', paths: [root], embedder: null });
    assert.deepEqual([report.total, report.processed, report.indexed, report.failed, report.excluded], [2, 2, 1, 0, 1]);
    assert.equal(report.exclusions[0]?.path, join(root, 'bomb.docx'));
    assert.match(report.exclusions[0]?.reason ?? '', /declares 29\d(\.\d)? MB once inflated, over knowledge\.max_inflated_bytes \(100 MB\)/);
    assert.deepEqual(indexedPaths('bomb'), [join(root, 'ok.docx')]);
  });

  it('a bomb whose headers lie about its size is caught by counting what it really inflates to', async () => {
    const root = folder('liar');
    writeFileSync(join(root, 'liar.docx'), await makeDocxBomb(300 * MB, { declaredSize: 2000 }));
    const report = await ingest({ db, collection: 'liar', paths: [root], embedder: null });
    assert.deepEqual([report.indexed, report.failed, report.excluded], [1, 0, 1]);
    assert.match(report.exclusions[0]?.reason ?? '', /inflates to more than knowledge\.max_inflated_bytes \(100 MB\), whatever its headers say/);
  });

  it('a bomb hidden behind an end record that counts fewer entries than the directory holds is still counted', async () => {
    const root = folder('count');
    const bomb = await makeDocxBomb(300 * MB, { declaredSize: 2000 });
    // The end record's two entry counts say 1: jszip reads every directory header anyway.
    bomb.writeUInt16LE(1, bomb.length - 22 + 8);
    bomb.writeUInt16LE(1, bomb.length - 22 + 10);
    writeFileSync(join(root, 'hidden.docx'), bomb);
    const report = await ingest({ db, collection: 'count', paths: [root], embedder: null });
    assert.deepEqual([report.indexed, report.failed, report.excluded], [1, 0, 1]);
    assert.match(report.exclusions[0]?.reason ?? '', /whatever its headers say/);
  });

  it('a DOCX that inflates more than max_inflate_ratio times its size is excluded, under the byte bound too', async () => {
    const root = folder('ratio');
    const bomb = await makeDocxBomb(40 * MB);
    writeFileSync(join(root, 'dense.docx'), bomb);
    const report = await ingest({ db, collection: 'ratio', paths: [root], embedder: null });
    assert.deepEqual([report.indexed, report.excluded], [1, 1]);
    assert.match(report.exclusions[0]?.reason ?? '', /inflates more than 100 times its size \(knowledge\.max_inflate_ratio\)/);
  });

  it('a DOCX within the bounds whose conversion needs more memory than the worker has is excluded; the process lives on', async () => {
    const root = folder('memory');
    // 8 MB of XML: mammoth needs several hundred MB for it, far over a 64 MB worker heap.
    writeFileSync(join(root, 'heavy.docx'), await makeDocxBomb(8 * MB));
    writeFileSync(join(root, 'then.docx'), makeDocx(['# After', 'Converted by a fresh worker.']));
    const report = await ingest({ db, collection: 'memory', paths: [root], embedder: null, limits: { loaderMemoryMb: 64, maxInflateRatio: 10_000 } });
    assert.deepEqual([report.indexed, report.failed, report.excluded], [2, 0, 1]);
    assert.deepEqual(report.exclusions, [
      { path: join(root, 'heavy.docx'), reason: 'converting it needs more than knowledge.loader_memory_mb (64 MB): not read' },
    ]);
    assert.deepEqual(indexedPaths('memory'), [join(root, 'ok.docx'), join(root, 'then.docx')]);
  });

  it('a zip with too many entries is excluded before it is parsed', async () => {
    const root = folder('entries');
    writeFileSync(join(root, 'many.docx'), makeZip(Array.from({ length: 101 }, (_, i) => [`part${i}.xml`, '<a/>'] as const)));
    const report = await ingest({ db, collection: 'entries', paths: [root], embedder: null, limits: { maxZipEntries: 100 } });
    assert.deepEqual([report.indexed, report.excluded], [1, 1]);
    assert.match(report.exclusions[0]?.reason ?? '', /holds more than 100 entries/);
  });

  it('XML entity expansion ("billion laughs") in a DOCX or an HTML page expands nothing', async () => {
    const root = folder('laughs');
    const entities = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)].join(
      '',
    );
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [${entities}]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>`;
    const docx = makeDocx(['placeholder']);
    writeFileSync(join(root, 'laughs.docx'), makeZip([...unzipNames(docx).filter(([name]) => name !== 'word/document.xml'), ['word/document.xml', xml]]));
    writeFileSync(join(root, 'laughs.html'), `<!DOCTYPE html [${entities}]><html><body><p>&lol9;</p></body></html>`);
    const report = await ingest({ db, collection: 'laughs', paths: [root], embedder: null });
    assert.equal(report.processed, 3);
    const longest = store.db.prepare("SELECT MAX(LENGTH(text)) FROM knowledge_chunks WHERE collection = 'laughs'").pluck().get() as number;
    assert.ok(longest < 1000, `no chunk holds an expansion (longest: ${longest})`);
  });

  it('a PDF over max_pdf_pages and a file over max_file_bytes are excluded', async () => {
    const root = folder('pages');
    writeFileSync(join(root, 'long.pdf'), makePdf(['One.', 'Two.', 'Three.']));
    writeFileSync(join(root, 'short.pdf'), makePdf(['Only page.']));
    writeFileSync(join(root, 'one-line.txt'), 'x'.repeat(4096));
    const report = await ingest({ db, collection: 'pages', paths: [root], embedder: null, limits: { maxPdfPages: 2, maxFileBytes: 4000 } });
    assert.deepEqual([report.indexed, report.failed], [2, 0]);
    assert.deepEqual(report.exclusions, [
      { path: join(root, 'long.pdf'), reason: 'the PDF has 3 pages, over knowledge.max_pdf_pages (2): not read' },
      { path: join(root, 'one-line.txt'), reason: '4 KB, over knowledge.max_file_bytes (3.9 KB): not read' },
    ]);
  });

  it('a mailbox message over max_file_bytes is read past, listed, and the other messages are indexed', async () => {
    const root = join(dir, 'mail');
    mkdirSync(root);
    const mail = (i: number, body: string) => ({
      from: `u${i}@example.org`,
      to: 'me@example.org',
      date: 'Tue, 03 Mar 2026 10:00:00 +0000',
      subject: `Sujet ${i}`,
      body,
    });
    writeFileSync(join(root, 'inbox.mbox'), makeMbox([mail(0, 'Small one.'), mail(1, `${'attachment '.repeat(20_000)}\n`.repeat(20)), mail(2, 'Small two.')]));
    const report = await ingest({ db, collection: 'mail', paths: [root], embedder: null, limits: { maxFileBytes: 64 * 1024 } });
    assert.deepEqual([report.indexed, report.failed, report.documents], [1, 0, 2]);
    assert.equal(report.exclusions.length, 1);
    assert.equal(report.exclusions[0]?.path, `${join(root, 'inbox.mbox')} (message 2)`);
    assert.match(report.exclusions[0]?.reason ?? '', /^4\.\d MB, over knowledge\.max_file_bytes \(64 KB\): not read$/);
    const subjects = store.db.prepare("SELECT subject FROM knowledge_chunks WHERE collection = 'mail' AND seq = 0 ORDER BY doc_index").pluck().all();
    assert.deepEqual(subjects, ['Sujet 0', 'Sujet 2']);
  });

  it('the defaults are the settings table defaults', () => {
    const defaults = Object.fromEntries(SETTINGS.filter((s) => s.key.startsWith('knowledge.') && s.doc.startsWith('Ingest:')).map((s) => [s.key, s.default]));
    assert.deepEqual(defaults, {
      'knowledge.max_file_bytes': DEFAULT_INGEST_LIMITS.maxFileBytes,
      'knowledge.max_inflated_bytes': DEFAULT_INGEST_LIMITS.maxInflatedBytes,
      'knowledge.max_inflate_ratio': DEFAULT_INGEST_LIMITS.maxInflateRatio,
      'knowledge.max_pdf_pages': DEFAULT_INGEST_LIMITS.maxPdfPages,
      'knowledge.loader_memory_mb': DEFAULT_INGEST_LIMITS.loaderMemoryMb,
    });
  });
});

/** The entries of a zip made by makeZip, as [name, text] (stored names and inflated text). */
function unzipNames(zip: Buffer): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (let at = 0; zip.readUInt32LE(at) === 0x04034b50;) {
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const name = zip.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const data = zip.subarray(at + 30 + nameLength, at + 30 + nameLength + size);
    out.push([name, inflateRawSync(data).toString('utf8')]);
    at += 30 + nameLength + size;
  }
  return out;
}
