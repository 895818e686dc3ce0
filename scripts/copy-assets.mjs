#!/usr/bin/env node
// tsc compiles src/ to dist/ but copies no data files: copy the ones the code reads at run time
// (shipped router weights and their licence notice, the built-in eval suites), keeping the same layout.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ASSET = /(?:-weights\.json|^NOTICE|^LICENSE-[A-Za-z]+)$/;
/** Built-in eval suites (`flambeau eval run builtin:NAME`) live in src/eval/suites/. */
const SUITE = /(?:^|\/)eval\/suites\/[^/]+\.jsonl$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== '__fixtures__') walk(full);
    } else if (ASSET.test(name) || SUITE.test(relative(join(root, 'src'), full).split('\\').join('/'))) {
      const target = join(root, 'dist', relative(join(root, 'src'), full));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(full, target);
    }
  }
}
walk(join(root, 'src'));
