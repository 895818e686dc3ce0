import type { ChildProcess } from 'node:child_process';

/**
 * The URL a `flambeau serve` child prints once it listens ("listening on URL", on its stdout);
 * rejects when the child exits first, with `detail()` (e.g. its stderr) in the message.
 */
export function listeningUrl(child: ChildProcess, detail: () => string = () => ''): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${String(code)})${detail() === '' ? '' : `: ${detail()}`}`)));
  });
}
