#!/usr/bin/env node
// Builds native/flambeau-embed.c into native/build/flambeau-embed.node: the addon that embeds many
// texts in one llama_decode (docs/decisions/0016). It never fails the install or the build: on any
// problem it prints one line and exits 0, and the engine then embeds one text per decode, as before.
//
// Needs a C compiler (`cc`, or $CC), git, and two things node-llama-cpp already installs: the
// llama.cpp source of its pinned release (llama/gitRelease.bundle, read offline for llama.h and the
// ggml headers) and node-api-headers (a dependency of its cmake-js). The addon links no libllama:
// it binds the one node-llama-cpp loads, at run time (src/engine/batch-embedder.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'native', 'flambeau-embed.c');
const out = join(root, 'native', 'build');
const addon = join(out, 'flambeau-embed.node');
const stamp = join(out, 'flambeau-embed.json');

function fail(reason) {
  console.log(`flambeau-embed: not built (${reason}); local embeddings will run one text per decode.`);
  process.exit(0);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} exited with ${result.status}: ${(result.stderr || '').trim().split('\n').slice(-3).join(' / ')}`);
  return result.stdout;
}

try {
  if (process.platform !== 'linux') fail('Linux only');
  const require = createRequire(import.meta.url);
  // node-llama-cpp's exports hide package.json: its entry is dist/index.js.
  const llamaPackage = join(dirname(require.resolve('node-llama-cpp')), '..');
  const info = JSON.parse(readFileSync(join(llamaPackage, 'llama', 'llama.cpp.info.json'), 'utf8'));
  const release = String(info.tag ?? '');
  if (release === '') fail('node-llama-cpp names no llama.cpp release');
  const bundle = join(llamaPackage, 'llama', 'gitRelease.bundle');
  let napiInclude = join(dirname(process.execPath), '..', 'include', 'node');
  try {
    napiInclude = require('node-api-headers').include_dir;
  } catch {
    // Node's own headers, when installed beside the binary.
  }
  if (!existsSync(join(napiInclude, 'node_api.h'))) fail('node_api.h not found');

  const code = readFileSync(source);
  const sourceHash = createHash('sha256').update(code).digest('hex');
  const wanted = { llamaCpp: release, source: sourceHash, node: process.versions.modules };
  if (existsSync(addon) && existsSync(stamp)) {
    try {
      const have = JSON.parse(readFileSync(stamp, 'utf8'));
      if (have.llamaCpp === wanted.llamaCpp && have.source === wanted.source) process.exit(0);
    } catch {
      // rebuild
    }
  }

  mkdirSync(out, { recursive: true });
  const headers = join(out, `llama-${release.replace(/[^\w.-]/g, '_')}`);
  if (!existsSync(join(headers, 'include', 'llama.h'))) {
    if (!existsSync(bundle)) fail('node-llama-cpp ships no llama.cpp source bundle');
    const scratch = mkdtempSync(join(tmpdir(), 'flambeau-llama-src-'));
    try {
      run('git', ['clone', '-q', '--no-checkout', bundle, join(scratch, 'src')]);
      const tar = join(scratch, 'headers.tar');
      run('git', ['-C', join(scratch, 'src'), 'archive', '--format=tar', '-o', tar, 'HEAD', 'include', 'ggml/include', 'LICENSE']);
      const staging = join(scratch, 'headers');
      mkdirSync(staging);
      run('tar', ['-xf', tar, '-C', staging]);
      rmSync(headers, { recursive: true, force: true });
      renameSync(staging, headers);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  const compiler = process.env.CC || 'cc';
  const temporary = `${addon}.tmp-${process.pid}`;
  run(compiler, [
    '-std=gnu11',
    '-O2',
    '-fPIC',
    '-shared',
    '-fvisibility=hidden',
    '-Wall',
    '-I',
    napiInclude,
    '-I',
    join(headers, 'include'),
    '-I',
    join(headers, 'ggml', 'include'),
    '-o',
    temporary,
    source,
    '-ldl',
  ]);
  renameSync(temporary, addon);
  writeFileSync(stamp, `${JSON.stringify(wanted)}\n`);
  console.log(`flambeau-embed: built for llama.cpp ${release} (native/build/flambeau-embed.node).`);
} catch (thrown) {
  fail(thrown instanceof Error ? thrown.message.split('\n')[0] : String(thrown));
}
