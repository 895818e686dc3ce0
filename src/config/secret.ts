import { readFileSync } from 'node:fs';
import { FlambeauError } from '../errors/index.js';

/** A secret value at run time: prints as `[secret]` everywhere; `reveal()` marks each place it leaves. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[secret]';
  }
}

export type SecretSource = 'env' | 'file' | 'inline';

/**
 * Resolves a secret reference: `env:NAME` reads the environment, `file:PATH` reads a file
 * (trimmed; relative to `baseDir`); anything else is an inline value (allowed, flagged by `config check`).
 */
export function resolveSecretRef(ref: string, env: NodeJS.ProcessEnv, baseDir: string, key: string): { secret: Secret; source: SecretSource } {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const value = env[name];
    if (value === undefined || value === '') {
      throw new FlambeauError('config_invalid', `${key}: environment variable ${name} is not set.`, { param: key });
    }
    return { secret: new Secret(value), source: 'env' };
  }
  if (ref.startsWith('file:')) {
    const path = ref.slice(5);
    try {
      const full = path.startsWith('/') ? path : `${baseDir}/${path}`;
      return { secret: new Secret(readFileSync(full, 'utf8').trim()), source: 'file' };
    } catch (error) {
      throw new FlambeauError('config_invalid', `${key}: cannot read secret file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, {
        param: key,
      });
    }
  }
  return { secret: new Secret(ref), source: 'inline' };
}
