#!/usr/bin/env node
// Bundles the dashboard (src/web/, Preact + uPlot) into dist/web with esbuild: one hashed script,
// one hashed stylesheet, an index.html that names them, and brotli + gzip copies of each, so the
// gateway serves /ui with no CDN and no compression work per request (docs/decisions/0014).
// `--if-stale` skips the build when dist/web is newer than every file under src/web (tests).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'src', 'web');
const out = join(root, 'dist', 'web');
const manifestPath = join(out, 'manifest.json');

function newest(dir) {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const stat = statSync(full);
    latest = Math.max(latest, stat.isDirectory() ? newest(full) : stat.mtimeMs);
  }
  return latest;
}

if (process.argv.includes('--if-stale')) {
  try {
    if (statSync(manifestPath).mtimeMs > Math.max(newest(source), statSync(fileURLToPath(import.meta.url)).mtimeMs)) process.exit(0);
  } catch {
    // no build yet
  }
}

const result = await build({
  entryPoints: [join(source, 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.css': 'css' },
  write: false,
  outdir: out,
  entryNames: 'app',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

// Files are replaced one by one through a rename (never a half-written file), the manifest last,
// and nothing is emptied first: two test files building at once write the same bytes.
mkdirSync(join(out, 'assets'), { recursive: true });
function put(path, contents) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}
const files = {};
for (const file of result.outputFiles) {
  const ext = file.path.endsWith('.css') ? 'css' : file.path.endsWith('.js') ? 'js' : null;
  if (ext === null) continue;
  const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 12);
  const name = `assets/app.${hash}.${ext}`;
  put(join(out, name), file.contents);
  put(join(out, `${name}.br`), brotliCompressSync(file.contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  put(join(out, `${name}.gz`), gzipSync(file.contents, { level: 9 }));
  files[ext] = name;
}
if (files.js === undefined || files.css === undefined) throw new Error('build-web: esbuild gave no script or no stylesheet');

// No inline script or style: the page's CSP is `script-src 'self'`.
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>flambeau</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/${files.css}">
<script type="module" src="/ui/${files.js}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The flambeau dashboard needs JavaScript.</noscript>
</body>
</html>
`;
put(join(out, 'index.html'), html);
const sizes = Object.fromEntries(
  Object.entries(files).map(([ext, name]) => [
    ext,
    { raw: statSync(join(out, name)).size, br: statSync(join(out, `${name}.br`)).size, gz: statSync(join(out, `${name}.gz`)).size },
  ]),
);
put(manifestPath, JSON.stringify({ files, sizes }, null, 2) + '\n');
// Assets of older builds go once the new manifest is in place (a running gateway holds its own in memory).
const keep = new Set(Object.values(files).flatMap((name) => [name, `${name}.br`, `${name}.gz`].map((n) => n.slice('assets/'.length))));
for (const name of readdirSync(join(out, 'assets'))) if (!keep.has(name) && !name.endsWith('.tmp')) rmSync(join(out, 'assets', name), { force: true });
if (!process.argv.includes('--quiet')) console.log(`build-web: ${relative(root, out)} ${JSON.stringify(sizes)}`);
