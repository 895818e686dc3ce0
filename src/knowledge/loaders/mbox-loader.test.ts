import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeMbox } from '../__fixtures__/make-documents.js';
import { mboxLoader, mboxMessages, splitMbox } from './mbox-loader.js';

describe('mailbox read as a stream', () => {
  let dir: string;
  let path: string;
  let mbox: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-mbox-'));
    path = join(dir, 'inbox.mbox');
    const mails = Array.from({ length: 40 }, (_, i) => ({
      from: `u${i}@example.org`,
      to: 'me@example.org',
      date: 'Tue, 03 Mar 2026 10:00:00 +0000',
      subject: `Sujet ${i} — réunion`,
      // Body lines that look like separators must stay inside their message.
      body: i % 7 === 0 ? `From the desk of ${i}:\n>From earlier\nFrom here on, ${'x'.repeat(i * 13)}` : `Message ${i}. ${'y'.repeat(i * 31)}`,
    }));
    mbox = makeMbox(mails);
    writeFileSync(path, mbox, 'latin1');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const blockSize of [1, 7, 64, 1000, 1 << 20]) {
    it(`splits exactly as the whole-file split does, with ${blockSize}-byte reads`, async () => {
      const streamed: string[] = [];
      for await (const part of mboxMessages(path, blockSize)) streamed.push((part as Buffer).toString('latin1'));
      const whole = splitMbox(mbox).map((m) => m.replace(/^>(>*From )/gm, '$1').replace(/\n+$/, ''));
      assert.equal(streamed.length, 40);
      assert.deepEqual(streamed, whole);
    });
  }

  it('parses each part as one message, quoted From lines restored', async () => {
    const parts: Buffer[] = [];
    for await (const part of mboxLoader.parts(path)) parts.push(part as Buffer);
    const seventh = await mboxLoader.loadPart(parts[7] as Buffer);
    assert.equal(seventh.subject, 'Sujet 7 — réunion');
    assert.match(seventh.text, /^From the desk of 7:$/m);
    assert.match(seventh.text, /^>From earlier$/m);
  });

  it('refuses a file with text but no "From " line, reading it line by line, and takes an empty file as an empty mailbox', async () => {
    const notMail = join(dir, 'Notes');
    writeFileSync(notMail, `${'just some text\n'.repeat(20_000)}${'x'.repeat(200_000)}`);
    const read = async (file: string) => {
      const parts: Buffer[] = [];
      for await (const part of mboxMessages(file, 4096)) parts.push(part as Buffer);
      return parts;
    };
    await assert.rejects(read(notMail), (e: unknown) => (e as { code?: string }).code === 'unsupported_media_type');
    const empty = join(dir, 'Empty');
    writeFileSync(empty, '\n\n');
    assert.deepEqual(await read(empty), []);
  });
});
