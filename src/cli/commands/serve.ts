import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { startGateway } from '../../main.js';
import { checkRouteRules } from '../../router/check-route-rules.js';
import { checkShadowRules } from '../../shadow/index.js';
import { collect } from '../options.js';
import { safe } from '../terminal-text.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the gateway. With no config, every HOME/models/*.gguf is served as a local model.')
    .option('--config <path>', 'config file (default: ./flambeau.yaml if it exists, or FLAMBEAU_CONFIG)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or FLAMBEAU_HOST)')
    .option('--port <port>', 'port (default 4141, or FLAMBEAU_PORT; 0 picks a free one)')
    .option('--home <dir>', 'home folder (default FLAMBEAU_HOME or ~/.flambeau)')
    .option('--model <path.gguf>', 'serve this GGUF file too, named after its file stem (repeatable)', collect, [])
    .action(async (opts: { config?: string; host?: string; port?: string; home?: string; model: string[] }) => {
      const config = loadConfig({ configPath: opts.config, home: opts.home, flags: { host: opts.host, port: opts.port }, modelPaths: opts.model });
      checkRouteRules(config);
      checkShadowRules(config);
      for (const warning of config.warnings) process.stderr.write(safe`warning: ${warning}\n`);
      const gateway = await startGateway(config);
      if (gateway.masterKeyGenerated) {
        process.stdout.write(safe`Generated a master key (shown once; kept in ${gateway.masterKeyPath}, mode 600):\n  ${gateway.masterKey.reveal()}\n`);
      }
      const models = gateway.catalog.list().map((m) => `${m.name} (${m.locality})`);
      process.stdout.write(
        safe`flambeau ${models.length === 0 ? 'has no models yet: flambeau pull NAME, put .gguf files in ' + config.home + '/models, or pass --model' : 'serves ' + models.join(', ')}\n`,
      );
      process.stdout.write(`listening on ${gateway.url}\n`);
      if (gateway.uiUrl !== null) process.stdout.write(`dashboard at ${gateway.uiUrl} (sign in with the master key)\n`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) process.exit(130);
        stopping = true;
        process.stderr.write(`${signal}: draining requests, then stopping (again to force)\n`);
        void gateway.close().then(() => process.exit(0));
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
