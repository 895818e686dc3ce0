import { createHash } from 'node:crypto';
import { FlambeauError } from '../errors/index.js';
import { downloadFile } from './download/download-file.js';
import { createHopGuard, type HopGuard, type ResolveHost } from './download/hop-guard.js';
import type { ProgressReporter } from './download/progress-reporter.js';
import { readGgufFacts } from './gguf/read-gguf-facts.js';
import type { HubEndpoints } from './hub-endpoints.js';
import { resolveHfFile } from './hub/hf-resolve.js';
import { resolveOllamaModel } from './hub/ollama-resolve.js';
import type { RemoteFile } from './hub/remote-file.js';
import { findKnownModel, type KnownModel } from './known-models.js';
import { licenceIdOf } from './licence/licence-terms.js';
import { withoutSecrets } from './download/without-secrets.js';
import { formatModelRef, parseModelRef, type ModelRef } from './model-ref.js';
import type { LocalModel } from './store/local-model.js';
import type { ModelStore } from './store/model-store.js';
import type { SqlExecutor } from '../store/sql.js';
import type { ModelVersion, VersionRegistry, VersionSettings } from './versions/version-registry.js';

export interface PullDeps {
  store: ModelStore;
  registry: VersionRegistry;
  endpoints: HubEndpoints;
  /** Sent to the Hugging Face hub only (gated repos). */
  hfToken: string | null;
  progress(label: string): ProgressReporter;
  /** Further attempts after a cut connection, each resuming where the last stopped. Default 3. */
  retries?: number;
  /** Resolves the names of the hosts a hub redirects to (default: the system's DNS); tests inject one. */
  resolveHost?: ResolveHost;
  signal?: AbortSignal;
  now?: () => Date;
  /**
   * Runs `write`, the registry write that makes the file servable under `name`, given the
   * transaction it joins: the CLI appends the change's audit record in that same transaction
   * (cli/commands/model-change-audit.ts), so a version is never served unrecorded. Default: the
   * write alone.
   */
  withVersionWrite?: VersionWriteWrapper;
}

export type VersionWriteWrapper = (
  added: { name: string; model: LocalModel },
  write: (tx: SqlExecutor | undefined) => Promise<ModelVersion | null>,
) => Promise<ModelVersion | null>;

export interface PullOptions {
  /** The served name (default: the known model's name, or the file stem). */
  name?: string;
  /** Required for a plain URL; checked against the hub's when both exist. */
  sha256?: string;
  /** Bytes: the download stops once the server sends more. Checked against the hub's when both exist. */
  size?: number;
  settings?: VersionSettings;
}

export interface AddedModel {
  model: LocalModel;
  name: string;
  /** The version added, or null when the name's current version already is this file. */
  version: ModelVersion | null;
  alreadyPresent: boolean;
}

/** `flambeau pull REF`: resolve, download (resuming, verified), store, register a version. */
export async function pullModel(refText: string, options: PullOptions, deps: PullDeps): Promise<AddedModel> {
  let ref = parseModelRef(refText);
  let known: KnownModel | undefined;
  if (ref.kind === 'known') {
    known = findKnownModel(ref.name);
    if (known === undefined)
      throw new FlambeauError(
        'model_not_found',
        `"${ref.name}" is not a known model name; give hf:OWNER/REPO/FILE.gguf, ollama:NAME:TAG or an https:// URL with --sha256 (\`flambeau models known\` lists the names).`,
        { details: { ref: refText } },
      );
    ref = parseModelRef(known.ref);
  }
  const wanted = options.sha256?.toLowerCase();
  if (wanted !== undefined && !/^[0-9a-f]{64}$/.test(wanted)) throw new FlambeauError('invalid_request', '--sha256 takes 64 hex digits.', { param: 'sha256' });
  if (options.size !== undefined && !(Number.isSafeInteger(options.size) && options.size > 0))
    throw new FlambeauError('invalid_request', '--size takes a whole number of bytes.', { param: 'size' });
  const guard = createHopGuard(sourceOf(ref, deps.endpoints), deps.resolveHost);
  try {
    return await pullFrom(ref, known, wanted, options, guard, deps);
  } finally {
    await guard.close();
  }
}

async function pullFrom(
  ref: ModelRef,
  known: KnownModel | undefined,
  wanted: string | undefined,
  options: PullOptions,
  guard: HopGuard,
  deps: PullDeps,
): Promise<AddedModel> {
  const resolved = await resolve(ref, wanted, guard, deps);
  if (wanted !== undefined && resolved.sha256 !== null && resolved.sha256 !== wanted) {
    throw new FlambeauError('invalid_request', `--sha256 ${wanted} differs from the hub's ${resolved.sha256} for ${withoutSecrets(formatModelRef(ref))}.`, {
      param: 'sha256',
    });
  }
  if (options.size !== undefined && resolved.size !== null && resolved.size !== options.size) {
    throw new FlambeauError(
      'invalid_request',
      `--size ${options.size} differs from the hub's ${resolved.size} bytes for ${withoutSecrets(formatModelRef(ref))}.`,
      {
        param: 'size',
      },
    );
  }
  const remote: RemoteFile = { ...resolved, size: resolved.size ?? options.size ?? null };
  const expected = remote.sha256 ?? wanted ?? null;
  const name = options.name ?? known?.name ?? remote.suggestedName;
  const label = `pulling ${name}`;
  const reporter = deps.progress(label);
  let sha256: string;
  let size: number;
  let alreadyPresent = false;
  if (expected !== null && (await deps.store.has(expected))) {
    reporter.note('already downloaded');
    sha256 = expected;
    size = (await deps.store.readManifest(expected))?.size ?? remote.size ?? 0;
    alreadyPresent = true;
  } else {
    const partialPath = deps.store.partialPath(expected ?? createHash('sha256').update(remote.url).digest('hex'));
    const result = await downloadWithRetries(remote, expected, partialPath, reporter, guard, deps);
    sha256 = result.sha256;
    size = result.size;
    await deps.store.adopt(partialPath, sha256);
    reporter.done();
  }
  const source: LocalModel['source'] = {
    kind: ref.kind === 'known' ? 'url' : ref.kind,
    // Kept and shown for years (manifest, `models show`, audit): no password or signed query.
    ref: withoutSecrets(formatModelRef(ref)),
    known: known?.name ?? null,
    url: withoutSecrets(remote.url),
    verified: expected !== null,
  };
  return register({ sha256, size, source, name, known, extras: remote.extras, alreadyPresent }, options.settings ?? {}, deps);
}

