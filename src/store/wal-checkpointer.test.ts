import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MIGRATIONS } from './migrations.js';
import { openStore, type Store } from './store.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function storeWith(options: Parameters<typeof openStore>[2]): Store {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-wal-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'flambeau.db'), MIGRATIONS, options);
  store.db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  return store;
}

/** Frames in the WAL file as it stands on disk (a restarted log is rewritten from its start, so this stops growing). */
function walFrames(store: Store): number {
  const page = Number(store.db.pragma('page_size', { simple: true }));
  return Math.floor((statSync(`${store.path}-wal`).size - 32) / (page + 24));
}

async function writeNotes(store: Store, count: number, yieldEvery = 0): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.sql.transaction(async (tx) => {
      await tx.run('INSERT INTO notes (body) VALUES (?)', [`note ${i} ${'x'.repeat(600)}`]);
    });
    if (yieldEvery > 0 && i % yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('WAL checkpoints on a worker thread', () => {
  it('turns the connection’s own checkpoints off while the thread is up, and back on when it stops', async () => {
    const store = storeWith({ checkpointThread: { intervalMs: 60_000 } });
    const checkpointer = store.checkpointer;
    assert.ok(checkpointer !== null);
    assert.equal(await checkpointer.ready(), true);
    assert.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), 0);
    checkpointer.close();
    assert.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), 1000);
    await store.close();
  });

  it('keeps SQLite’s own checkpoints when not asked for a thread, or in memory', async () => {
    const plain = storeWith({});
    assert.equal(plain.checkpointer, null);
    assert.equal(plain.db.pragma('wal_autocheckpoint', { simple: true }), 1000);
    await plain.close();
    const memory = openStore(':memory:', MIGRATIONS, { checkpointThread: true });
    assert.equal(memory.checkpointer, null);
    await memory.close();
  });

  it('lets the WAL grow past SQLite’s 1,000 frames until a pass, which restarts it once it is long', async () => {
    const store = storeWith({ checkpointThread: { intervalMs: 60_000, restartFrames: 200 } });
    const checkpointer = store.checkpointer;
    assert.ok(checkpointer !== null && (await checkpointer.ready()));
    await writeNotes(store, 1200);
    // Each commit appended its pages: SQLite's own checkpoint would have restarted the log by now.
    const grown = walFrames(store);
    assert.ok(grown > 1000, `WAL frames ${grown}`);
    await checkpointer.pass();
    assert.equal(checkpointer.stats.restarts, 1);
    assert.ok(checkpointer.stats.lastLog >= grown - 1, JSON.stringify(checkpointer.stats));
    // The next commit writes at the log's start: the file does not grow, and the thread sees a short log.
    await writeNotes(store, 3);
    assert.equal(walFrames(store), grown);
    await checkpointer.pass();
    assert.ok(checkpointer.stats.lastLog < 20, JSON.stringify(checkpointer.stats));
    assert.equal(checkpointer.stats.restarts, 1);
    assert.equal((await store.sql.get<{ n: number }>('SELECT count(*) AS n FROM notes'))?.n, 1203);
    await store.close();
  });

  it('copies a short log without restarting it', async () => {
    const store = storeWith({ checkpointThread: { intervalMs: 60_000, restartFrames: 100_000 } });
    const checkpointer = store.checkpointer;
    assert.ok(checkpointer !== null && (await checkpointer.ready()));
    await writeNotes(store, 50);
    await checkpointer.pass();
    assert.deepEqual({ ...checkpointer.stats, lastLog: checkpointer.stats.lastLog > 0 }, { passes: 1, restarts: 0, misses: 0, lastLog: true });
    await store.close();
  });

  it('runs a pass for writes made on the connection itself, around the client', async () => {
    const store = storeWith({ checkpointThread: { intervalMs: 5, restartFrames: 100_000 } });
    const checkpointer = store.checkpointer;
    assert.ok(checkpointer !== null && (await checkpointer.ready()));
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    // The first tick's pass; then, with nothing written, no more.
    for (let i = 0; i < 200 && checkpointer.stats.passes === 0; i++) await tick();
    for (let i = 0; i < 10; i++) await tick();
    const idle = checkpointer.stats.passes;
    for (let i = 0; i < 10; i++) await tick();
    assert.equal(checkpointer.stats.passes, idle, 'no pass without writes');
    // The knowledge index writes this way; the client's commit count does not move.
    const insert = store.db.prepare('INSERT INTO notes (body) VALUES (?)');
    for (let i = 0; i < 20; i++) insert.run(`direct ${i}`);
    for (let i = 0; i < 200 && checkpointer.stats.passes === idle; i++) await tick();
    assert.ok(checkpointer.stats.passes > idle, JSON.stringify(checkpointer.stats));
    await store.close();
  });

  it('never keeps a process alive that left its store open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-wal-'));
    dirs.push(dir);
    const store = new URL('./store.ts', import.meta.url).href;
    const script = `
      const { openStore } = await import(${JSON.stringify(store)});
      const s = openStore(${JSON.stringify(join(dir, 'f.db'))}, undefined, { checkpointThread: { intervalMs: 5 } });
      if (!(await s.checkpointer.ready())) process.exit(3);
      await s.sql.run('CREATE TABLE x (a)');
      await s.checkpointer.pass();
      console.log('done');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.signal, null, 'exited by itself, not killed at the timeout');
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), 'done');
  });

  it('loses no write and leaves a sound file while passes and restarts run beside a steady writer', async () => {
    const store = storeWith({ checkpointThread: { intervalMs: 1, restartFrames: 64 } });
    const checkpointer = store.checkpointer;
    assert.ok(checkpointer !== null && (await checkpointer.ready()));
    // Readers on the client's connection run between the writes, and queue behind a restart like them.
    const reads: Promise<unknown>[] = [];
    for (let round = 0; round < 40; round++) {
      await writeNotes(store, 50, 5);
      reads.push(store.sql.get('SELECT count(*) AS n FROM notes'));
    }
    await Promise.all(reads);
    await checkpointer.pass();
    assert.ok(checkpointer.stats.restarts >= 1, JSON.stringify(checkpointer.stats));
    assert.equal((await store.sql.get<{ n: number }>('SELECT count(*) AS n FROM notes'))?.n, 2000);
    assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
    await store.close();
  });
});
