import { basename, sep } from 'node:path';

/**
 * What ingest never reads, whatever the paths or links given: indexed text can be read back by
 * any key allowed on the collection, so a file indexed by mistake is a file published.
 */

/** Kernel and device trees: process environments (master key included), memory, devices. */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

/** Folders that hold credentials or another program's internals; any path through one is refused. */
const SECRET_FOLDERS = new Set(['.ssh', '.gnupg', '.aws', '.azure', '.kube', '.docker', '.password-store', '.git', '.hg', '.svn']);

/** File names that hold keys, passwords or tokens (matched on the name, case-insensitive). */
const SECRET_FILES: readonly RegExp[] = [
  /^\.env(\..*)?$/, // .env, .env.local, .env.production
  /\.(pem|key|p12|pfx|jks|keystore|kdbx|ovpn|gpg)$/, // keys, keystores, password databases (master.key, audit.key)
  /^id_(rsa|dsa|ecdsa|ed25519)/, // SSH keys
  /^(\.|_)netrc$/,
  /^\.(npmrc|pypirc|pgpass|git-credentials|htpasswd|vault-token)$/,
  /_history$/, // shell histories: commands typed with passwords in them
  /^flambeau\.db(-wal|-shm|-journal)?$/, // an index (and its key hashes), wherever it was copied
];

/** True when `path` is `folder` or lies under it (both absolute, normalised). */
export function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);
}

/**
 * Why a path is never read, or undefined. `path` is checked as given and as resolved (`real`):
 * a link named notes.txt that points at ~/.ssh/id_rsa is refused for its target.
 */
export function refusalOf(path: string, real: string, protectedFolders: readonly string[]): string | undefined {
  for (const p of new Set([path, real])) {
    if (SYSTEM_FOLDERS.some((folder) => isInside(p, folder))) return 'system folder (/proc, /sys, /dev): never read';
    if (protectedFolders.some((folder) => isInside(p, folder))) return "flambeau's home folder (keys and index): never read";
    const parts = p.split(sep);
    const folder = parts.slice(0, -1).find((part) => SECRET_FOLDERS.has(part));
    if (folder !== undefined) return `in ${folder}/, which holds secrets: never read`;
    const name = basename(p).toLowerCase();
    if (SECRET_FOLDERS.has(name)) return `${name}/ holds secrets: never read`;
    if (SECRET_FILES.some((pattern) => pattern.test(name))) return 'a secrets file (keys, passwords, tokens): never read';
  }
  return undefined;
}
