import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openJournal, orphanJournals, readJournal, thisProcess } from './record-journal.js';

describe('orphan journals', () => {
  it('a journal of a live process on this host is never an orphan, however old its mtime; a dead one is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-orphans-'));
    const me = thisProcess();
    // Another live process of this host (a sleeping child), whose journal was not touched for an hour.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      const live = openJournal(dir, { host: me.host, pid: child.pid as number });
      const dead = openJournal(dir, { host: me.host, pid: 4_194_305 });
      const hourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(live.path, hourAgo, hourAgo);
      utimesSync(dead.path, hourAgo, hourAgo);
      const found = orphanJournals(dir, me, 60_000).map((file) => file.path);
      assert.deepEqual(found, [dead.path]);
      // Of another host, liveness is unknown here: only staleness makes an orphan.
      const far = openJournal(dir, { host: 'elsewhere', pid: child.pid as number });
      assert.equal(
        orphanJournals(dir, me, 60_000).some((file) => file.path === far.path),
        false,
      );
      utimesSync(far.path, hourAgo, hourAgo);
      assert.equal(
        orphanJournals(dir, me, 60_000).some((file) => file.path === far.path),
        true,
      );
      for (const journal of [live, dead, far]) journal.close(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('journal appends', () => {
  it('appends several records with one call, each readable back with its own end offset (multi-byte text included)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-append-'));
    const journal = openJournal(dir, thisProcess());
    const first = journal.append('{"a":1}');
    const ends = journal.appendMany(['{"b":"é"}', '{"c":3}', '{"d":"日本"}']);
    assert.equal(ends.length, 3);
    assert.equal(journal.size, ends[2]);
    const { records, torn } = readJournal(journal.path);
    assert.equal(torn, 0);
    assert.deepEqual(
      records.map((record) => [record.json, record.end]),
      [
        ['{"a":1}', first],
        ['{"b":"é"}', ends[0]],
        ['{"c":3}', ends[1]],
        ['{"d":"日本"}', ends[2]],
      ],
    );
    journal.close(true);
  });
});
