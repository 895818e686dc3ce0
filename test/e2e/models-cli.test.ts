import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureAuditKey } from '../../src/audit/audit-key.js';
import { homePaths } from '../../src/config/home-layout.js';
import { freshPgDatabase } from '../helpers/pg-database.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { makeTestModels, type TestModelPaths } from '../fixtures/test-models.js';
import { startModelHub, type ModelHub } from '../helpers/model-hub.js';

let dir: string;
let home: string;
let files: TestModelPaths;
let hub: ModelHub;

function run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { env: { FLAMBEAU_HOME: home, HF_ENDPOINT: hub.url, FLAMBEAU_OLLAMA_REGISTRY: hub.url, HF_TOKEN: '', ...env } });
}

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The model changes in HOME's audit log, oldest first, as [action, details]; each by the master. */
async function modelRecords(): Promise<[string | undefined, Record<string, unknown> | undefined][]> {
  const exported = await run(['audit', 'export', '--home', home]);
  assert.equal(exported.code, 0, exported.stderr);
  const records = exported.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: { type: string; action?: string; actor?: unknown; details?: Record<string, unknown> } })
    .filter((r) => r.event.type === 'admin' && r.event.action?.startsWith('model.') === true);
  for (const r of records) assert.deepEqual(r.event.actor, { kind: 'master', keyId: null, team: null });
  return records.map((r) => [r.event.action, r.event.details]);
}

