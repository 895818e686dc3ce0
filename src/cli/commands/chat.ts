import type { Command } from 'commander';
import { resolveClientSettings } from '../../config/client-settings.js';
import { GatewayClient } from '../client.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { KEY_HELP, URL_HELP, type ServerFlags } from '../options.js';
import { terminalSafe, terminalSafeProse } from '../terminal-text.js';

export function registerChat(program: Command): void {
  program
    .command('chat')
    .description('Send one prompt to MODEL through the running gateway and stream the answer.')
    .argument('<model>', 'model name (see `flambeau models`)')
    .argument('[prompt]', 'the prompt; read from standard input when absent or "-"')
    .option('--system <text>', 'a system message')
    .option('--max-tokens <n>', 'maximum tokens to generate')
    .option('--temperature <t>', 'sampling temperature')
    .option('--url <url>', URL_HELP)
    .option('--key <key>', KEY_HELP)
    .option('--home <dir>', 'home folder holding master.key')
    .action(async (model: string, prompt: string | undefined, opts: ServerFlags & { system?: string; maxTokens?: string; temperature?: string }) => {
      const text = prompt === undefined || prompt === '-' ? await readStdin() : prompt;
      if (text.trim() === '') throw new CliExit(EXIT.usage, 'error: empty prompt');
      const body: Record<string, unknown> = {
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [...(opts.system === undefined ? [] : [{ role: 'system', content: opts.system }]), { role: 'user', content: text }],
      };
      if (opts.maxTokens !== undefined) body.max_tokens = toNumber(opts.maxTokens, '--max-tokens');
      if (opts.temperature !== undefined) body.temperature = toNumber(opts.temperature, '--temperature');
      const client = new GatewayClient(resolveClientSettings(opts));
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      let usage: { prompt_tokens?: number; completion_tokens?: number; estimated?: boolean } | undefined;
      for await (const chunk of client.streamJson('/v1/chat/completions', body, controller.signal)) {
        const choice = (
          chunk.choices as { delta?: { content?: string; tool_calls?: { function?: { name?: string; arguments?: string } }[] } }[] | undefined
        )?.[0];
        // The answer is text from a model (steerable by a document or a web page): it keeps its
        // line breaks, but no escape sequence in it reaches the terminal.
        if (choice?.delta?.content) process.stdout.write(terminalSafeProse(choice.delta.content));
        for (const call of choice?.delta?.tool_calls ?? []) {
          process.stdout.write(
            `${call.function?.name ? `\n[tool call] ${terminalSafe(call.function.name)} ` : ''}${terminalSafeProse(call.function?.arguments ?? '')}`,
          );
        }
        if (chunk.usage) usage = chunk.usage as typeof usage;
      }
      process.stdout.write('\n');
      if (usage !== undefined)
        process.stderr.write(
          `[${usage.prompt_tokens ?? 0} prompt + ${usage.completion_tokens ?? 0} completion tokens${usage.estimated ? ', estimated' : ''}]\n`,
        );
    });
}

function toNumber(raw: string, flag: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new CliExit(EXIT.usage, `error: ${flag} expects a number`);
  return value;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliExit(EXIT.usage, 'error: give a prompt, or pipe one on standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
