// An OTLP/HTTP sink for the benches, in its own process (its CPU is not the gateway's): takes
// trace export requests, protobuf or JSON, and answers 200 with an empty response of that type.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((req, res) =>
  req.resume().on('end', () => {
    const json = String(req.headers['content-type']).startsWith('application/json');
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
  }),
);
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
