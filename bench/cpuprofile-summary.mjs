// Self time per function and per file of a .cpuprofile (`--cpu-prof`, e.g. BENCH_CPU_PROF=DIR with
// bench/profile-load.ts), as shares of the busy (non-idle) samples:
// `node bench/cpuprofile-summary.mjs DIR-or-FILE [top]`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [arg, top = '60'] = process.argv.slice(2);
if (arg === undefined) {
  console.error('usage: node bench/cpuprofile-summary.mjs DIR-or-FILE [top]');
  process.exit(2);
}
const file = statSync(arg).isDirectory() ? join(arg, readdirSync(arg).find((f) => f.endsWith('.cpuprofile')) ?? '') : arg;
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const samples = new Map();
for (const id of profile.samples) samples.set(id, (samples.get(id) ?? 0) + 1);
const byFunction = new Map();
const byFile = new Map();
let idle = 0;
for (const [id, count] of samples) {
  const frame = nodes.get(id).callFrame;
  if (frame.functionName === '(idle)') {
    idle += count;
    continue;
  }
  const where = frame.url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^file:\/\//, '');
  const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + count);
  byFile.set(where || frame.functionName, (byFile.get(where || frame.functionName) ?? 0) + count);
}
const busy = profile.samples.length - idle;
const print = (map, n) => {
  for (const [name, count] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${((100 * count) / busy).toFixed(1).padStart(5)}%  ${name}`);
};
console.log(`${file}: ${profile.samples.length} samples, ${busy} busy`);
console.log('--- self time by function');
print(byFunction, Number(top));
console.log('--- self time by file');
print(byFile, 40);
