// The floor any Node proxy pays on this machine: node:http in, undici out, no logic at all.
// The gateway benchmark runs it beside flambeau so that "added latency" can be read against it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = new Pool(process.argv[2] as string, { connections: 64 });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void upstream
      .request({ method: 'POST', path: req.url ?? '/', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) })
      .then(async (r) => {
        res.writeHead(r.statusCode, { 'content-type': String(r.headers['content-type'] ?? 'application/json') });
        for await (const chunk of r.body) res.write(chunk);
        res.end();
      })
      .catch(() => res.destroy());
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => process.exit(0));
