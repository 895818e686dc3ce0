import { defaultHome, homePaths } from '../config/home-layout.js';
import { openStore, type Store } from '../store/store.js';
import { createModelStore, type ModelStore } from './store/model-store.js';
import { createVersionRegistry, type VersionRegistry } from './versions/version-registry.js';

export interface ModelHome {
  home: string;
  store: ModelStore;
  registry: VersionRegistry;
  db: Store;
  close(): void;
}

/**
 * The home folder's model files and version pointers, for commands that run without a server
 * (pull, import, promote...). `home`: --home, else FLAMBEAU_HOME (passed in), else ~/.flambeau.
 * A running gateway sees their changes on its next request: they share HOME/flambeau.db.
 */
export function openModelHome(home: string | undefined): ModelHome {
  const dir = home ?? defaultHome();
  const db = openStore(homePaths(dir).db);
  return { home: dir, store: createModelStore(dir), registry: createVersionRegistry(db.db), db, close: () => db.close() };
}
