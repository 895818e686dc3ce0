// Where a request's time goes inside one gateway process at c=1, from diagnostics channels alone:
// `NODE_OPTIONS=--import=./bench/stage-probe.mjs C=1 N=3000 node --import tsx bench/profile-load.ts`
// (only the `serve` child records) writes, when the gateway stops, the median time from the
// request's headers to: the upstream call made, sent, answered, read, and the response finished,
// in /tmp/stage-probe-PID.txt. `globalThis.__mark?.('name')` added to a built file (dist/) adds a
// point of its own. The first 1,000 requests (warm-up) are left out.
import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

if (process.argv.includes('serve')) {
  const rows = [];
  let current = null;
  const mark = (name) => {
    if (current !== null && current[name] === undefined) current[name] = performance.now();
  };
  globalThis.__mark = mark;
  // `gap`: from the previous response's end to this request's headers (at c=1: the client's turn,
  // plus any work the process still did after the previous response).
  let lastFinish = null;
  const gaps = [];
  dc.subscribe('http.server.request.start', () => {
    const now = performance.now();
    if (lastFinish !== null) gaps.push(now - lastFinish);
    current = { start: now };
  });
  dc.subscribe('undici:request:create', () => mark('upstream created'));
  dc.subscribe('undici:client:sendHeaders', () => mark('upstream sent'));
  dc.subscribe('undici:request:headers', () => mark('upstream headers'));
  dc.subscribe('undici:request:trailers', () => mark('upstream read'));
  dc.subscribe('http.server.response.finish', () => {
    mark('finish');
    lastFinish = performance.now();
    if (current !== null) rows.push(current);
    current = null;
  });
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const dump = () => {
    const kept = rows.slice(1000).filter((r) => r.finish !== undefined);
    const names = new Set(kept.flatMap((r) => Object.keys(r)));
    const at = [...names].map((name) => [name, median(kept.filter((r) => r[name] !== undefined).map((r) => r[name] - r.start))]).sort((a, b) => a[1] - b[1]);
    let previous = 0;
    const lines = [`requests ${kept.length} (median µs from the request's headers)`];
    for (const [name, t] of at) {
      lines.push(`${name.padEnd(18)} ${(1000 * t).toFixed(0).padStart(6)}  (+${(1000 * (t - previous)).toFixed(0)})`);
      previous = t;
    }
    lines.push(`gap before request ${(1000 * median(gaps.slice(1000))).toFixed(0).padStart(6)}`);
    writeFileSync(`/tmp/stage-probe-${process.pid}.txt`, `${lines.join('\n')}\n`);
  };
  process.on('SIGTERM', () => {
    dump();
    process.exit(0);
  });
}
