import type { Dispatcher } from 'undici';

/** A whole upstream answer: status, raw header pairs and the body's first bytes as UTF-8. */
export interface WholeAnswer {
  status: number;
  rawHeaders: Buffer[];
  text: string;
}

/** Most bytes of a non-2xx answer read for its error message (the rest is not read). */
export const ERROR_BODY_BYTES = 16_384;

/**
 * Reads one upstream answer whole through undici's dispatch interface: the bytes of the body as
 * they come, without the response stream, header object and async resource `Pool.request` makes
 * for every call (a whole answer needs none of them). A 2xx body is read up to `limit` bytes, any
 * other up to `ERROR_BODY_BYTES`; past it the connection is cut, as `readLimited` does. An error
 * before the status is thrown as undici reports it; while reading a non-2xx body, it only ends
 * the body (the status is the error). `abort` cuts the call at any time.
 */
export class WholeAnswerHandler implements Dispatcher.DispatchHandler {
  readonly answer: Promise<WholeAnswer>;
  #resolve!: (answer: WholeAnswer) => void;
  #reject!: (error: unknown) => void;
  #cut: ((reason?: Error) => void) | null = null;
  #aborted = false;
  #reason: unknown = undefined;
  #settled = false;
  #status = 0;
  #rawHeaders: Buffer[] = [];
  #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(readonly limit: number) {
    this.#limit = limit;
    this.answer = new Promise<WholeAnswer>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Stops the call (the caller's abort, the total timeout): the answer fails with `reason` unless already read. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#cut?.(reason as Error);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.#aborted) abort(this.#reason as Error);
    else this.#cut = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true; // 1xx: the answer follows
    this.#status = status;
    this.#rawHeaders = rawHeaders;
    if (status >= 300) this.#limit = ERROR_BODY_BYTES;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#settled) return true;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size >= this.#limit) {
      this.#finish();
      this.abort(new Error('the rest of the body is not read'));
    }
    return true;
  }

  onComplete(): void {
    this.#finish();
  }

  onError(error: Error): void {
    if (this.#settled) return;
    if (this.#status >= 300) {
      // A failed answer whose body broke: its status is the error, with no message.
      this.#chunks = [];
      this.#size = 0;
      this.#finish();
      return;
    }
    this.#settled = true;
    this.#reject(error);
  }

  #finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    const bytes = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    const text = (this.#size > this.#limit ? bytes.subarray(0, this.#limit) : bytes).toString('utf8');
    this.#resolve({ status: this.#status, rawHeaders: this.#rawHeaders, text });
  }
}
