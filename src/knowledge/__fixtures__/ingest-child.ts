// Child process for the "killed mid-way" test: ingests argv[3] into the store at argv[2] with a
// slow embedder and prints each processed count, so the parent can SIGKILL it between files.
import { openStore } from '../../store/store.js';
import { ingest } from '../ingest.js';
import { KnowledgeDb } from '../db.js';
import { hashingEmbedder } from './hashing-embedder.js';

const [, , dbPath, folder] = process.argv;
const store = openStore(dbPath as string);
const fast = hashingEmbedder();
const slow = {
  model: fast.model,
  embed: async (texts: string[], signal: AbortSignal) => {
    await new Promise((r) => setTimeout(r, 150));
    return fast.embed(texts, signal);
  },
};
await ingest({
  db: new KnowledgeDb(store.db),
  collection: 'notes',
  paths: [folder as string],
  embedder: slow,
  onProgress: (p) => process.stdout.write(`processed ${p.processed}\n`),
});
process.stdout.write('done\n');
