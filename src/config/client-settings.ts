import { existsSync, readFileSync } from 'node:fs';
import { defaultHome, homePaths } from './home-layout.js';

export interface ClientSettings {
  url: string;
  key: string | undefined;
}

/**
 * How CLI commands find a running server: `--url` or FLAMBEAU_URL (default http://127.0.0.1:4141),
 * and authenticate: `--key`, FLAMBEAU_MASTER_KEY, or the key kept in the home folder.
 */
export function resolveClientSettings(flags: { url?: string; key?: string; home?: string }, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const url = (flags.url ?? env.FLAMBEAU_URL ?? 'http://127.0.0.1:4141').replace(/\/+$/, '');
  let key = flags.key ?? (env.FLAMBEAU_MASTER_KEY || undefined);
  if (key === undefined) {
    const path = homePaths(flags.home ?? env.FLAMBEAU_HOME ?? defaultHome()).masterKey;
    if (existsSync(path)) key = readFileSync(path, 'utf8').trim() || undefined;
  }
  return { url, key };
}
