// scratch: per-detector CPU time, ms per MB, on the bench's mixed text
import { BUILTIN_DETECTORS } from '../src/privacy/detectors/builtin-detectors.js';
import { createScanner } from '../src/privacy/scanner.js';
import { privacyConfigSchema } from '../src/privacy/privacy-config.js';
import { mixedTextForBench } from './_tmp_mixed.js';
const sizes = (process.argv[2] ?? '1024,102400,1048576').split(',').map(Number);
const only = process.argv[3];
for (const bytes of sizes) {
  const text = mixedTextForBench(bytes);
  const mb = Buffer.byteLength(text) / 1048576;
  const rows: string[] = [];
  const entries = Object.entries(BUILTIN_DETECTORS).filter(([k]) => !only || only.split(',').includes(k));
  const scanner = createScanner(privacyConfigSchema.parse({}));
  const fns: [string, () => unknown][] = [...entries.map(([k, d]) => [k, () => d.detect(text)] as [string, () => unknown]), ['SCAN', () => scanner.scan(text)]];
  for (const [k, fn] of fns) {
    const warm = Date.now() + 150; while (Date.now() < warm) fn();
    let runs = 0; const c0 = process.cpuUsage(); const t0 = Date.now();
    while (Date.now() - t0 < 400 || runs < 3) { fn(); runs++; }
    const c = process.cpuUsage(c0); const ms = (c.user + c.system) / 1000 / runs;
    rows.push(`${k.padEnd(12)} ${(ms / mb).toFixed(2).padStart(8)} ms/MB  ${(mb / (ms / 1000)).toFixed(1).padStart(7)} MB/s`);
  }
  console.log(`--- ${bytes} bytes\n${rows.join('\n')}`);
}
