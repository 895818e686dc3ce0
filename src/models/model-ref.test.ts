import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../errors/index.js';
import { createProgressReporter } from './download/progress-reporter.js';
import { resolveHubEndpoints } from './hub-endpoints.js';
import { formatModelRef, parseModelRef } from './model-ref.js';

describe('model refs', () => {
  it('parses the four kinds and formats them back', () => {
    const cases: [string, unknown, string][] = [
      [
        'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf',
        { kind: 'hf', owner: 'Qwen', repo: 'Qwen2.5-0.5B-Instruct-GGUF', file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf', revision: 'main' },
        'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf',
      ],
      ['hf:a/b/sub/m.gguf@v1.0', { kind: 'hf', owner: 'a', repo: 'b', file: 'sub/m.gguf', revision: 'v1.0' }, 'hf:a/b/sub/m.gguf@v1.0'],
      ['ollama:qwen2.5:0.5b', { kind: 'ollama', namespace: 'library', name: 'qwen2.5', tag: '0.5b' }, 'ollama:qwen2.5:0.5b'],
      ['ollama:me/tiny', { kind: 'ollama', namespace: 'me', name: 'tiny', tag: 'latest' }, 'ollama:me/tiny:latest'],
      ['https://example.org/m.gguf', { kind: 'url', url: 'https://example.org/m.gguf' }, 'https://example.org/m.gguf'],
      ['Qwen2.5-0.5B-Instruct', { kind: 'known', name: 'qwen2.5-0.5b-instruct' }, 'qwen2.5-0.5b-instruct'],
    ];
    for (const [raw, parsed, formatted] of cases) {
      assert.deepEqual(parseModelRef(raw), parsed, raw);
      assert.equal(formatModelRef(parseModelRef(raw)), formatted);
    }
    for (const bad of ['hf:a/b', 'hf:a/b/model.bin', 'hf:../b/m.gguf', 'ollama:', 'a name with spaces']) {
      assert.throws(
        () => parseModelRef(bad),
        (e: unknown) => e instanceof FlambeauError && e.code === 'invalid_request',
        bad,
      );
    }
  });

  it('takes hub endpoints from HF_ENDPOINT and FLAMBEAU_OLLAMA_REGISTRY', () => {
    assert.deepEqual(resolveHubEndpoints({}), { huggingFace: 'https://huggingface.co', ollama: 'https://registry.ollama.ai' });
    assert.deepEqual(resolveHubEndpoints({ HF_ENDPOINT: 'https://hf-mirror.com/', FLAMBEAU_OLLAMA_REGISTRY: 'http://127.0.0.1:5000' }), {
      huggingFace: 'https://hf-mirror.com',
      ollama: 'http://127.0.0.1:5000',
    });
  });

  it('draws a bar with rate and ETA on a terminal', () => {
    let t = 0;
    const out: string[] = [];
    const bar = createProgressReporter({ out: { write: (s: string) => out.push(s), isTTY: true }, label: 'pulling m', now: () => t });
    bar.update(0, 10_000_000);
    t = 1000;
    bar.update(5_000_000, 10_000_000);
    assert.equal(out.at(-1), '\rpulling m [############------------] 50% 5.0 MB / 10.0 MB, 5.0 MB/s, ETA 1s\x1b[K');
    t = 2000;
    bar.update(10_000_000, 10_000_000);
    bar.done();
    assert.equal(out.at(-1), '\r\x1b[Kpulling m: done, 10.0 MB in 2s\n');
  });
});
