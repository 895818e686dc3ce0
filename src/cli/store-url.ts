import { loadConfig } from '../config/load-config.js';

/** The `store.url` of the config (file or FLAMBEAU_STORE_URL) for commands that open the store in-process; null: HOME/flambeau.db. */
export function configuredStoreUrl(home: string | undefined, configPath?: string): string | null {
  return loadConfig({ home, ...(configPath === undefined ? {} : { configPath }) }).store.url?.reveal() ?? null;
}
