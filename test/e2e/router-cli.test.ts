import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.js';

const run = (args: string[]) => runCli(args);

/** Labelled traffic where proofs and integrals defeat the weak model and greetings do not. */
function syntheticRows(): string {
  const hard = [
    'prove the theorem about primes',
    'compute the integral of x squared',
    'prove that the series converges',
    'derive the eigenvalues of the matrix',
  ];
  const easy = ['say hello to my friend', 'what colour is the sky', 'translate bonjour to english', 'name a fruit'];
  const rows: string[] = [];
  for (let i = 0; i < 120; i++) {
    const isHard = i % 2 === 0;
    const prompt = `${(isHard ? hard : easy)[i % 4]} number ${i}`;
    rows.push(JSON.stringify({ id: String(i), bench: 'mine', prompt, weak: isHard ? 0 : 1, strong: 1 }));
  }
  return `${rows.join('\n')}\n`;
}

describe('flambeau router train / eval', () => {
  it('refits on labelled traffic and reports the field metrics beside random and oracle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-router-'));
    try {
      const data = join(dir, 'traffic.jsonl');
      writeFileSync(data, syntheticRows());
      const out = join(dir, 'weights.json');
      const trained = await run(['router', 'train', '--data', data, '--out', out]);
      assert.equal(trained.code, 0, trained.stderr);
      assert.ok(existsSync(out));
      const evaluated = await run(['router', 'eval', '--data', data, '--weights', out]);
      assert.equal(evaluated.code, 0, evaluated.stderr);
      for (const word of ['APGR', 'CPT(50%)', 'CPT(80%)', 'random', 'oracle']) assert.ok(evaluated.stdout.includes(word), `${word} in\n${evaluated.stdout}`);
      const apgr = /complexity\s+[^\n]*?(\d\.\d+)/.exec(evaluated.stdout.split('\n').find((l) => /complexity/.test(l) && /\d\.\d/.test(l)) ?? '');
      assert.ok(apgr !== null, evaluated.stdout);
      const bad = await run(['router', 'eval', '--data', join(dir, 'missing.jsonl')]);
      assert.equal(bad.code, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
