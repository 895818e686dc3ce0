// `flambeau serve` as a child process, with test-only start options: the record journal's apply
// window (a long one holds every acknowledged record in the journal, for the kill -9 tests).
// argv: config path, home, apply window in ms. Prints "listening on URL" as serve does.
import { loadConfig } from '../../src/config/load-config.js';
import { startGateway } from '../../src/main.js';

const [configPath, home, windowMs] = process.argv.slice(2) as [string, string, string];
const config = loadConfig({ configPath, home, flags: { host: '127.0.0.1', port: '0' }, modelPaths: [] });
const gateway = await startGateway(config, { recordJournal: { windowMs: Number(windowMs) } });
process.stdout.write(`listening on ${gateway.url}\n`);
