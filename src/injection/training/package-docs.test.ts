import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { capChunksPerPackage, lockedPackages, packageDocRows, partOfPackage, readPackageDocs, sentencesOf, type ChunkedDoc } from './package-docs.js';

const README = 'A small library that parses command lines. Options override the defaults, and unknown flags are ignored.\n';

/** A project with a lock file and the packages it names installed under node_modules. */
function project(packages: Record<string, { version: string; installed?: string; files?: Record<string, string>; optional?: boolean }>): string {
  const root = mkdtempSync(join(tmpdir(), 'flambeau-package-docs-'));
  const lock: Record<string, unknown> = { '': { name: 'x' } };
  for (const [name, p] of Object.entries(packages)) {
    lock[`node_modules/${name}`] = { version: p.version, ...(p.optional === true ? { optional: true, os: ['darwin'] } : {}) };
    if (p.installed === undefined && p.optional === true) continue;
    const dir = join(root, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: p.installed ?? p.version }));
    for (const [file, text] of Object.entries(p.files ?? {})) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
  }
  writeFileSync(join(root, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: lock }));
  return root;
}

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('readPackageDocs', () => {
  it('fails naming `npm ci` when node_modules is absent', () => {
    const root = mkdtempSync(join(tmpdir(), 'flambeau-package-docs-'));
    roots.push(root);
    assert.throws(
      () => readPackageDocs(root),
      (e: unknown) => e instanceof FlambeauError && e.code === 'invalid_request' && /npm ci/.test(e.message),
    );
  });

  it('fails when an installed package is not the locked version (the weights would differ)', () => {
    const root = project({ left: { version: '1.0.0', installed: '1.0.1', files: { 'README.md': README.repeat(3) } } });
    roots.push(root);
    assert.throws(() => readPackageDocs(root), /not the locked version 1\.0\.0/);
  });

  it('reads top-level and docs/ files of every platform-independent package, in a stable order, leaving out model and prompt packages and texts about injection', () => {
    const root = project({
      zeta: { version: '2.0.0', files: { 'README.md': README.repeat(3), 'docs/guide/options.md': README.repeat(4), 'lib/notes.md': README.repeat(3) } },
      alpha: { version: '1.0.0', files: { 'CHANGELOG.md': README.repeat(3), LICENSE: 'MIT License. '.repeat(30) } },
      openai: { version: '4.0.0', files: { 'README.md': 'Send a system prompt and a user message. '.repeat(10) } },
      guard: { version: '1.0.0', files: { 'README.md': `${README.repeat(2)}It blocks prompt injection attempts.` } },
      tmpl: { version: '1.0.0', files: { 'README.md': `${README.repeat(2)}Renders "<s>[INST] Hello [/INST]" from the messages.` } },
      fsevents: { version: '2.0.0', optional: true },
    });
    roots.push(root);
    const { docs, excluded, fingerprint } = readPackageDocs(root);
    assert.deepEqual(
      docs.map((d) => d.path),
      ['alpha/CHANGELOG.md', 'alpha/LICENSE', 'zeta/README.md', 'zeta/docs/guide/options.md'],
    );
    assert.deepEqual(
      excluded.map((e) => e.path),
      ['guard/README.md', 'openai/README.md', 'tmpl/README.md'],
    );
    assert.equal(readPackageDocs(root).fingerprint, fingerprint);
  });
});

describe('lockedPackages', () => {
  it('skips optional and os- or cpu-bound entries, and names nested packages by their own name', () => {
    const lock = JSON.stringify({
      packages: {
        '': {},
        'node_modules/b': { version: '1.0.0' },
        'node_modules/a/node_modules/@s/c': { version: '2.0.0' },
        'node_modules/fsevents': { version: '2.3.3', optional: true, os: ['darwin'] },
        'node_modules/@x/linux-x64': { version: '1.0.0', cpu: ['x64'] },
      },
    });
    assert.deepEqual(lockedPackages(lock), [
      { dir: 'node_modules/a/node_modules/@s/c', pkg: '@s/c', version: '2.0.0' },
      { dir: 'node_modules/b', pkg: 'b', version: '1.0.0' },
    ]);
  });
});

describe('packageDocRows', () => {
  const doc = (pkg: string, n: number): ChunkedDoc => ({
    doc: { pkg, version: '1.0.0', path: `${pkg}/README.md`, text: '' },
    chunks: Array.from(
      { length: n },
      (_, i) => `Chunk ${i} of ${pkg}. The parser reads every option and keeps the last one given.\n\nSee the table below for the list of flags.`,
    ),
  });

  it('gives each chunk as a benign document, some as tool results and user sentences; same seed, same rows', () => {
    const rows = packageDocRows([doc('a', 40)], 3, { toolShare: 0.5, userShare: 0.5 });
    assert.equal(rows.filter((r) => r.channel === 'document').length, 40);
    assert.ok(rows.some((r) => r.channel === 'tool') && rows.some((r) => r.channel === 'user'));
    assert.ok(rows.every((r) => r.label === 0 && r.origin === 'npm:a/README.md'));
    assert.deepEqual(packageDocRows([doc('a', 40)], 3, { toolShare: 0.5, userShare: 0.5 }), rows);
  });

  it('plants one attack sentence between paragraphs of a copy of the chunk, as an attack', () => {
    const rows = packageDocRows([doc('a', 20)], 5, { plantedShare: 1, toolShare: 0, userShare: 0 });
    const planted = rows.filter((r) => r.label === 1);
    assert.equal(planted.length, 20);
    for (const [i, r] of planted.entries()) {
      assert.ok(r.text.includes(`Chunk ${i} of a.`) && r.text.includes('See the table below'));
      assert.ok(r.text.split('\n\n').length === 3);
    }
  });

  it('keeps at most the cap of chunks per package, spread over its files', () => {
    const capped = capChunksPerPackage([doc('big', 100), doc('big', 100), doc('small', 10)], 50);
    assert.equal(capped[0]!.chunks.length + capped[1]!.chunks.length, 50);
    assert.equal(capped[0]!.chunks.length, 25);
    assert.equal(capped[2]!.chunks.length, 10);
  });
});

describe('partOfPackage', () => {
  it('puts a package in one part, the same every time, and uses all four parts', () => {
    const names = Array.from({ length: 200 }, (_, i) => `package-${i}`);
    const parts = names.map(partOfPackage);
    assert.deepEqual(names.map(partOfPackage), parts);
    assert.deepEqual(new Set(parts), new Set(['train', 'calibration', 'tuning', 'heldout']));
  });
});

describe('sentencesOf', () => {
  it('keeps prose sentences and skips code, tables and headings', () => {
    const chunk =
      '# Usage\n\nThe parser reads every option and keeps the last one.\n| flag | meaning |\nconst x = parse(argv);\nUnknown flags are ignored by default here.';
    assert.deepEqual(sentencesOf(chunk), ['The parser reads every option and keeps the last one.', 'Unknown flags are ignored by default here.']);
  });
});
