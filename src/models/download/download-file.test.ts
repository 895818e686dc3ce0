import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startModelHub, type ModelHub } from '../../../test/helpers/model-hub.js';
import { FlambeauError } from '../../errors/index.js';
import { downloadFile } from './download-file.js';
import { createHopGuard } from './hop-guard.js';

let hub: ModelHub;
let dir: string;
const bytes = new Uint8Array(200_000).map((_, i) => i % 251);

before(async () => {
  hub = await startModelHub();
  hub.addPlainFile('sized.bin', bytes);
  hub.addPlainFile('unsized.bin', bytes, { chunked: true });
  dir = mkdtempSync(join(tmpdir(), 'flambeau-download-'));
});
after(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<FlambeauError> {
  try {
    await promise;
  } catch (thrown) {
    assert.ok(thrown instanceof FlambeauError, String(thrown));
    return thrown;
  }
  assert.fail('expected a refusal');
}

describe('downloadFile without a declared size', () => {
  for (const file of ['sized.bin', 'unsized.bin']) {
    it(`stops ${file} at the bound and deletes the partial file`, async () => {
      const guard = createHopGuard(hub.url);
      const partialPath = join(dir, `${file}.partial`);
      let most = 0;
      const failed = await refusal(
        downloadFile({
          url: `${hub.url}/files/${file}`,
          partialPath,
          expectedSha256: null,
          expectedSize: null,
          maxBytes: 50_000,
          guard,
          onProgress: (p) => void (most = Math.max(most, p.received)),
        }),
      );
      await guard.close();
      assert.equal(failed.code, 'upstream_failed');
      assert.match(
        failed.message,
        file === 'sized.bin'
          ? /announces 200000 bytes, more than the bound for a download of undeclared size \(50000 bytes; give --size\)/
          : /sent more than the bound for a download of undeclared size \(50000 bytes; give --size\)/,
      );
      assert.ok(most <= 50_000, `kept ${most} bytes`);
      assert.equal(existsSync(partialPath), false);
    });
  }

  it('downloads a file under the bound, with or without a length', async () => {
    for (const file of ['sized.bin', 'unsized.bin']) {
      const guard = createHopGuard(hub.url);
      const result = await downloadFile({
        url: `${hub.url}/files/${file}`,
        partialPath: join(dir, `${file}.ok`),
        expectedSha256: null,
        expectedSize: null,
        maxBytes: 200_000,
        guard,
      });
      await guard.close();
      assert.equal(result.size, 200_000);
    }
  });
});