async function assertVerifies(count: number): Promise<void> {
  const verified = await run(['audit', 'verify', '--home', home]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, new RegExp(`^OK: ${count} records; head ${count}:[0-9a-f]{64}; keyed from record 1, head file matches`, 'm'));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flambeau-models-cli-'));
  home = join(dir, 'home');
  files = await makeTestModels(join(dir, 'fixtures'));
  hub = await startModelHub();
  hub.addHfFile('Qwen', 'Qwen2.5-0.5B-Instruct-GGUF', 'qwen2.5-0.5b-instruct-q4_k_m.gguf', readFileSync(files.chat));
});
after(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('flambeau pull / models (CLI, imitation hub)', () => {
  it('pulls a known model with plain progress lines, then shows, imports, promotes and rolls back', async () => {
    const pulled = await run(['pull', 'qwen2.5-0.5b-instruct']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.match(pulled.stderr, /^pulling qwen2\.5-0\.5b-instruct: \d+% [\d.]+ \w?B \/ 3\.\d MB, [\d.]+ \w?B\/s/m);
    assert.match(pulled.stderr, /^pulling qwen2\.5-0\.5b-instruct: done/m);
    assert.match(pulled.stdout, /qwen2\.5-0\.5b-instruct v1 added/);

    const shown = await run(['models', 'show', 'qwen2.5-0.5b-instruct']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^architecture\s+llama$/m);
    assert.match(shown.stdout, /^quantisation\s+F16$/m);
    assert.match(shown.stdout, /^context\s+4096 tokens/m);
    assert.match(shown.stdout, /^chat template\s+yes/m);
    assert.match(shown.stdout, /^licence\s+Apache License 2\.0: commercial use allowed/m);
    assert.match(shown.stdout, /^source\s+hf:Qwen\/Qwen2\.5-0\.5B-Instruct-GGUF\/qwen2\.5-0\.5b-instruct-q4_k_m\.gguf \(sha256 verified\)$/m);

    const imported = await run(['models', 'import', files.toolcall, '--name', 'qwen2.5-0.5b-instruct']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /v2 added; the current version is unchanged/);
    const canary = await run(['models', 'promote', 'qwen2.5-0.5b-instruct', 'v2', '--canary', '10']);
    assert.match(canary.stdout, /v2 gets 10% of requests, v1 the rest/);
    const listed = await run(['models', 'list', '--local']);
    assert.match(listed.stdout, /^qwen2\.5-0\.5b-instruct\s+v1 of 2\s+v2 10%/m);
    assert.match((await run(['models', 'promote', 'qwen2.5-0.5b-instruct', '2'])).stdout, /v2 is current \(previous: v1\)/);
    assert.match((await run(['models', 'rollback', 'qwen2.5-0.5b-instruct'])).stdout, /v1 is current/);

    const bad = await run(['models', 'promote', 'qwen2.5-0.5b-instruct', '7']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /no version 7/);

    // Each change of what can serve wrote its audit record in its transaction (the failed one
    // none), by the master, as `flambeau keys create` does; pull and import name the file and its
    // source; the chain, its MACs and HOME/audit.head verify.
    const chat = readFileSync(files.chat);
    const toolcall = readFileSync(files.toolcall);
    const name = 'qwen2.5-0.5b-instruct';
    assert.deepEqual(await modelRecords(), [
      [
        'model.added',
        {
          model: name,
          version: 1,
          sha256: sha256Of(chat),
          size: chat.length,
          source: { kind: 'hf', ref: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf', known: name, verified: true },
          via: 'cli',
        },
      ],
      [
        'model.added',
        {
          model: name,
          version: 2,
          sha256: sha256Of(toolcall),
          size: toolcall.length,
          source: { kind: 'import', ref: files.toolcall, known: null, verified: false },
          via: 'cli',
        },
      ],
      ['model.promoted', { model: name, version: 2, canaryPercent: 10, via: 'cli' }],
      ['model.promoted', { model: name, version: 2, canaryPercent: null, via: 'cli' }],
      ['model.rolled_back', { model: name, version: null, canaryPercent: null, via: 'cli' }],
    ]);
    await assertVerifies(5);

    // Pulling a file the name serves already changes nothing, and records nothing.
    assert.match((await run(['models', 'rollback', name])).stdout, /v2 is current/);
    assert.match((await run(['models', 'import', files.toolcall, '--name', name])).stdout, /already serves this file/);
    assert.equal((await modelRecords()).length, 6);

    const removed = await run(['models', 'rm', name]);
    assert.match(removed.stdout, /removed; deleted [0-9a-f]{12}, [0-9a-f]{12}/);
    assert.deepEqual((await modelRecords()).at(-1), [
      'model.removed',
      {
        model: name,
        versions: [
          { version: 1, sha256: sha256Of(chat) },
          { version: 2, sha256: sha256Of(toolcall) },
        ],
        via: 'cli',
      },
    ]);
    await assertVerifies(7);
  });

  it('records a pull from a plain URL without its password or query string, which may be credentials', async () => {
    const bytes = Buffer.concat([readFileSync(files.toolcall), Buffer.from('signed')]);
    hub.addPlainFile('signed.gguf', bytes);
    const url = new URL(`${hub.url}/files/signed.gguf?X-Amz-Signature=s3cr3tSignature&token=s3cr3tToken`);
    const pulled = await run(['pull', url.toString(), '--sha256', sha256Of(bytes), '--name', 'signed']);
    assert.equal(pulled.code, 0, pulled.stderr);
    const exported = await run(['audit', 'export', '--home', home]);
    assert.doesNotMatch(exported.stdout, /s3cr3t/);
    assert.deepEqual((await modelRecords()).at(-1), [
      'model.added',
      {
        model: 'signed',
        version: 1,
        sha256: sha256Of(bytes),
        size: bytes.length,
        source: { kind: 'url', ref: `${hub.url}/files/signed.gguf`, known: null, verified: true },
        via: 'cli',
      },
    ]);
    assert.match((await run(['models', 'rm', 'signed'])).stdout, /signed removed/);
    await assertVerifies((await modelRecords()).length);
  });

  it('sends HF_TOKEN to the hub only, never to the CDN on another origin', async () => {
    hub.addHfFile('acme', 'gated-GGUF', 'gated.gguf', readFileSync(files.toolcall));
    const seen = hub.requests.length;
    const pulled = await run(['pull', 'hf:acme/gated-GGUF/gated.gguf'], { HF_TOKEN: 'hf_cliImitationToken' });
    assert.equal(pulled.code, 0, pulled.stderr);
    const requests = hub.requests.slice(seen);
    assert.deepEqual(
      requests.map((r) => `${r.server} ${r.method} ${r.headers.authorization ?? '-'}`),
      ['hub HEAD Bearer hf_cliImitationToken', 'cdn GET -'],
    );
    assert.doesNotMatch(JSON.stringify(requests.filter((r) => r.server === 'cdn')), /hf_cliImitationToken/);
  });

  it('refuses a plain URL redirected to the cloud metadata service, with a clear message', async () => {
    hub.addRedirect('/files/trap.gguf', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/');
    const seen = hub.requests.length;
    const pulled = await run(['pull', `${hub.url}/files/trap.gguf`, '--sha256', 'c'.repeat(64), '--retries', '0']);
    assert.equal(pulled.code, 1, pulled.stderr);
    assert.match(
      pulled.stderr,
      /refused to download from http:\/\/169\.254\.169\.254\/latest\/meta-data\/iam\/security-credentials\/: 169\.254\.169\.254 is a link-local address/,
    );
    assert.deepEqual(
      hub.requests.slice(seen).map((r) => `${r.server} ${r.path}`),
      ['hub /files/trap.gguf'],
    );
  });

  it('stops a plain URL at --size, and refuses a --size that is not a number of bytes', async () => {
    // Not a file an earlier test stored: this one must be downloaded.
    const bytes = Buffer.concat([readFileSync(files.toolcall), Buffer.from('another file')]);
    hub.addPlainFile('unsized.gguf', bytes, { chunked: true });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stopped = await run(['pull', `${hub.url}/files/unsized.gguf`, '--sha256', sha256, '--size', '4096', '--name', 'unsized']);
    assert.equal(stopped.code, 1, stopped.stderr);
    assert.match(stopped.stderr, /sent more than the declared size \(4096 bytes\); the download stopped and the partial file was deleted/);
    assert.deepEqual(readdirSync(join(home, 'models', 'partial')), []);
    for (const size of ['0', '1e9']) assert.equal((await run(['pull', `${hub.url}/files/unsized.gguf`, '--sha256', sha256, '--size', size])).code, 2, size);
    const pulled = await run(['pull', `${hub.url}/files/unsized.gguf`, '--sha256', sha256, '--size', String(bytes.length), '--name', 'unsized']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.match(pulled.stdout, /unsized v1 added/);
    assert.match((await run(['pull', '--help'])).stdout, /--size <bytes>/);
  });

  it('describes everything in --help', async () => {
    const help = await run(['models', '--help']);
    assert.equal(help.code, 0);
    for (const word of ['list', 'show', 'import', 'promote', 'rollback', 'rm', 'known', '--canary', 'flambeau pull'])
      assert.ok(help.stdout.includes(word), word);
    const pull = await run(['pull', '--help']);
    assert.match(pull.stdout, /HF_ENDPOINT/);
    assert.match(pull.stdout, /FLAMBEAU_OLLAMA_REGISTRY/);
    const known = await run(['models', 'known']);
    assert.match(known.stdout, /^llama-3\.2-1b-instruct\s+~810\.0 MB\s+Q4_K_M\s+llama3\.2\s+yes/m);
    assert.match(known.stdout, /^qwen2\.5-3b-instruct\s+.*qwen-research\s+no/m);
  });
});

describe('flambeau pull / models import / models rm on a shared PostgreSQL store (CLI)', () => {
  let pg: { url: string; drop(): Promise<void> };
  before(async () => {
    pg = await freshPgDatabase('flambeau_models_cli');
  });
  after(async () => {
    await pg?.drop();
  });

  it("refuses before any download or write until the servers' audit key is there, then records each change under it", async () => {
    const server = join(dir, 'pg-server');
    ensureAuditKey(server); // as `flambeau serve` makes it on a server's host
    const operator = join(dir, 'pg-operator');
    const onPg = (args: string[]) => run(args, { FLAMBEAU_HOME: operator, FLAMBEAU_STORE_URL: pg.url });

    const seen = hub.requests.length;
    const pulled = await onPg(['pull', 'qwen2.5-0.5b-instruct', '--name', 'shared']);
    assert.equal(pulled.code, 2, pulled.stderr);
    assert.match(pulled.stderr, /no audit\.key/);
    assert.equal(hub.requests.length, seen, 'nothing downloaded');
    const imported = await onPg(['models', 'import', files.toolcall, '--name', 'shared']);
    assert.equal(imported.code, 2, imported.stderr);
    assert.doesNotMatch((await onPg(['models', 'list', '--local'])).stdout, /shared/, 'nothing registered');
    assert.equal(existsSync(homePaths(operator).auditKey), false, 'no key made up on the operator host');

    copyFileSync(homePaths(server).auditKey, homePaths(operator).auditKey);
    assert.equal((await onPg(['models', 'import', files.toolcall, '--name', 'shared'])).code, 0);
    assert.equal((await onPg(['models', 'rm', 'shared'])).code, 0);
    const exported = await onPg(['audit', 'export', '--home', operator]);
    assert.deepEqual(
      exported.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { event: { action?: string } }).event.action),
      ['model.added', 'model.removed'],
    );
    // MACed with the servers' key (the copy), and the operator's head file names the last record.
    const verified = await onPg(['audit', 'verify', '--home', operator]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^OK: 2 records; head 2:[0-9a-f]{64}; keyed from record 1, head file matches/m);
  });
});
