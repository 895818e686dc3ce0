import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The dependency direction of STYLE.md, checked on import lines: the CLI talks to the server over
// HTTP; nothing imports the HTTP layer or the CLI; providers never import policy domains.
const src = fileURLToPath(new URL('.', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)].map((m) => relative(src, join(file, '..', m[1] as string)));
}

const rules: { from: RegExp; forbidden: RegExp; why: string }[] = [
  { from: /^(?!api\/http\/|cli\/|main\.ts)/, forbidden: /^api\/http\//, why: 'nothing but main.ts imports the HTTP layer' },
  { from: /^(?!cli\/)/, forbidden: /^cli\//, why: 'nothing imports the CLI' },
  { from: /^providers\//, forbidden: /^(router|privacy|auth|audit|api|gateway)\//, why: 'providers never import policy domains' },
  { from: /^(gateway|providers|engine|privacy|router|store|usage|models)\//, forbidden: /^cli\//, why: 'domains do not know the CLI' },
];

describe('architecture', () => {
  it('imports follow the dependency direction', () => {
    const broken: string[] = [];
    for (const file of files(src)) {
      const from = relative(src, file);
      for (const target of imports(file)) {
        for (const rule of rules) if (rule.from.test(from) && rule.forbidden.test(target)) broken.push(`${from} -> ${target} (${rule.why})`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
