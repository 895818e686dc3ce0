import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, symlinkSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '../store/store.js';
import { makeDocx, makeEml, makeMbox, makePdf } from './__fixtures__/make-documents.js';
import { hashingEmbedder } from './__fixtures__/hashing-embedder.js';
import { KnowledgeDb } from './db.js';
import { ingest } from './ingest.js';

function chunkCounts(store: Store): Array<{ path: string; n: number }> {
  return store.db.prepare('SELECT path, COUNT(*) AS n FROM knowledge_chunks GROUP BY path ORDER BY path').all() as Array<{ path: string; n: number }>;
}

function vectorCount(db: KnowledgeDb): number {
  return db.vectorSpaces().reduce((sum, s) => sum + (db.db.prepare(`SELECT COUNT(*) FROM ${s.table}`).pluck().get() as number), 0);
}

describe('ingest', () => {
  let dir: string;
  let store: Store;
  let db: KnowledgeDb;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-ingest-'));
    store = openStore(join(dir, 'flambeau.db'));
    db = new KnowledgeDb(store.db);
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes every format, recursively; re-runs skip unchanged files; changed and deleted ones are handled', async () => {
    const docs = join(dir, 'docs');
    mkdirSync(join(docs, 'sub', 'deeper'), { recursive: true });
    mkdirSync(join(docs, '.hidden'));
    writeFileSync(join(docs, 'a.md'), '# Titre\n\nLa réunion budget est lundi.\n');
    writeFileSync(join(docs, 'b.txt'), 'Plain text about the invoice.');
    writeFileSync(join(docs, 'sub', 'c.html'), '<h1>Page</h1><p>Weather in Paris.</p>');
    writeFileSync(join(docs, 'sub', 'd.pdf'), makePdf(['Page one.', 'Page two.']));
    writeFileSync(join(docs, 'sub', 'deeper', 'e.docx'), makeDocx(['# Memo', 'Contract signed.']));
    writeFileSync(
      join(docs, 'sub', 'f.eml'),
      makeEml({ from: 'alice@example.org', to: 'b@example.org', date: 'Tue, 03 Mar 2026 10:00:00 +0000', subject: 'Hello', body: 'Body.' }),
    );
    writeFileSync(
      join(docs, 'g.mbox'),
      makeMbox(
        [1, 2, 3].map((i) => ({
          from: `u${i}@example.org`,
          to: 'x@example.org',
          date: 'Tue, 03 Mar 2026 10:00:00 +0000',
          subject: `S${i}`,
          body: `Message ${i}.`,
        })),
      ),
    );
    writeFileSync(join(docs, 'ignored.png'), 'not text');
    writeFileSync(join(docs, '.hidden', 'secret.md'), 'hidden');
    writeFileSync(join(docs, 'broken.pdf'), 'this is not a pdf');
    const embedder = hashingEmbedder();
    const progress: number[] = [];
    const first = await ingest({ db, collection: 'notes', paths: [docs], embedder, onProgress: (p) => progress.push(p.processed) });
    assert.equal(first.total, 8);
    assert.equal(first.indexed, 7);
    assert.equal(first.failed, 1);
    assert.equal(first.failures[0]?.path, join(docs, 'broken.pdf'));
    assert.ok(first.failures[0]!.reason.length > 0);
    assert.equal(first.documents, 9); // 6 single documents + 3 messages
    assert.equal(progress.at(-1), 8);
    const chunks = first.chunks;
    assert.equal(vectorCount(db), chunks);
    assert.equal(db.collections()[0]?.files, 7);

    const again = await ingest({ db, collection: 'notes', paths: [docs], embedder });
    assert.deepEqual([again.indexed, again.skipped, again.removed, again.failed], [0, 7, 0, 1]);
    assert.equal(vectorCount(db), chunks);

    // A touched but identical file is still skipped (content hash, not mtime).
    utimesSync(join(docs, 'b.txt'), new Date(), new Date(Date.now() + 5_000));
    writeFileSync(join(docs, 'a.md'), '# Titre\n\nLa réunion est déplacée à mardi.\n\n## Suite\n\nBudget validé.\n');
    rmSync(join(docs, 'sub', 'c.html'));
    const third = await ingest({ db, collection: 'notes', paths: [docs], embedder });
    assert.deepEqual([third.indexed, third.skipped, third.removed], [1, 5, 1]);
    const counts = chunkCounts(store);
    assert.equal(counts.find((c) => c.path.endsWith('a.md'))?.n, 2);
    assert.equal(
      counts.some((c) => c.path.endsWith('c.html')),
      false,
    );
    assert.equal(
      vectorCount(db),
      counts.reduce((s, c) => s + c.n, 0),
    );
    const text = store.db.prepare("SELECT text FROM knowledge_chunks WHERE path LIKE '%a.md' ORDER BY seq").pluck().all();
    assert.deepEqual(text, ['La réunion est déplacée à mardi.', 'Budget validé.']);
  });

  it('re-embeds when the embedding model changes', async () => {
    const folder = join(dir, 'model-change');
    mkdirSync(folder);
    writeFileSync(join(folder, 'x.md'), 'Some words.');
    await ingest({ db, collection: 'models', paths: [folder], embedder: hashingEmbedder(64, 'model-a') });
    const same = await ingest({ db, collection: 'models', paths: [folder], embedder: hashingEmbedder(64, 'model-a') });
    assert.equal(same.skipped, 1);
    const other = await ingest({ db, collection: 'models', paths: [folder], embedder: hashingEmbedder(32, 'model-b') });
    assert.equal(other.indexed, 1);
  });

  it('lists unreadable files with the reason and goes on', async () => {
    const folder = join(dir, 'unreadable');
    mkdirSync(folder);
    writeFileSync(join(folder, 'ok.txt'), 'fine');
    // A link to nowhere cannot be read by anyone, root included (a mode-000 file can by root).
    symlinkSync(join(folder, 'missing-target.txt'), join(folder, 'dangling.txt'));
    const report = await ingest({ db, collection: 'locked', paths: [folder], embedder: null });
    assert.equal(report.indexed, 1);
    assert.equal(report.failures[0]?.path, join(folder, 'dangling.txt'));
    assert.match(report.failures[0]?.reason ?? '', /ENOENT/);
  });

  it('reports a missing path and removes what was indexed under it', async () => {
    const folder = join(dir, 'gone');
    mkdirSync(folder);
    writeFileSync(join(folder, 'x.txt'), 'text');
    await ingest({ db, collection: 'gone', paths: [folder], embedder: null });
    rmSync(folder, { recursive: true });
    const report = await ingest({ db, collection: 'gone', paths: [folder], embedder: null });
    assert.equal(report.removed, 1);
    assert.match(report.failures[0]?.reason ?? '', /ENOENT/);
  });

  it('a run killed mid-way resumes without duplicates', async () => {
    const folder = join(dir, 'killed');
    mkdirSync(folder);
    for (let i = 0; i < 6; i++) writeFileSync(join(folder, `n${i}.md`), `# Note ${i}\n\nFirst paragraph ${i}.\n\n## Part\n\nSecond paragraph ${i}.\n`);
    const dbPath = join(dir, 'killed.db');
    openStore(dbPath).close();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./__fixtures__/ingest-child.ts', import.meta.url)), dbPath, folder], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (data: Buffer) => {
        out += data.toString();
        if (/processed 2\n/.test(out)) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    assert.doesNotMatch(out, /done/);
    const resumedStore = openStore(dbPath);
    try {
      const resumedDb = new KnowledgeDb(resumedStore.db);
      const before = resumedStore.db.prepare('SELECT COUNT(*) FROM knowledge_files').pluck().get() as number;
      assert.ok(before >= 2 && before < 6, `files indexed before the kill: ${before}`);
      const report = await ingest({ db: resumedDb, collection: 'notes', paths: [folder], embedder: hashingEmbedder() });
      assert.equal(report.skipped, before);
      assert.equal(report.indexed, 6 - before);
      assert.deepEqual(
        chunkCounts(resumedStore).map((c) => c.n),
        [2, 2, 2, 2, 2, 2],
      );
      assert.equal(vectorCount(resumedDb), 12);
      assert.equal(resumedStore.db.prepare("SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH 'paragraph'").pluck().get(), 12);
    } finally {
      resumedStore.close();
    }
  });

  it('indexes a mailbox message by message: a new mail costs one embedding, a run that fails mid-mailbox resumes there, deleted mails go', async () => {
    const folder = join(dir, 'mail');
    mkdirSync(folder);
    const mail = (i: number) => ({
      from: `u${i}@example.org`,
      to: 'me@example.org',
      date: `Tue, 03 Mar 2026 10:${String(i).padStart(2, '0')}:00 +0000`,
      subject: `Sujet ${i}`,
      body: `Message numéro ${i} about topic${i}.`,
    });
    const path = join(folder, 'inbox.mbox');
    writeFileSync(path, makeMbox(Array.from({ length: 70 }, (_, i) => mail(i))));
    // An embedder that dies after two batches, as an engine crash would.
    const base = hashingEmbedder();
    let calls = 0;
    const dying = {
      model: base.model,
      embed: async (texts: string[], signal: AbortSignal) => (++calls > 2 ? Promise.reject(new Error('engine crashed')) : base.embed(texts, signal)),
    };
    const failed = await ingest({ db, collection: 'mail', paths: [folder], embedder: dying });
    assert.equal(failed.failed, 1);
    assert.equal(failed.documents, 64, 'two batches of 32 messages written before the crash');
    const embedded: string[] = [];
    const counting = { model: base.model, embed: async (texts: string[], signal: AbortSignal) => (embedded.push(...texts), base.embed(texts, signal)) };
    const resumed = await ingest({ db, collection: 'mail', paths: [folder], embedder: counting });
    assert.deepEqual(resumed.failures, []);
    assert.deepEqual([resumed.indexed, resumed.failed, resumed.documents], [1, 0, 6]);
    assert.ok(embedded.length > 0 && embedded.every((t) => /Sujet 6[4-9]\b/.test(t)), 'only the messages not written before');
    const rows = () =>
      store.db.prepare("SELECT doc_index AS n, subject FROM knowledge_chunks WHERE collection = 'mail' AND seq = 0 ORDER BY doc_index").all() as Array<{
        n: number;
        subject: string;
      }>;
    assert.deepEqual(
      rows().map((r) => r.n),
      Array.from({ length: 70 }, (_, i) => i),
      'each message once, numbered in the mailbox',
    );
    assert.equal(
      store.db.prepare("SELECT COUNT(DISTINCT path) FROM knowledge_chunks WHERE collection = 'mail'").pluck().get(),
      1,
      'chunks cite the mailbox itself',
    );
    assert.deepEqual(db.collections().find((c) => c.name === 'mail')?.files, 1);

    embedded.length = 0;
    assert.deepEqual([(await ingest({ db, collection: 'mail', paths: [folder], embedder: counting })).skipped, embedded.length], [1, 0]);
    // One mail arrives, two are deleted (the mailbox is rewritten): one embedding, two removals.
    writeFileSync(path, makeMbox([...Array.from({ length: 70 }, (_, i) => mail(i)).filter((_, i) => i !== 3 && i !== 40), mail(70)]));
    const grown = await ingest({ db, collection: 'mail', paths: [folder], embedder: counting });
    assert.deepEqual([grown.indexed, grown.documents], [1, 1]);
    assert.ok(embedded.length > 0 && embedded.every((t) => t.includes('Sujet 70')), 'only the new mail is embedded');
    const subjects = rows().map((r) => r.subject);
    assert.equal(subjects.length, 69);
    assert.deepEqual(
      rows().map((r) => r.n),
      Array.from({ length: 69 }, (_, i) => i),
      'messages renumbered after the deleted ones',
    );
    assert.equal(rows().find((r) => r.subject === 'Sujet 41')?.n, 39);
    assert.ok(subjects.includes('Sujet 70') && !subjects.includes('Sujet 3') && !subjects.includes('Sujet 40'));
    const count = (sql: string) => store.db.prepare(sql).pluck().get();
    assert.equal(
      count("SELECT COUNT(*) FROM knowledge_vectors WHERE collection = 'mail'"),
      count("SELECT COUNT(*) FROM knowledge_chunks WHERE collection = 'mail'"),
    );
    // The mailbox deleted: its messages go with it.
    rmSync(path);
    assert.equal((await ingest({ db, collection: 'mail', paths: [folder], embedder: counting })).removed, 1);
    assert.equal(store.db.prepare("SELECT COUNT(*) FROM knowledge_chunks WHERE collection = 'mail'").pluck().get(), 0);
    assert.equal(store.db.prepare("SELECT COUNT(*) FROM knowledge_files WHERE collection = 'mail'").pluck().get(), 0);
  });

  it('walks a link back up the tree once, and indexes a file reached by two links once', async () => {
    const folder = join(dir, 'loops');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'a.md'), 'Alpha note.');
    writeFileSync(join(folder, 'sub', 'b.md'), 'Beta note.');
    symlinkSync(folder, join(folder, 'sub', 'loop'));
    symlinkSync(join(folder, 'a.md'), join(folder, 'sub', 'also-a.md'));
    const report = await ingest({ db, collection: 'loops', paths: [folder], embedder: null });
    assert.deepEqual([report.total, report.indexed, report.failed], [2, 2, 0]);
  });

  it('skips a file with no text on the next run, embeddings on', async () => {
    const folder = join(dir, 'empty');
    mkdirSync(folder);
    writeFileSync(join(folder, 'empty.txt'), '');
    writeFileSync(join(folder, 'blank.md'), '\n\n   \n');
    const embedder = hashingEmbedder();
    assert.equal((await ingest({ db, collection: 'empty', paths: [folder], embedder })).indexed, 2);
    const again = await ingest({ db, collection: 'empty', paths: [folder], embedder });
    assert.deepEqual([again.indexed, again.skipped], [0, 2]);
  });

  it('reads the mailboxes of Apple Mail (Name.mbox/mbox) and Thunderbird (Name beside Name.msf)', async () => {
    const folder = join(dir, 'clients');
    mkdirSync(join(folder, 'Apple', 'Inbox.mbox'), { recursive: true });
    mkdirSync(join(folder, 'Thunderbird'), { recursive: true });
    const mails = (n: number, who: string) =>
      makeMbox(
        Array.from({ length: n }, (_, i) => ({
          from: `${who}${i}@example.org`,
          to: 'me@example.org',
          date: 'Tue, 03 Mar 2026 10:00:00 +0000',
          subject: `${who} ${i}`,
          body: 'Hello.',
        })),
      );
    writeFileSync(join(folder, 'Apple', 'Inbox.mbox', 'mbox'), mails(3, 'apple'));
    writeFileSync(join(folder, 'Apple', 'Inbox.mbox', 'Info.plist'), '<plist/>');
    writeFileSync(join(folder, 'Thunderbird', 'Sent'), mails(2, 'bird'));
    writeFileSync(join(folder, 'Thunderbird', 'Sent.msf'), '// summary');
    writeFileSync(join(folder, 'Thunderbird', 'README'), 'not a mailbox');
    const report = await ingest({ db, collection: 'clients', paths: [folder], embedder: null });
    assert.deepEqual([report.indexed, report.documents, report.failed], [2, 5, 0]);
  });

  it('re-ingesting a folder leaves a sibling whose name differs only in case alone', async () => {
    const root = join(dir, 'case');
    mkdirSync(join(root, 'notes'), { recursive: true });
    mkdirSync(join(root, 'Notes'), { recursive: true });
    writeFileSync(join(root, 'notes', 'a.txt'), 'lower');
    writeFileSync(join(root, 'Notes', 'b.txt'), 'upper');
    await ingest({ db, collection: 'case', paths: [join(root, 'notes'), join(root, 'Notes')], embedder: null });
    const again = await ingest({ db, collection: 'case', paths: [join(root, 'notes')], embedder: null });
    assert.deepEqual([again.skipped, again.removed], [1, 0]);
    assert.ok(db.file('case', join(root, 'Notes', 'b.txt')) !== undefined);
  });
});
