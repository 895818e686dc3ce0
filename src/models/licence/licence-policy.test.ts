import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { writeGguf } from '../gguf/gguf-writer.js';
import { KNOWN_MODELS } from '../known-models.js';
import { createModelStore } from '../store/model-store.js';
import { checkServedLicences, enforceLicences } from './check-served-licences.js';
import { deploymentFileSchema, toDeployment } from './deployment-config.js';
import { evaluateLicence, type Deployment } from './licence-policy.js';
import { LICENCES, licenceIdOf } from './licence-terms.js';

const dir = mkdtempSync(join(tmpdir(), 'flambeau-licence-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A header-only GGUF with a `general.license`: enough for the metadata reader. */
function ggufWithLicence(name: string, license: string): string {
  const path = join(dir, `${name}.gguf`);
  writeFileSync(
    path,
    writeGguf({
      metadata: [
        ['general.architecture', { type: 'string', value: 'llama' }],
        ['general.name', { type: 'string', value: name }],
        ['general.license', { type: 'string', value: license }],
      ],
      tensors: [],
    }),
  );
  return path;
}

const deployment = (use: Deployment['use'], monthlyUsers: number | null = null, onViolation: Deployment['onViolation'] = 'refuse'): Deployment => ({
  use,
  monthlyUsers,
  onViolation,
});

describe('licence policy', () => {
  it('allows or refuses each licence by use and monthly users, with the reason', () => {
    const cases: [string | null, Deployment, boolean, RegExp | null][] = [
      ['apache-2.0', deployment('commercial', 10_000_000_000), true, null],
      ['mit', deployment('commercial'), true, null],
      ['qwen-research', deployment('personal'), true, null],
      ['qwen-research', deployment('internal'), false, /non-commercial research use only.*internal/],
      ['mistral-research', deployment('commercial'), false, /non-commercial/],
      ['llama3.2', deployment('commercial', 700_000_000), true, null],
      ['llama3.2', deployment('commercial', 800_000_000), false, /700,000,000 monthly active users.*800,000,000/],
      ['qwen', deployment('commercial', 150_000_000), false, /100,000,000/],
      ['gemma', deployment('commercial', 5_000_000), true, null],
      [null, deployment('commercial'), true, /unknown: check its terms/],
    ];
    for (const [id, d, allowed, reason] of cases) {
      const verdict = evaluateLicence(id, d);
      assert.equal(verdict.allowed, allowed, `${id} for ${d.use}`);
      if (reason !== null) assert.match(verdict.reasons.join('; '), reason);
      else assert.deepEqual(verdict.reasons, []);
    }
    assert.match(evaluateLicence('llama3.1', deployment('commercial')).obligations.join(' '), /Built with Llama/);
  });

  it('maps GGUF general.license values to licence ids', () => {
    assert.equal(licenceIdOf('Apache-2.0'), 'apache-2.0');
    assert.equal(licenceIdOf('other', 'qwen-research'), 'qwen-research');
    assert.equal(licenceIdOf('llama3.2'), 'llama3.2');
    assert.equal(licenceIdOf('cc-by-nc-4.0'), null);
  });

  it('every known model names a licence flambeau knows, and covers the families the issue asks for', () => {
    for (const model of KNOWN_MODELS) {
      for (const id of [model.licence, ...model.alsoLicensedUnder]) assert.ok(LICENCES[id], `${model.name}: ${id}`);
      assert.match(model.ref, /^(hf|ollama):/);
      assert.match(model.card, /^https:\/\//);
    }
    assert.deepEqual([...new Set(KNOWN_MODELS.map((m) => m.family))].sort(), [
      'bge',
      'deepseek',
      'e5',
      'gemma',
      'llama',
      'mistral',
      'nomic',
      'phi',
      'qwen',
      'smollm',
    ]);
    // Embedding models for knowledge search, multilingual ones included (issue 20).
    assert.deepEqual(
      KNOWN_MODELS.filter((m) => m.kind === 'embedding').map((m) => m.name),
      ['multilingual-e5-small', 'bge-m3', 'nomic-embed-text'],
    );
  });

  it('reads deployment: from the config shape', () => {
    assert.deepEqual(toDeployment(deploymentFileSchema.parse({ use: 'commercial', monthly_users: 20 })), {
      use: 'commercial',
      monthlyUsers: 20,
      onViolation: 'refuse',
    });
    assert.equal(toDeployment(undefined), null);
    assert.equal(deploymentFileSchema.safeParse({ use: 'business' }).success, false);
  });

  it('refuses at start-up a served model whose GGUF licence forbids the use, or only warns when told so', async () => {
    const store = createModelStore(join(dir, 'home'));
    const models = [
      { name: 'research', path: ggufWithLicence('research', 'qwen-research') },
      { name: 'open', path: ggufWithLicence('open', 'apache-2.0') },
      { name: 'cloud-thing' },
    ];
    const report = await checkServedLicences(models, store, deployment('commercial'));
    assert.deepEqual(
      report.map((r) => [r.name, r.licenceIds, r.verdict.allowed]),
      [
        ['research', ['qwen-research'], false],
        ['open', ['apache-2.0'], true],
      ],
    );
    assert.throws(
      () => enforceLicences(report, deployment('commercial')),
      (error: unknown) => {
        assert.ok(error instanceof FlambeauError);
        assert.equal(error.code, 'policy_denied');
        assert.match(error.message, /research \(qwen-research\): the Qwen Research License allows non-commercial research use only/);
        assert.deepEqual(error.details.models, [{ model: 'research', licences: ['qwen-research'], reasons: [report[0]?.verdict.reasons[0]] }]);
        return true;
      },
    );
    const warnings = enforceLicences(report, deployment('commercial', null, 'warn'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^research/);
    const personal = await checkServedLicences(models, store, deployment('personal'));
    assert.deepEqual(enforceLicences(personal, deployment('personal')), []);
  });
});
