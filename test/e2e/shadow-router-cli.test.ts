// `router train --from-shadow` learns the complexity score from stored shadow comparisons, which
// hold hashed features and verdicts but no prompt text.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { homePaths } from '../../src/config/home-layout.js';
import { createFeaturizer, FEATURIZER_VERSION } from '../../src/router/complexity/index.js';
import { createShadowStore, type ShadowComparison } from '../../src/shadow/index.js';
import { openStore } from '../../src/store/store.js';
import { runCli } from '../helpers/run-cli.js';

/** Comparisons where proofs and integrals defeat the local model and greetings do not. */
async function seed(home: string): Promise<void> {
  const store = openStore(homePaths(home).db);
  const shadow = createShadowStore(store.sql);
  const featurizer = createFeaturizer();
  const hard = [
    'prove the theorem about primes',
    'compute the integral of x squared',
    'prove that the series converges',
    'derive the eigenvalues of the matrix',
  ];
  const easy = ['say hello to my friend', 'what colour is the sky', 'translate bonjour to english', 'name a fruit'];
  for (let i = 0; i < 120; i++) {
    const isHard = i % 2 === 0;
    const f = featurizer.featurize(`${(isHard ? hard : easy)[i % 4]} number ${i}`);
    const row: ShadowComparison = {
      createdAt: Date.now() - i * 1000,
      rule: 'local-vs-cloud',
      route: 'default',
      localModel: 'local-chat',
      referenceModel: 'cloud-big',
      servedModel: 'local-chat',
      outcome: isHard ? 'disagree' : 'agree',
      agreement: isHard ? 0.2 : 1,
      method: 'text',
      judgeVerdict: null,
      judgeReason: null,
      localAsGood: !isHard,
      localLatencyMs: 100,
      referenceLatencyMs: 400,
      localCostUsd: 0,
      referenceCostUsd: 0.001,
      shadowCostUsd: 0.001,
      errorCode: null,
      features: { version: FEATURIZER_VERSION, hashBits: 18, kind: f.kind, indices: Array.from(f.indices), values: Array.from(f.values) },
      localText: null,
      referenceText: null,
    };
    await shadow.insert(row);
  }
  // A failed comparison has no verdict: left out.
  await shadow.insert({ ...((await shadow.list(0))[0] as ShadowComparison), outcome: 'error', agreement: null, localAsGood: null });
  store.close();
}

describe('flambeau router train / eval --from-shadow', () => {
  it('learns from stored comparisons without their text, and eval shows the effect', async () => {
    const home = mkdtempSync(join(tmpdir(), 'flambeau-shadow-router-'));
    try {
      await seed(home);
      const out = join(home, 'weights.json');
      const trained = await runCli(['router', 'train', '--from-shadow', '--since', '1d', '--home', home, '--out', out]);
      assert.equal(trained.code, 0, trained.stderr);
      assert.ok(existsSync(out));
      assert.match(trained.stderr, /1 shadow comparison\(s\) without a verdict/);
      const refit = await runCli(['router', 'eval', '--from-shadow', '--home', home, '--weights', out]);
      const shipped = await runCli(['router', 'eval', '--from-shadow', '--home', home]);
      for (const run of [refit, shipped]) {
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /^group\s+prompts\s+weak\s+strong\s+router\s+APGR/);
        assert.match(run.stdout, /\ndefault\s+120\s+50\.0%\s+100\.0%\s+complexity/);
      }
      const apgr = (text: string, router: string) => Number(new RegExp(`${router}\\s+([\\d.]+)`).exec(text)?.[1]);
      // Trained on this traffic, the score ranks it as well as the oracle; the shipped weights do not.
      assert.equal(apgr(refit.stdout, 'complexity'), apgr(refit.stdout, 'oracle'), refit.stdout);
      assert.ok(apgr(refit.stdout, 'complexity') > apgr(shipped.stdout, 'complexity'), `${refit.stdout}\n${shipped.stdout}`);
      const neither = await runCli(['router', 'train', '--home', home]);
      assert.equal(neither.code, 2);
      assert.match(neither.stderr, /exactly one of --data FILE or --from-shadow/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
