import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openJournal, orphanJournals, thisProcess } from './record-journal.js';

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
