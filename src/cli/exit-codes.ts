/** Exit codes scripts can rely on (documented in the README). */
export const EXIT = {
  ok: 0,
  /** The server answered with an error. */
  requestFailed: 1,
  /** Bad arguments or an invalid config. */
  usage: 2,
  /** No server at the URL. */
  unreachable: 3,
  /** Missing or wrong key. */
  unauthenticated: 4,
} as const;

export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliExit';
  }
}
