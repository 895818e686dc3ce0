import { mixedTextForBench } from './_tmp_mixed.js';
const text = mixedTextForBench(1048576);
const mb = Buffer.byteLength(text) / 1048576;
export function time(label: string, fn: () => unknown) {
  const warm = Date.now() + 100; while (Date.now() < warm) fn();
  let runs = 0; const c0 = process.cpuUsage(); const t0 = Date.now();
  while (Date.now() - t0 < 300 || runs < 3) { fn(); runs++; }
  const c = process.cpuUsage(c0); const ms = (c.user + c.system) / 1000 / runs;
  console.log(`${label.padEnd(40)} ${(ms / mb).toFixed(2).padStart(8)} ms/MB`);
}
export { text };
const mod = await import(process.argv[2]!);
mod.default(text, time);
