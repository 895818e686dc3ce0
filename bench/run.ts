// `npm run bench [-- name...]`: runs every benchmark section (or those named) in one process, one
// after the other. Each prints ratios measured in the same run: absolute times on shared 2-core
// machines are noisy, ratios much less so.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
  console.error('bench: run `npm run build` first (the gateway is measured as users run it, compiled).');
  process.exit(2);
}
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort((a, b) => (a === 'gateway.bench.ts' ? -1 : b === 'gateway.bench.ts' ? 1 : a.localeCompare(b)))
  // A name that is a whole bench (`gateway`) selects that one; any other part of a name selects every match.
  .filter((f, _, all) => wanted.length === 0 || wanted.some((w) => (all.includes(`${w}.bench.ts`) ? f === `${w}.bench.ts` : f.includes(w))));
console.log(`flambeau benchmarks — node ${process.version}, ${new Date().toISOString()}`);
let failed = 0;
for (const file of files) {
  const mod = (await import(new URL(file, import.meta.url).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') continue;
  try {
    await mod.run();
  } catch (error) {
    failed += 1;
    console.error(`\n${file} failed: ${(error as Error).stack ?? String(error)}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