/** The hub or URL the user configured: the only origin that gets the token, and whose redirects are checked. */
function sourceOf(ref: ModelRef, endpoints: HubEndpoints): string {
  switch (ref.kind) {
    case 'hf':
      return endpoints.huggingFace;
    case 'ollama':
      return endpoints.ollama;
    case 'url':
      return ref.url;
    case 'known':
      throw new FlambeauError('internal', 'known refs are resolved before this point.');
  }
}

async function resolve(ref: ModelRef, wanted: string | undefined, guard: HopGuard, deps: PullDeps): Promise<RemoteFile> {
  switch (ref.kind) {
    case 'hf':
      return resolveHfFile(ref, deps.endpoints.huggingFace, deps.hfToken, deps.signal);
    case 'ollama':
      return resolveOllamaModel(ref, deps.endpoints.ollama, guard, deps.signal);
    case 'url': {
      if (wanted === undefined)
        throw new FlambeauError('invalid_request', 'a plain URL needs --sha256 (the file cannot be verified otherwise).', { param: 'sha256' });
      const stem = decodeURIComponent(new URL(ref.url).pathname.split('/').at(-1) ?? 'model')
        .replace(/\.gguf$/i, '')
        .toLowerCase();
      return { url: ref.url, sha256: wanted, size: null, headers: {}, extras: {}, suggestedName: stem || 'model' };
    }
    case 'known':
      throw new FlambeauError('internal', 'known refs are resolved before this point.');
  }
}

async function downloadWithRetries(
  remote: RemoteFile,
  expected: string | null,
  partialPath: string,
  reporter: ProgressReporter,
  guard: HopGuard,
  deps: PullDeps,
) {
  const attempts = 1 + (deps.retries ?? 3);
  for (let attempt = 1; ; attempt++) {
    try {
      return await downloadFile({
        url: remote.url,
        partialPath,
        expectedSha256: expected,
        expectedSize: remote.size,
        headers: remote.headers,
        guard,
        onProgress: (p) => reporter.update(p.received, p.total),
        onNote: (note) => reporter.note(note),
        ...(deps.signal === undefined ? {} : { signal: deps.signal }),
      });
    } catch (error) {
      const retryable = error instanceof FlambeauError && error.details.retryable === true;
      if (!retryable || attempt >= attempts) throw error;
      reporter.note(`connection lost (${(error as Error).message.split(' (')[0] ?? 'error'}); retrying`);
    }
  }
}

export interface RegisterInput {
  sha256: string;
  size: number;
  source: LocalModel['source'];
  name: string;
  known: KnownModel | undefined;
  extras: RemoteFile['extras'];
  alreadyPresent: boolean;
}

/** Reads the GGUF header, writes the manifest, and adds a version of `name` (unless it is already current). */
export async function register(
  input: RegisterInput,
  settings: VersionSettings,
  deps: Pick<PullDeps, 'store' | 'registry' | 'now' | 'withVersionWrite'>,
): Promise<AddedModel> {
  const path = deps.store.blobPath(input.sha256);
  const gguf = await readGgufFacts(path);
  const fromGguf = licenceIdOf(gguf.license, gguf.licenseName);
  const model: LocalModel = {
    sha256: input.sha256,
    size: input.size,
    addedAt: (deps.now?.() ?? new Date()).toISOString(),
    source: input.source,
    gguf,
    licence:
      input.known !== undefined
        ? { id: input.known.licence, from: 'known-model', also: input.known.alsoLicensedUnder }
        : { id: fromGguf, from: fromGguf === null ? 'none' : 'gguf', also: [] },
  };
  if (Object.keys(input.extras).length > 0) {
    model.ollama = {};
    if (input.extras.template !== undefined) model.ollama.template = input.extras.template;
    if (input.extras.params !== undefined) model.ollama.params = input.extras.params;
    if (input.extras.licenseText !== undefined) model.ollama.licenseText = input.extras.licenseText.slice(0, 20_000);
  }
  const previous = await deps.store.readManifest(input.sha256);
  await deps.store.writeManifest(previous === null ? model : { ...model, addedAt: previous.addedAt });
  const name = input.name.toLowerCase().replace(/[^a-z0-9._:-]+/g, '-');
  // Checked and added under one lock: two pulls of one file at once add one version.
  const write = (tx: SqlExecutor | undefined) => deps.registry.addUnlessCurrent(name, input.sha256, settings, tx);
  const version = await (deps.withVersionWrite === undefined ? write(undefined) : deps.withVersionWrite({ name, model }, write));
  return { model, name, version, alreadyPresent: input.alreadyPresent };
}
