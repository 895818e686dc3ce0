import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// Every domain reads config/; config/ reads only errors/ (and npm packages). A domain that config
// needs a word from (a locality, a PII type, a section's schema) gets it from config, not the
// other way round, so loading a config never pulls a domain in and no cycle can form through it.
const src = fileURLToPath(new URL('..', import.meta.url));
const configDir = fileURLToPath(new URL('.', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('config/ is a leaf', () => {
  it('imports only config/ and errors/ modules', () => {
    const outside: string[] = [];
    for (const file of files(configDir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)) {
        const target = relative(src, join(file, '..', m[1] as string));
        if (!/^(config|errors)\//.test(target)) outside.push(`${relative(src, file)} -> ${target}`);
      }
    }
    assert.deepEqual(outside, []);
  });
});
