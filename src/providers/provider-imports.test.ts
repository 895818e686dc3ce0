import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// A provider folder is a wire protocol and nothing else: it may import its own files, the spec,
// the http helpers, errors, config types (Secret, timeouts) and, for llamacpp, the engine. The registry and the
// contract fixtures are not provider folders.
const providers = fileURLToPath(new URL('.', import.meta.url));
const src = join(providers, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

const ALLOWED: { target: RegExp; typeOnly?: boolean; folders?: RegExp }[] = [
  { target: /^providers\/spec\.ts$/ },
  { target: /^providers\/http\// },
  { target: /^errors\/index\.ts$/ },
  // Config types (Secret, UpstreamTimeouts, Locality): config/ is the leaf every domain may read.
  { target: /^config\//, typeOnly: true },
  { target: /^engine\/engine\.ts$/, folders: /^providers\/llamacpp\// },
];

describe('provider imports', () => {
  it('provider folders import only their own files, the spec, http helpers, errors, config types and the engine (llamacpp)', () => {
    const broken: string[] = [];
    const folders = readdirSync(providers).filter((name) => statSync(join(providers, name)).isDirectory() && !name.startsWith('__'));
    for (const folder of folders) {
      for (const file of files(join(providers, folder))) {
        const from = relative(src, file);
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/^(import|export)( type)?[^'"]*from\s+'(\.[^']+)'/gm)) {
          const target = relative(src, join(file, '..', (m[3] as string).replace(/\.js$/, '.ts')));
          if (target.startsWith(`providers/${folder}/`)) continue;
          const rule = ALLOWED.find((r) => r.target.test(target) && (r.folders === undefined || r.folders.test(from)));
          if (rule === undefined || (rule.typeOnly === true && m[2] === undefined)) broken.push(`${from} -> ${target}`);
        }
      }
    }
    assert.ok(folders.length >= 4, `provider folders found: ${folders.join(', ')}`);
    assert.deepEqual(broken, []);
  });
});
