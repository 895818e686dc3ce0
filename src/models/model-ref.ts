import { FlambeauError } from '../errors/index.js';

/**
 * Where a model file comes from, as `flambeau pull REF` accepts it:
 * - `hf:OWNER/REPO/FILE.gguf` (optionally `hf:OWNER/REPO/FILE.gguf@REVISION`, default `main`);
 * - `ollama:NAME:TAG` or `ollama:NAMESPACE/NAME:TAG` (namespace `library`, tag `latest` by default);
 * - `https://...` (a plain URL; the caller must give the expected sha256);
 * - anything else: a name of the built-in list of known models (known-models.ts).
 */
export type ModelRef =
  | { kind: 'hf'; owner: string; repo: string; file: string; revision: string }
  | { kind: 'ollama'; namespace: string; name: string; tag: string }
  | { kind: 'url'; url: string }
  | { kind: 'known'; name: string };

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function parseModelRef(raw: string): ModelRef {
  const ref = raw.trim();
  if (ref.startsWith('hf:')) return parseHf(ref.slice(3), raw);
  if (ref.startsWith('ollama:')) return parseOllama(ref.slice(7), raw);
  if (/^https?:\/\//i.test(ref)) {
    try {
      return { kind: 'url', url: new URL(ref).toString() };
    } catch {
      throw invalid(raw, 'not a valid URL');
    }
  }
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(ref)) throw invalid(raw, 'expected hf:OWNER/REPO/FILE.gguf, ollama:NAME:TAG, an https:// URL or a known model name');
  return { kind: 'known', name: ref.toLowerCase() };
}

/** The canonical text of a ref (stored in manifests as the source, through withoutSecrets). */
export function formatModelRef(ref: ModelRef): string {
  switch (ref.kind) {
    case 'hf':
      return `hf:${ref.owner}/${ref.repo}/${ref.file}${ref.revision === 'main' ? '' : `@${ref.revision}`}`;
    case 'ollama':
      return `ollama:${ref.namespace === 'library' ? '' : `${ref.namespace}/`}${ref.name}:${ref.tag}`;
    case 'url':
      return ref.url;
    case 'known':
      return ref.name;
  }
}

function parseHf(rest: string, raw: string): ModelRef {
  const at = rest.lastIndexOf('@');
  const path = at === -1 ? rest : rest.slice(0, at);
  const revision = at === -1 ? 'main' : rest.slice(at + 1);
  const parts = path.split('/');
  const [owner, repo, ...fileParts] = parts;
  const file = fileParts.join('/');
  if (owner === undefined || repo === undefined || !SEGMENT.test(owner) || !SEGMENT.test(repo) || file === '')
    throw invalid(raw, 'expected hf:OWNER/REPO/FILE.gguf');
  if (!file.toLowerCase().endsWith('.gguf') || fileParts.some((p) => !SEGMENT.test(p)))
    throw invalid(raw, 'the file must be a .gguf path inside the repository');
  if (revision === '' || !/^[A-Za-z0-9._/-]+$/.test(revision)) throw invalid(raw, 'bad revision');
  return { kind: 'hf', owner, repo, file, revision };
}

function parseOllama(rest: string, raw: string): ModelRef {
  const colon = rest.lastIndexOf(':');
  const path = colon === -1 ? rest : rest.slice(0, colon);
  const tag = colon === -1 ? 'latest' : rest.slice(colon + 1);
  const slash = path.indexOf('/');
  const namespace = slash === -1 ? 'library' : path.slice(0, slash);
  const name = slash === -1 ? path : path.slice(slash + 1);
  if (!SEGMENT.test(namespace) || !SEGMENT.test(name) || !SEGMENT.test(tag)) throw invalid(raw, 'expected ollama:NAME:TAG');
  return { kind: 'ollama', namespace, name, tag };
}

function invalid(raw: string, why: string): FlambeauError {
  return new FlambeauError('invalid_request', `model reference "${raw}": ${why}.`, { param: 'ref', details: { ref: raw } });
}
