import { defaultHome, homePaths } from '../config/home-layout.js';
import { openConfiguredStore, type Store } from '../store/store.js';
import { createModelStore, type ModelStore } from './store/model-store.js';
import { createVersionRegistry, type VersionRegistry } from './versions/version-registry.js';

export interface ModelHome {
  home: string;
  store: ModelStore;
  registry: VersionRegistry;
  db: Store;
  close(): Promise<void>;
}

/**
 * The home folder's model files and version pointers, for commands that run without a server
 * (pull, import, promote...). `home`: --home, else FLAMBEAU_HOME (passed in), else ~/.flambeau.
 * A running gateway sees their changes on its next request: they share the store (HOME/flambeau.db,
 * or `storeUrl`, the PostgreSQL of `store.url`, shared by every instance).
 */
export async function openModelHome(home: string | undefined, storeUrl: string | null = null): Promise<ModelHome> {
  const dir = home ?? defaultHome();
  const db = await openConfiguredStore(homePaths(dir).db, storeUrl);
  return { home: dir, store: createModelStore(dir), registry: createVersionRegistry(db.sql), db, close: () => db.close() };
}
