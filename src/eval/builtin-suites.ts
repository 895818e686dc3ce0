import { readFile, stat } from 'node:fs/promises';
import { FlambeauError } from '../errors/index.js';
import { SUITE_LIMITS } from './suite-parse.js';

/** Suites shipped with flambeau, named `builtin:NAME` on the command line (files in eval/suites/). */
export const BUILTIN_SUITES = ['smoke'] as const;

/** The bytes of a suite: `builtin:NAME` or a file path. */
export async function readSuiteSource(source: string): Promise<{ name: string; bytes: Buffer }> {
  if (source.startsWith('builtin:')) {
    const name = source.slice('builtin:'.length);
    if (!(BUILTIN_SUITES as readonly string[]).includes(name)) {
      throw new FlambeauError('invalid_request', `No built-in suite '${name.slice(0, 64)}': use ${BUILTIN_SUITES.map((s) => `builtin:${s}`).join(', ')}.`);
    }
    return { name: source, bytes: await readFile(new URL(`./suites/${name}.jsonl`, import.meta.url)) };
  }
  try {
    // Checked before reading: a suite path that names a huge file (or /dev/zero) must not fill memory.
    const info = await stat(source);
    if (!info.isFile()) throw new FlambeauError('invalid_request', `The suite ${source} is not a file.`);
    if (info.size > SUITE_LIMITS.fileBytes)
      throw new FlambeauError('invalid_request', `The suite ${source} is over ${SUITE_LIMITS.fileBytes / 1024 / 1024} MiB; split it.`);
    return { name: source, bytes: await readFile(source) };
  } catch (error) {
    if (error instanceof FlambeauError) throw error;
    throw new FlambeauError('invalid_request', `Cannot read the suite ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}
