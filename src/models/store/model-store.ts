import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { homePaths } from '../../config/home-layout.js';
import { FlambeauError } from '../../errors/index.js';
import { localModelSchema, type LocalModel } from './local-model.js';

/**
 * Content-addressed model files in HOME/models: `blobs/sha256-<hex>` (the GGUF, no extension, so
 * the implicit `HOME/models/*.gguf` scan of `flambeau serve` never sees it twice),
 * `manifests/sha256-<hex>.json`, and `partial/` for downloads in progress.
 */
export interface ModelStore {
  readonly root: string;
  blobPath(sha256: string): string;
  partialPath(key: string): string;
  has(sha256: string): Promise<boolean>;
  /** Moves a verified download into the blobs (same file system: a rename). */
  adopt(partialPath: string, sha256: string): Promise<string>;
  /** Copies (or hard-links) a local file in, hashing it; returns its sha256 and size. */
  importFile(path: string, options: { link: boolean }): Promise<{ sha256: string; size: number }>;
  writeManifest(model: LocalModel): Promise<void>;
  readManifest(sha256: string): Promise<LocalModel | null>;
  list(): Promise<LocalModel[]>;
  remove(sha256: string): Promise<void>;
}

export function createModelStore(home: string): ModelStore {
  const root = homePaths(home).models;
  const blobs = join(root, 'blobs');
  const manifests = join(root, 'manifests');
  const partial = join(root, 'partial');
  const blobPath = (sha256: string) => join(blobs, `sha256-${sha256}`);
  const manifestPath = (sha256: string) => join(manifests, `sha256-${sha256}.json`);

  return {
    root,
    blobPath,
    partialPath: (key) => join(partial, `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.partial`),
    has: (sha256) =>
      stat(blobPath(sha256)).then(
        (s) => s.isFile(),
        () => false,
      ),
    async adopt(partialPath, sha256) {
      await mkdir(blobs, { recursive: true });
      await rename(partialPath, blobPath(sha256));
      return blobPath(sha256);
    },
    async importFile(path, options) {
      const info = await stat(path).catch(() => null);
      if (info === null || !info.isFile()) throw new FlambeauError('not_found', `${path} is not a file.`, { details: { path } });
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
      const sha256 = hash.digest('hex');
      await mkdir(blobs, { recursive: true });
      if (
        !(await stat(blobPath(sha256)).then(
          () => true,
          () => false,
        ))
      ) {
        const temporary = `${blobPath(sha256)}.${process.pid}.tmp`;
        // A hard link costs no space but only works on the same file system; copy otherwise.
        if (options.link) await link(path, temporary).catch(() => copyFile(path, temporary));
        else await copyFile(path, temporary);
        await rename(temporary, blobPath(sha256));
      }
      return { sha256, size: info.size };
    },
    async writeManifest(model) {
      await mkdir(manifests, { recursive: true });
      const temporary = `${manifestPath(model.sha256)}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(model, null, 2)}\n`);
      await rename(temporary, manifestPath(model.sha256));
    },
    async readManifest(sha256) {
      const text = await readFile(manifestPath(sha256), 'utf8').catch(() => null);
      if (text === null) return null;
      const parsed = localModelSchema.safeParse(JSON.parse(text));
      if (!parsed.success)
        throw new FlambeauError('internal', `model manifest ${manifestPath(sha256)} is damaged: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
      return parsed.data;
    },
    async list() {
      const names = await readdir(manifests).catch(() => [] as string[]);
      const found: LocalModel[] = [];
      for (const name of names.sort()) {
        const match = /^sha256-([0-9a-f]{64})\.json$/.exec(name);
        if (match === null) continue;
        const model = await this.readManifest(match[1] as string);
        if (model !== null) found.push(model);
      }
      return found;
    },
    async remove(sha256) {
      await rm(blobPath(sha256), { force: true });
      await rm(manifestPath(sha256), { force: true });
    },
  };
}
