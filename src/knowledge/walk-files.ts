import type { Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { reasonOf } from './ingest-run.js';
import { isInside, refusalOf } from './ingest-scope.js';
import { loaderFor } from './loaders/loaders.js';
import type { DocumentLoader } from './source-document.js';

/** A file the walk found, with the identity ingest checks again when it opens it. */
export interface WalkedFile {
  path: string;
  dev: number;
  ino: number;
}

export interface WalkOptions {
  loaders: readonly DocumentLoader[];
  /** Follow links whose target lies outside the roots (`--follow-links`); secrets and system folders stay refused. */
  followLinks: boolean;
  /** Never read (flambeau's home folder): absolute paths. */
  protectedFolders: readonly string[];
  /** A root that could not be read or was refused: the run reports it as failed. */
  fail(path: string, reason: string): void;
  /** An entry met on the walk and left out on purpose: listed, the run goes on. */
  exclude(path: string, reason: string): void;
}

export interface Walk {
  files: WalkedFile[];
  /** Folders walked, and roots gone: where files no longer found are removed from the index. */
  walkedFolders: string[];
  /** Folders that could not be listed: their indexed files are kept. */
  unlisted: string[];
}

/**
 * Supported files under the roots, sorted. Hidden entries are left out. Each entry is resolved
 * (realpath) before anything else: a link whose target lies outside every root is not followed
 * unless `followLinks`, and secrets, flambeau's home and /proc, /sys, /dev are never read, nor is
 * anything but a regular file (opening a FIFO would block the run; a device never ends).
 */
export async function walkFiles(roots: readonly string[], options: WalkOptions): Promise<Walk> {
  const { loaders } = options;
  const files = new Map<string, WalkedFile>();
  const walkedFolders: string[] = [];
  const unlisted: string[] = [];
  const protectedFolders = await Promise.all(options.protectedFolders.map((folder) => realpath(folder).catch(() => folder)));
  const realRoots = (await Promise.all(roots.map((root) => realpath(root).catch(() => undefined)))).filter((r) => r !== undefined);
  // Device and inode of every folder and file met: a link back up the tree (`loop -> ..`) is not
  // walked again, and a file reached by two links is indexed once, under the first path.
  const met = new Set<string>();
  // Only what would have been read is worth a line in the report: a folder, a supported format, a root.
  const worthListing = (path: string, real: string, info: Stats | undefined, explicit: boolean): boolean =>
    explicit || info?.isDirectory() === true || loaderFor(path, loaders) !== undefined || loaderFor(real, loaders) !== undefined;
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    let real: string;
    let info: Stats;
    try {
      real = await realpath(path);
      info = await stat(real);
    } catch (error) {
      // An entry of a supported format that cannot be read (dangling link, no permission) is listed.
      if (!explicit) {
        if (loaderFor(path, loaders) !== undefined) options.fail(path, reasonOf(error));
        return;
      }
      // A root that is gone: its files are gone too, so its index entries get removed.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') walkedFolders.push(path);
      options.fail(path, reasonOf(error));
      return;
    }
    const refusal =
      refusalOf(path, real, protectedFolders) ??
      (options.followLinks || realRoots.some((root) => isInside(real, root))
        ? undefined
        : `a link to ${real}, outside the folders given: not followed (--follow-links follows it)`);
    if (refusal !== undefined) {
      if (explicit) options.fail(path, refusal);
      else if (worthListing(path, real, info, false)) options.exclude(path, refusal);
      return;
    }
    const identity = `${info.dev}:${info.ino}`;
    if (met.has(identity)) return;
    met.add(identity);
    if (info.isDirectory()) {
      if (explicit) walkedFolders.push(path);
      let names: string[];
      try {
        names = await readdir(path);
      } catch (error) {
        unlisted.push(path);
        options.fail(path, reasonOf(error));
        return;
      }
      for (const name of names.sort()) if (!name.startsWith('.')) await visit(join(path, name), false);
    } else if (!info.isFile()) {
      const reason = `not a regular file (${kindOf(info)}): never read`;
      if (explicit) options.fail(path, reason);
      else if (worthListing(path, real, info, false)) options.exclude(path, reason);
    } else if (loaderFor(path, loaders) !== undefined) {
      files.set(path, { path, dev: info.dev, ino: info.ino });
    } else if (explicit) {
      options.fail(path, 'unsupported format');
    }
  };
  for (const root of roots) await visit(root, true);
  return { files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), walkedFolders, unlisted };
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'special file';
}
