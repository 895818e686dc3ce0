import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where to start a worker thread whose file sits next to `from` (the caller's `import.meta.url`):
 * `.js` in dist/, loaded as is. Under tsx (tests, dev) it is `.ts`, and Node 20 workers do not get
 * the parent's `--import tsx` loader: a small bootstrap registers tsx in the worker first, then
 * imports the file. Start it with `new Worker(eval ?? url, { eval: eval !== undefined, ... })`.
 */
export function workerEntry(from: string, name: string): { url: URL; eval?: string } {
  const ext = extname(fileURLToPath(from));
  const url = new URL(`./${name}${ext}`, from);
  if (ext !== '.ts') return { url };
  const tsx = import.meta.resolve('tsx/esm/api');
  return { url, eval: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });` };
}
