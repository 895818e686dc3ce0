import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { makeTestModels, type TestModelPaths } from '../../test/fixtures/test-models.js';
import { startModelHub, type ModelHub } from '../../test/helpers/model-hub.js';
import { FlambeauError } from '../errors/index.js';
import { openStore, type Store } from '../store/store.js';
import { createProgressReporter } from './download/progress-reporter.js';
import { importModel } from './import-model.js';
import { pullModel, type PullDeps } from './pull-model.js';
import { createModelStore } from './store/model-store.js';
import { createVersionRegistry } from './versions/version-registry.js';

let dir: string;
let files: TestModelPaths;
let chatBytes: Buffer;
let hub: ModelHub;
let home: string;
let db: Store;
let output: string[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flambeau-pull-'));
  files = await makeTestModels(join(dir, 'fixtures'));
  chatBytes = await readFile(files.chat);
});
after(async () => {
  await hub?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await hub?.close();
  db?.close();
  hub = await startModelHub();
  home = mkdtempSync(join(dir, 'home-'));
  db = openStore(join(home, 'flambeau.db'));
  output = [];
});

function deps(extra: Partial<PullDeps> = {}): PullDeps {
  return {
    store: createModelStore(home),
    registry: createVersionRegistry(db.sql),
    endpoints: { huggingFace: hub.url, ollama: hub.url },
    hfToken: null,
    progress: (label) => createProgressReporter({ out: { write: (t: string) => output.push(t), isTTY: false }, label }),
    ...extra,
  };
}

