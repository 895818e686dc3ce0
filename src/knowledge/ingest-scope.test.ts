import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../store/store.js';
import { KnowledgeDb } from './db.js';
import { ingest } from './ingest.js';

/** Issue 11, item 6: ingest stays in the tree it was given. */
describe('ingest stays in the tree it was given', () => {
  let dir: string;
  let store: Store;
  let db: KnowledgeDb;
  let outside: string;
  let home: string;
  const indexedPaths = (collection: string): string[] =>
    store.db.prepare('SELECT DISTINCT path FROM knowledge_chunks WHERE collection = ? ORDER BY path').pluck().all(collection) as string[];
  const allText = (collection: string): string =>
    (store.db.prepare('SELECT text FROM knowledge_chunks WHERE collection = ?').pluck().all(collection) as string[]).join('\n');
  const folder = (name: string): string => {
    const path = join(dir, name);
    mkdirSync(path);
    writeFileSync(join(path, 'ok.md'), 'A plain note about the budget.');
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-ingest-scope-'));
    store = openStore(join(dir, 'flambeau.db'));
    db = new KnowledgeDb(store.db);
    outside = join(dir, 'outside');
    mkdirSync(join(outside, 'folder'), { recursive: true });
    writeFileSync(join(outside, 'elsewhere.txt'), 'Text from elsewhere on the disk.');
    writeFileSync(join(outside, 'folder', 'inner.md'), 'Inner note from another folder.');
    mkdirSync(join(outside, '.ssh'));
    writeFileSync(join(outside, '.ssh', 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\nsecretkeymaterial\n');
    home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'master.key'), 'fl-master-secret-value');
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not follow a link to /proc/self/environ: the environment is never indexed', async () => {
    const root = folder('environ');
    symlinkSync('/proc/self/environ', join(root, 'env.txt'));
    const report = await ingest({ db, collection: 'environ', paths: [root], embedder: null });
    assert.deepEqual([report.indexed, report.failed, report.excluded], [1, 0, 1]);
    assert.deepEqual(
      report.exclusions.map((e) => e.path),
      [join(root, 'env.txt')],
    );
    assert.match(report.exclusions[0]?.reason ?? '', /system folder/);
    assert.deepEqual(indexedPaths('environ'), [join(root, 'ok.md')]);
    assert.doesNotMatch(allText('environ'), /PATH=/);
  });

  it('refuses /proc/self, /sys and /dev as roots, without walking them', async () => {
    for (const root of ['/proc/self', '/proc', '/sys/kernel', '/dev']) {
      const report = await ingest({ db, collection: 'proc', paths: [root], embedder: null, followLinks: true });
      assert.deepEqual([report.total, report.indexed, report.failed], [0, 0, 1], root);
      assert.equal(report.failures[0]?.path, root);
      assert.match(report.failures[0]?.reason ?? '', /system folder/);
    }
    assert.deepEqual(indexedPaths('proc'), []);
  });

  it('does not follow a link out of the roots, file or folder; --follow-links does', async () => {
    const root = folder('links');
    symlinkSync(join(outside, 'elsewhere.txt'), join(root, 'elsewhere.txt'));
    symlinkSync(join(outside, 'folder'), join(root, 'folder'));
    // A link that stays inside the roots is followed as before.
    symlinkSync(join(root, 'ok.md'), join(root, 'same.md'));
    const confined = await ingest({ db, collection: 'links', paths: [root], embedder: null });
    assert.deepEqual([confined.indexed, confined.excluded, confined.failed], [1, 2, 0]);
    assert.deepEqual(
      confined.exclusions.map((e) => e.path),
      [join(root, 'elsewhere.txt'), join(root, 'folder')],
    );
    for (const exclusion of confined.exclusions) assert.match(exclusion.reason, /outside the folders given: not followed \(--follow-links/);
    assert.deepEqual(indexedPaths('links'), [join(root, 'ok.md')]);

    const followed = await ingest({ db, collection: 'links', paths: [root], embedder: null, followLinks: true });
    assert.deepEqual([followed.indexed, followed.skipped, followed.excluded], [2, 1, 0]);
    assert.deepEqual(indexedPaths('links'), [join(root, 'elsewhere.txt'), join(root, 'folder', 'inner.md'), join(root, 'ok.md')]);
  });

  it('a link that points inside another root given is followed', async () => {
    const root = folder('two-roots');
    symlinkSync(join(outside, 'elsewhere.txt'), join(root, 'elsewhere.txt'));
    const report = await ingest({ db, collection: 'two-roots', paths: [root, join(outside, 'folder'), join(outside, 'elsewhere.txt')], embedder: null });
    assert.deepEqual([report.indexed, report.excluded, report.failed], [3, 0, 0]);
  });

  it('never reads a FIFO (opening it would block the run), a socket or a device', async () => {
    const root = folder('special');
    execFileSync('mkfifo', [join(root, 'pipe.txt')]);
    symlinkSync('/dev/zero', join(root, 'zero.txt'));
    const report = await ingest({ db, collection: 'special', paths: [root], embedder: null, followLinks: true });
    assert.deepEqual([report.indexed, report.failed], [1, 0]);
    assert.deepEqual(report.exclusions, [
      { path: join(root, 'pipe.txt'), reason: 'not a regular file (a named pipe): never read' },
      { path: join(root, 'zero.txt'), reason: 'system folder (/proc, /sys, /dev): never read' },
    ]);
    const fifoRoot = await ingest({ db, collection: 'special', paths: [join(root, 'pipe.txt')], embedder: null });
    assert.deepEqual(fifoRoot.failures, [{ path: join(root, 'pipe.txt'), reason: 'not a regular file (a named pipe): never read' }]);
  });

  it("never reads secrets or flambeau's home, even through --follow-links, and says why", async () => {
    const root = folder('secrets');
    writeFileSync(join(root, 'id_rsa.txt'), 'copied key');
    writeFileSync(join(root, 'server.pem.md'), 'fine: .pem is not the extension');
    symlinkSync(join(outside, '.ssh', 'id_rsa'), join(root, 'key.txt'));
    symlinkSync(join(outside, '.ssh'), join(root, 'ssh'));
    symlinkSync(join(home, 'master.key'), join(root, 'master.txt'));
    mkdirSync(join(root, 'flambeau-home'));
    writeFileSync(join(root, 'flambeau-home', 'notes.md'), 'inside the home folder');
    const report = await ingest({
      db,
      collection: 'secrets',
      paths: [root],
      embedder: null,
      followLinks: true,
      protectedFolders: [home, join(root, 'flambeau-home')],
    });
    assert.deepEqual(indexedPaths('secrets'), [join(root, 'ok.md'), join(root, 'server.pem.md')]);
    assert.deepEqual(report.exclusions, [
      { path: join(root, 'flambeau-home'), reason: "flambeau's home folder (keys and index): never read" },
      { path: join(root, 'id_rsa.txt'), reason: 'a secrets file (keys, passwords, tokens): never read' },
      { path: join(root, 'key.txt'), reason: 'in .ssh/, which holds secrets: never read' },
      { path: join(root, 'master.txt'), reason: "flambeau's home folder (keys and index): never read" },
      { path: join(root, 'ssh'), reason: '.ssh/ holds secrets: never read' },
    ]);
    assert.doesNotMatch(allText('secrets'), /secretkeymaterial|fl-master-secret-value|copied key/);
    // Named explicitly, it is a failure of the run, not a silent skip.
    const named = await ingest({ db, collection: 'secrets', paths: [join(home, 'master.key'), join(outside, '.ssh')], embedder: null });
    assert.deepEqual(
      named.failures.map((f) => f.path),
      [join(home, 'master.key'), join(outside, '.ssh')],
    );
  });

  it('removes from the index a file a run indexed before it was refused', async () => {
    const root = folder('cleanup');
    writeFileSync(join(root, 'later.md'), 'later');
    await ingest({ db, collection: 'cleanup', paths: [root], embedder: null });
    rmSync(join(root, 'later.md'));
    symlinkSync('/proc/self/environ', join(root, 'later.md'));
    const report = await ingest({ db, collection: 'cleanup', paths: [root], embedder: null });
    assert.deepEqual([report.removed, report.excluded], [1, 1]);
    assert.deepEqual(indexedPaths('cleanup'), [join(root, 'ok.md')]);
  });
});
