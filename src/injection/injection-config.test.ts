import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.js';

describe('the injection section of flambeau.yaml', () => {
  const load = (yaml: string) => {
    const home = mkdtempSync(join(tmpdir(), 'flambeau-injection-'));
    try {
      writeFileSync(join(home, 'flambeau.yaml'), yaml);
      return loadConfig({ configPath: join(home, 'flambeau.yaml'), home, env: {}, cwd: home });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  };

  it('applies the defaults when absent, and reads it when present', () => {
    assert.deepEqual(load('log: { level: info }\n').injection, { user: 'flag', documents: 'spotlight', tools: 'spotlight', threshold: 0.5 });
    assert.deepEqual(load('injection: { user: block, documents: drop, threshold: 0.7 }\n').injection, {
      user: 'block',
      documents: 'drop',
      tools: 'spotlight',
      threshold: 0.7,
    });
  });

  it('stops at start-up on a bad value, naming the key', () => {
    assert.throws(() => load('injection: { tools: drop }\n'), /injection\.tools/);
    assert.throws(() => load('injection: { threshold: 2 }\n'), /injection\.threshold/);
  });
});