async function rejection(promise: Promise<unknown>): Promise<FlambeauError> {
  try {
    await promise;
  } catch (thrown) {
    assert.ok(thrown instanceof FlambeauError, String(thrown));
    return thrown;
  }
  assert.fail('expected a rejection');
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('flambeau pull (against the imitation hub)', () => {
  it('pulls hf:OWNER/REPO/FILE through the CDN redirect, verifies the LFS sha256 and reads the GGUF', async () => {
    hub.addHfFile('acme', 'tiny-GGUF', 'tiny-f16.gguf', chatBytes);
    const added = await pullModel('hf:acme/tiny-GGUF/tiny-f16.gguf', {}, deps());
    assert.equal(added.name, 'tiny-f16');
    assert.equal(added.model.sha256, sha(chatBytes));
    assert.equal(added.model.source.verified, true);
    assert.deepEqual(
      {
        arch: added.model.gguf.architecture,
        quant: added.model.gguf.quantisation,
        ctx: added.model.gguf.contextLength,
        template: added.model.gguf.hasChatTemplate,
      },
      { arch: 'llama', quant: 'F16', ctx: 4096, template: true },
    );
    assert.ok((added.model.gguf.parameters ?? 0) > 100_000);
    assert.equal(added.version?.version, 1);
    const blob = join(home, 'models', 'blobs', `sha256-${sha(chatBytes)}`);
    assert.deepEqual(await readFile(blob), chatBytes);
    assert.ok(existsSync(join(home, 'models', 'manifests', `sha256-${sha(chatBytes)}.json`)));
    // As huggingface_hub does: HEAD on the resolve URL (sha256 and size), then GET from the CDN it redirects to.
    assert.deepEqual(
      hub.requests.map((r) => `${r.method} ${r.path.split('/').slice(0, 3).join('/')}`),
      ['HEAD /acme/tiny-GGUF', 'GET /cdn/lfs'],
    );
    // Plain progress lines (not a TTY): percentages, a rate, then done.
    const text = output.join('');
    assert.match(text, /^pulling tiny-f16: 0% 0 B \/ 3\.\d MB, [\d.]+ \w?B\/s/m);
    assert.match(text, /^pulling tiny-f16: 100% 3\.\d MB \/ 3\.\d MB/m);
    assert.match(text, /^pulling tiny-f16: done, 3\.\d MB in \d+s$/m);
    // Pulling again downloads nothing and adds no version.
    const again = await pullModel('hf:acme/tiny-GGUF/tiny-f16.gguf', {}, deps());
    assert.equal(again.alreadyPresent, true);
    assert.equal(again.version, null);
  });

  it("sends HF_TOKEN to the hub's origin only, never to the CDN it redirects to, also when resuming", async () => {
    hub.addHfFile('acme', 'gated-GGUF', 'tiny-f16.gguf', chatBytes);
    hub.cutAfter(1_000_000);
    const added = await pullModel('hf:acme/gated-GGUF/tiny-f16.gguf', {}, deps({ hfToken: 'hf_imitationSecret123' }));
    assert.equal(added.model.sha256, sha(chatBytes));
    const atHub = hub.requests.filter((r) => r.server === 'hub');
    const atCdn = hub.requests.filter((r) => r.server === 'cdn');
    assert.equal(atCdn.length, 2, 'the first download and its resumption both went to the CDN');
    for (const r of atHub) assert.equal(r.headers.authorization, 'Bearer hf_imitationSecret123');
    for (const r of atCdn) assert.doesNotMatch(JSON.stringify(r.headers), /hf_imitationSecret123/);
  });

  it('resumes an interrupted download with an HTTP range and gets the same file', async () => {
    hub.addHfFile('acme', 'tiny-GGUF', 'tiny-f16.gguf', chatBytes);
    hub.cutAfter(1_000_000);
    const added = await pullModel('hf:acme/tiny-GGUF/tiny-f16.gguf', {}, deps());
    assert.equal(added.model.sha256, sha(chatBytes));
    const ranged = hub.requests.filter((r) => r.path.startsWith('/cdn/') && r.range !== undefined);
    assert.equal(ranged.length, 1);
    const offset = Number(/^bytes=(\d+)-$/.exec(ranged[0]?.range ?? '')?.[1]);
    assert.ok(offset > 0 && offset <= 1_000_000, `resumed at ${offset}`);
    assert.match(output.join(''), new RegExp(`connection lost .*retrying\\n[^]*resuming at ${offset} bytes`));
  });

  it('keeps the partial file when the retries run out, and the next pull resumes it', async () => {
    hub.addHfFile('acme', 'tiny-GGUF', 'tiny-f16.gguf', chatBytes);
    hub.cutAfter(1_500_000);
    const failed = await rejection(pullModel('hf:acme/tiny-GGUF/tiny-f16.gguf', {}, deps({ retries: 0 })));
    assert.equal(failed.code, 'upstream_failed');
    assert.match(failed.message, /interrupted/);
    assert.equal(readdirSync(join(home, 'models', 'partial')).length, 1);
    const added = await pullModel('hf:acme/tiny-GGUF/tiny-f16.gguf', {}, deps({ retries: 0 }));
    assert.equal(added.model.sha256, sha(chatBytes));
    assert.match(hub.requests.at(-1)?.range ?? '', /^bytes=[1-9]\d*-$/);
    assert.deepEqual(readdirSync(join(home, 'models', 'partial')), []);
  });

  it('starts over when the server ignores the range', async () => {
    hub.addHfFile('acme', 'tiny-GGUF', 'tiny-f16.gguf', chatBytes);
    hub.cutAfter(1_000_000);
    hub.ignoreRanges = true;
    const added = await pullModel('hf:acme/tiny-GGUF/tiny-f16.gguf', {}, deps());
    assert.equal(added.model.sha256, sha(chatBytes));
    assert.match(output.join(''), /ignored the range request: starting over/);
  });

  it("rejects and deletes a file whose sha256 does not match the hub's", async () => {
    hub.addHfFile('acme', 'tiny-GGUF', 'tiny-f16.gguf', chatBytes, { advertisedSha256: 'a'.repeat(64) });
    const failed = await rejection(pullModel('hf:acme/tiny-GGUF/tiny-f16.gguf', {}, deps()));
    assert.equal(failed.code, 'upstream_failed');
    assert.match(failed.message, /sha256 mismatch.*deleted/);
    assert.deepEqual(readdirSync(join(home, 'models', 'partial')), []);
    assert.equal(existsSync(join(home, 'models', 'blobs')), false);
    assert.deepEqual(await createVersionRegistry(db.sql).names(), []);
  });

  it('pulls ollama:NAME:TAG from the registry manifest, with its licence, template and params layers', async () => {
    hub.addOllamaModel('tiny', '1b', chatBytes, { license: 'Apache License 2.0 ...', template: '{{ .Prompt }}', params: { stop: ['<|im_end|>'] } });
    const added = await pullModel('ollama:tiny:1b', {}, deps());
    assert.equal(added.name, 'tiny-1b');
    assert.equal(added.model.sha256, sha(chatBytes));
    assert.equal(added.model.source.verified, true);
    assert.deepEqual(added.model.ollama, { template: '{{ .Prompt }}', params: { stop: ['<|im_end|>'] }, licenseText: 'Apache License 2.0 ...' });
    assert.ok(hub.requests.some((r) => r.path === '/v2/library/tiny/manifests/1b'));
    assert.ok(
      hub.requests.some((r) => r.path.startsWith('/cdn/blobs/')),
      'the blob came through the redirect',
    );
    const missing = await rejection(pullModel('ollama:nope:1b', {}, deps()));
    assert.equal(missing.code, 'model_not_found');
  });

  it('needs --sha256 for a plain URL, and verifies it', async () => {
    hub.addPlainFile('m.gguf', chatBytes);
    const url = `${hub.url}/files/m.gguf`;
    assert.equal((await rejection(pullModel(url, {}, deps()))).code, 'invalid_request');
    assert.equal((await rejection(pullModel(url, { sha256: 'b'.repeat(64) }, deps()))).code, 'upstream_failed');
    const added = await pullModel(url, { sha256: sha(chatBytes), name: 'plain' }, deps());
    assert.equal(added.name, 'plain');
    assert.equal(added.model.source.kind, 'url');
  });

  it('keeps no password or signed query of a plain URL in the manifest or in its errors', async () => {
    hub.addPlainFile('signed.gguf', chatBytes);
    const secret = `${hub.url.replace('http://', 'http://user:pa55word@')}/files/signed.gguf?X-Amz-Signature=s3cr3t`;
    const wrong = await rejection(pullModel(secret, { sha256: 'b'.repeat(64) }, deps()));
    assert.doesNotMatch(`${wrong.message} ${JSON.stringify(wrong.details)}`, /pa55word|s3cr3t/);
    const added = await pullModel(secret, { sha256: sha(chatBytes), name: 'signed' }, deps());
    assert.equal(added.model.source.ref, `${hub.url}/files/signed.gguf`);
    assert.doesNotMatch(JSON.stringify(added.model), /pa55word|s3cr3t/);
  });

  it("follows a loopback source's redirects to another loopback origin, and resolves redirect host names at connection time", async () => {
    hub.addPlainFile('m.gguf', chatBytes);
    hub.addRedirect('/files/moved.gguf', `${hub.cdnUrl}/files/m.gguf`);
    const added = await pullModel(`${hub.url}/files/moved.gguf`, { sha256: sha(chatBytes) }, deps());
    assert.equal(added.model.sha256, sha(chatBytes));
    assert.deepEqual(
      hub.requests.map((r) => `${r.server} ${r.path}`),
      ['hub /files/moved.gguf', 'cdn /files/m.gguf'],
    );
    // A name (not a literal) is resolved by the checking agent: here to the CDN on loopback, allowed for a loopback hub.
    const cdnPort = new URL(hub.cdnUrl).port;
    hub.addRedirect('/files/named.gguf', `http://cdn.flambeau.test:${cdnPort}/files/m.gguf`);
    const looked: string[] = [];
    const resolveHost = async (name: string) => {
      looked.push(name);
      return name === 'cdn.flambeau.test' ? [{ address: '127.0.0.1', family: 4 }] : [];
    };
    const again = await pullModel(`${hub.url}/files/named.gguf`, { sha256: sha(chatBytes), name: 'named' }, deps({ resolveHost }));
    assert.equal(again.alreadyPresent, true);
    // Already stored: nothing downloaded. A third name, so the download happens, through the named CDN.
    const other = Buffer.concat([chatBytes, Buffer.from('trailing bytes make another file')]);
    hub.addPlainFile('other.gguf', other);
    hub.addRedirect('/files/named-other.gguf', `http://cdn.flambeau.test:${cdnPort}/files/other.gguf`);
    const third = await pullModel(`${hub.url}/files/named-other.gguf`, { sha256: sha(other), name: 'other' }, deps({ resolveHost }));
    assert.equal(third.model.sha256, sha(other));
    assert.deepEqual(looked, ['cdn.flambeau.test']);
    assert.equal(hub.requests.at(-1)?.headers.host, `cdn.flambeau.test:${cdnPort}`);
  });

  it('refuses redirects to non-http schemes, link-local and metadata addresses, in any notation, before connecting', async () => {
    const targets = [
      'file:///etc/passwd',
      'ftp://127.0.0.1/m.gguf',
      'data:application/octet-stream;base64,R0dVRg==',
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://[::ffff:169.254.169.254]/latest/meta-data/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[fe80::1]/',
      'http://[fd00:ec2::254]/',
      'http://0.0.0.0:1/',
      'http://0xa9.0xfe.0xa9.0xfe/',
      'http://2852039166/',
    ];
    for (const [i, target] of targets.entries()) hub.addRedirect(`/files/evil-${i}.gguf`, target);
    for (const [i, target] of targets.entries()) {
      const failed = await rejection(pullModel(`${hub.url}/files/evil-${i}.gguf`, { sha256: sha(chatBytes) }, deps({ retries: 0 })));
      assert.equal(failed.code, 'upstream_failed', target);
      assert.match(failed.message, /^refused to download from /, target);
      assert.equal(failed.details.retryable, undefined, 'a refusal is not retried');
    }
    assert.ok(
      hub.requests.every((r) => r.server === 'hub'),
      'nothing reached another server',
    );
    assert.deepEqual(existsSync(join(home, 'models', 'partial')) ? readdirSync(join(home, 'models', 'partial')) : [], []);
  });

  it('refuses a redirect to a name that resolves to a refused address, at each new connection (DNS rebinding)', async () => {
    hub.addPlainFile('m.gguf', chatBytes);
    const cdnPort = new URL(hub.cdnUrl).port;
    hub.addRedirect('/files/rebound.gguf', `http://cdn.flambeau.test:${cdnPort}/files/m.gguf`);
    // The first answer is acceptable; the name then re-resolves to the metadata service.
    const answers = [
      [{ address: '127.0.0.1', family: 4 }],
      [
        { address: '127.0.0.1', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    ];
    const resolveHost = async () => answers.shift() ?? [{ address: '169.254.169.254', family: 4 }];
    const first = await pullModel(`${hub.url}/files/rebound.gguf`, { sha256: sha(chatBytes), name: 'rebound' }, deps({ resolveHost }));
    assert.equal(first.model.sha256, sha(chatBytes));
    rmSync(join(home, 'models', 'blobs'), { recursive: true });
    const cdnRequests = hub.requests.filter((r) => r.server === 'cdn').length;
    const failed = await rejection(pullModel(`${hub.url}/files/rebound.gguf`, { sha256: sha(chatBytes), name: 'rebound' }, deps({ resolveHost, retries: 0 })));
    assert.equal(failed.code, 'upstream_failed');
    assert.match(failed.message, /cdn\.flambeau\.test resolves to 169\.254\.169\.254, a link-local address/);
    assert.equal(hub.requests.filter((r) => r.server === 'cdn').length, cdnRequests, 'the CDN saw no request');
  });

  it('refuses an Ollama registry blob redirected to the metadata service, and redirect loops', async () => {
    hub.addOllamaModel('tiny', '1b', chatBytes);
    hub.addRedirect(`/v2/library/tiny/blobs/sha256:${sha(chatBytes)}`, 'http://169.254.169.254/latest/meta-data/');
    const failed = await rejection(pullModel('ollama:tiny:1b', {}, deps({ retries: 0 })));
    assert.match(failed.message, /refused to download from http:\/\/169\.254\.169\.254\/latest\/meta-data\/: 169\.254\.169\.254 is a link-local address/);
    hub.addRedirect('/files/loop.gguf', '/files/loop.gguf');
    const loop = await rejection(pullModel(`${hub.url}/files/loop.gguf`, { sha256: sha(chatBytes) }, deps({ retries: 0 })));
    assert.match(loop.message, /more than 10 redirects/);
    assert.equal(hub.requests.filter((r) => r.path === '/files/loop.gguf').length, 11);
  });

  it('stops a plain-URL download at the declared --size: a larger announced length before reading, a body without length as soon as it passes it', async () => {
    hub.addPlainFile('m.gguf', chatBytes);
    hub.addPlainFile('stream.gguf', chatBytes, { chunked: true });
    const announced = await rejection(pullModel(`${hub.url}/files/m.gguf`, { sha256: sha(chatBytes), size: 1_000_000 }, deps()));
    assert.equal(announced.code, 'upstream_failed');
    assert.match(announced.message, new RegExp(`announces ${chatBytes.length} bytes, more than the declared size \\(1000000 bytes\\)`));
    let mostReceived = 0;
    const progress = () => ({ update: (received: number) => void (mostReceived = Math.max(mostReceived, received)), note: () => {}, done: () => {} });
    const streamed = await rejection(pullModel(`${hub.url}/files/stream.gguf`, { sha256: sha(chatBytes), size: 1_000_000 }, deps({ progress })));
    assert.match(streamed.message, /sent more than the declared size \(1000000 bytes\); the download stopped and the partial file was deleted/);
    assert.deepEqual(readdirSync(join(home, 'models', 'partial')), []);
    assert.equal(hub.requests.filter((r) => r.path === '/files/stream.gguf').length, 1, 'a file that is too large is not retried');
    assert.ok(mostReceived > 0 && mostReceived <= 1_000_000, `no byte past the bound was kept (${mostReceived})`);
    // The right size, with no Content-Length: downloaded and verified.
    const added = await pullModel(`${hub.url}/files/stream.gguf`, { sha256: sha(chatBytes), size: chatBytes.length }, deps());
    assert.equal(added.model.size, chatBytes.length);
    for (const size of [0, -1, 1.5, Number.NaN])
      assert.equal((await rejection(pullModel(`${hub.url}/files/m.gguf`, { sha256: sha(chatBytes), size }, deps()))).code, 'invalid_request');
  });

  it('checks --size against the size the hub declares, and bounds what the Ollama registry may send', async () => {
    hub.addHfFile('acme', 'tiny-GGUF', 'tiny-f16.gguf', chatBytes);
    const differs = await rejection(pullModel('hf:acme/tiny-GGUF/tiny-f16.gguf', { size: chatBytes.length + 1 }, deps()));
    assert.equal(differs.code, 'invalid_request');
    assert.match(differs.message, /--size \d+ differs from the hub's \d+ bytes/);
    hub.addOllamaModel('padded', '1b', chatBytes, { manifestPadding: 5_000_000 });
    const padded = await rejection(pullModel('ollama:padded:1b', {}, deps()));
    assert.equal(padded.code, 'upstream_failed');
    assert.match(padded.message, /the registry sent more than 1000000 bytes for ollama:padded:1b/);
  });

  it('resolves a known model name to its hub file and records its licence', async () => {
    hub.addHfFile('Qwen', 'Qwen2.5-0.5B-Instruct-GGUF', 'qwen2.5-0.5b-instruct-q4_k_m.gguf', chatBytes);
    const added = await pullModel('qwen2.5-0.5b-instruct', {}, deps());
    assert.equal(added.name, 'qwen2.5-0.5b-instruct');
    assert.equal(added.model.source.ref, 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf');
    assert.deepEqual(added.model.licence, { id: 'apache-2.0', from: 'known-model', also: [] });
    const unknown = await rejection(pullModel('no-such-model-7b', {}, deps()));
    assert.equal(unknown.code, 'model_not_found');
  });

  it('pulls the known embedding models by name (the served name is what knowledge search looks for)', async () => {
    hub.addHfFile('cstr', 'multilingual-e5-small-GGUF', 'multilingual-e5-small-q8_0.gguf', chatBytes);
    const added = await pullModel('multilingual-e5-small', {}, deps());
    assert.equal(added.name, 'multilingual-e5-small');
    assert.equal(added.model.source.ref, 'hf:cstr/multilingual-e5-small-GGUF/multilingual-e5-small-q8_0.gguf');
    assert.deepEqual(added.model.licence, { id: 'mit', from: 'known-model', also: [] });
  });

  it('imports a local file with no network, and refuses a file that is not a GGUF', async () => {
    const added = await importModel(files.toolcall, { name: 'offline' }, deps());
    assert.equal(added.name, 'offline');
    assert.equal(added.model.source.kind, 'import');
    assert.equal(added.model.gguf.name, 'flambeau-toolcall');
    assert.equal(hub.requests.length, 0);
    const second = await importModel(files.chat, { name: 'offline' }, deps());
    assert.equal(second.version?.version, 2, 'a second file under the same name is a new version');
    const junk = join(dir, 'junk.gguf');
    writeFileSync(junk, 'not a model');
    assert.equal((await rejection(importModel(junk, {}, deps()))).code, 'invalid_request');
  });
});
