import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CODES } from './codes.js';

describe('error codes', () => {
  it('docs/errors.md has exactly one section per code, with its status', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const sections = [...doc.matchAll(/^## `([a-z_]+)`\n\*\*(\d{3})/gm)].map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(sections.map(([code]) => code).sort(), Object.keys(CODES).sort());
    for (const [code, status] of sections) assert.equal(status, CODES[code as keyof typeof CODES].status, `${code}`);
  });
});
