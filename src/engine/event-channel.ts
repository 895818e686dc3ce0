/**
 * A one-consumer queue that turns pushed values into an async iterator. The producer (IPC
 * messages) never waits for the consumer: values pile up until read, a failure is delivered
 * after the values pushed before it.
 */
export class EventChannel<T> implements AsyncIterator<T> {
  readonly #values: T[] = [];
  #error: { error: unknown } | null = null;
  #closed = false;
  #wake: (() => void) | null = null;

  push(value: T): void {
    if (this.#closed || this.#error) return;
    this.#values.push(value);
    this.#notify();
  }

  /** Ends the stream after the values already pushed. */
  close(): void {
    this.#closed = true;
    this.#notify();
  }

  /** Fails the stream after the values already pushed; later pushes are dropped. */
  fail(error: unknown): void {
    if (this.#error || this.#closed) return;
    this.#error = { error };
    this.#notify();
  }

  /** Fails the stream now, dropping values not yet read (an abort must not wait for them). */
  failNow(error: unknown): void {
    this.#values.length = 0;
    this.#closed = false;
    this.#error = null;
    this.fail(error);
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      const value = this.#values.shift();
      if (value !== undefined) return { value, done: false };
      if (this.#error) throw this.#error.error;
      if (this.#closed) return { value: undefined, done: true };
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
