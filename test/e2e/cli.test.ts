import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestModels, TEST_MODEL_ANSWER } from '../fixtures/test-models.js';
import { CLI_ENTRY, runCli, TSX_LOADER, type CliResult } from '../helpers/run-cli.js';

const cli = CLI_ENTRY;
const tsx = TSX_LOADER;

function run(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return runCli(args, { env: { FLAMBEAU_MASTER_KEY: '', ...env }, ...(input === undefined ? {} : { input }) });
}

describe('the flambeau CLI', () => {
  let home: string;
  let server: ChildProcess;
  let url: string;
  let firstOutput = '';

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'flambeau-cli-'));
    const models = await makeTestModels(join(home, 'build'));
    mkdirSync(join(home, 'models'));
    copyFileSync(models.chat, join(home, 'models', 'tiny-chat.gguf'));
    // No config at all: the embedded defaults serve HOME/models/*.gguf.
    server = spawn(process.execPath, ['--import', tsx, cli, 'serve', '--home', home, '--port', '0'], {
      cwd: home,
      env: { ...process.env, FLAMBEAU_MASTER_KEY: '', FLAMBEAU_ENGINE_THREADS: '1', FLAMBEAU_ENGINE_GPU: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      server.stdout?.on('data', (d: Buffer) => {
        firstOutput += d.toString();
        const match = /listening on (http:\/\/\S+)/.exec(firstOutput);
        if (match) resolve(match[1] as string);
      });
      server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
  });
  after(async () => {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(home, { recursive: true, force: true });
  });

  it('serve generates a master key once, stored with mode 600, and listens on loopback', () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(firstOutput, /Generated a master key/);
    assert.equal(statSync(join(home, 'master.key')).mode & 0o777, 0o600);
    assert.match(firstOutput, /tiny-chat \(device\)/);
  });

  it('models lists the served model through the running server', async () => {
    const result = await run(['models', '--url', url, '--home', home]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^MODEL\s+PROVIDER/m);
    assert.match(result.stdout, /tiny-chat\s+local\s+llamacpp\s+device/);
  });

  it('chat streams the answer to the terminal', async () => {
    const result = await run(['chat', 'tiny-chat', 'Bonjour', '--url', url, '--home', home]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), TEST_MODEL_ANSWER);
    assert.match(result.stderr, /prompt \+ \d+ completion tokens/);
    const piped = await run(['chat', 'tiny-chat', '-', '--url', url, '--home', home], {}, 'Salut depuis stdin');
    assert.equal(piped.stdout.trim(), TEST_MODEL_ANSWER);
  });

  it('exit codes tell scripts what went wrong', async () => {
    const wrongKey = await run(['models', '--url', url, '--key', 'nope']);
    assert.equal(wrongKey.code, 4);
    assert.match(wrongKey.stderr, /unauthenticated/);
    const unknown = await run(['chat', 'no-such-model', 'hi', '--url', url, '--home', home]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /model_not_found/);
    const unreachable = await run(['models', '--url', 'http://127.0.0.1:9', '--key', 'k']);
    assert.equal(unreachable.code, 3);
    const badFlag = await run(['models', '--no-such-flag']);
    assert.equal(badFlag.code, 2);
    const help = await run(['serve', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--model <path.gguf>/);
  });

  it('config check prints every setting with its source, secrets masked; a bad config exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flambeau-cfg-'));
    try {
      writeFileSync(
        join(dir, 'flambeau.yaml'),
        'providers:\n  - id: cloud\n    type: openai-compatible\n    base_url: https://api.example.com/v1\n    api_key: env:CLOUD_KEY\n    locality: cloud\nmodels:\n  - name: cloud-small\n    provider: cloud\n    model: small-1\nserver:\n  port: 5151\n',
      );
      const ok = await run(['config', 'check', '--config', join(dir, 'flambeau.yaml'), '--home', dir], {
        CLOUD_KEY: 'sk-very-secret-value-123456',
        FLAMBEAU_HOST: '127.0.0.2',
      });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /server\.port\s+5151\s+file/);
      assert.match(ok.stdout, /server\.host\s+127\.0\.0\.2\s+env/);
      assert.match(ok.stdout, /server\.body_limit_bytes\s+4194304\s+default/);
      assert.match(ok.stdout, /cloud\s+openai-compatible\s+cloud\s+https:\/\/api\.example\.com\/v1\s+\*\*\*\*3456/);
      assert.ok(!ok.stdout.includes('sk-very-secret-value'));

      writeFileSync(
        join(dir, 'flambeau.yaml'),
        'providers:\n  - id: cloud\n    type: openai-compatible\n    base_url: https://api.example.com/v1\nmodels: []\n',
      );
      const bad = await run(['config', 'check', '--config', join(dir, 'flambeau.yaml'), '--home', dir]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /locality/);
      writeFileSync(join(dir, 'flambeau.yaml'), 'server:\n  prot: 1\n');
      const typo = await run(['config', 'check', '--config', join(dir, 'flambeau.yaml'), '--home', dir]);
      assert.equal(typo.code, 2);
      assert.match(typo.stderr, /server/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
