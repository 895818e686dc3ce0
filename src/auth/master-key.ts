import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homePaths } from '../config/home-layout.js';
import { Secret } from '../config/secret.js';

/**
 * The configured master key, or the one kept in HOME/master.key, or a new one written there with
 * mode 600. `generated` tells the caller to print it once.
 */
export function ensureMasterKey(configured: Secret | null, home: string): { key: Secret; generated: boolean; path: string | null } {
  if (configured !== null) return { key: configured, generated: false, path: null };
  const path = homePaths(home).masterKey;
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value !== '') return { key: new Secret(value), generated: false, path };
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const value = `flm-${randomBytes(24).toString('base64url')}`;
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'w' });
  chmodSync(path, 0o600);
  return { key: new Secret(value), generated: true, path };
}
