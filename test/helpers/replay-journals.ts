import { join } from 'node:path';
import { applyLeftRecords } from '../../src/cli/left-records.js';
import { openStore } from '../../src/store/store.js';

/** Applies the record journals a killed server left in `home`, as its next start (or `store migrate`) does. Returns how many records it applied. */
export async function replayRecordJournals(home: string): Promise<number> {
  const store = openStore(join(home, 'flambeau.db'));
  try {
    return await applyLeftRecords(home, store.sql);
  } finally {
    await store.close();
  }
}
