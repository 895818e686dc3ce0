import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI's entry, run through tsx: tests exercise the same commands a user types. */
export const CLI_ENTRY = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** An absolute loader URL: commands may run from other folders, and the engine's child process inherits it. */
export const TSX_LOADER = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `flambeau ARGS...` to completion, with stdin closed (or fed `input`). */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string; entry?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, options.entry ?? CLI_ENTRY, ...args], {
      env: { ...process.env, ...options.env },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(options.input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
