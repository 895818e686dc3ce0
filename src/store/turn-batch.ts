/**
 * The queue of a group commit: the items submitted during one turn of the event loop are written
 * together when that turn ends (`setImmediate`), at most `maxGroup` at a time and one group at a
 * time; items that arrive while a group is being written form the next one. Each submitter's
 * promise settles with its own item's result, so a caller still waits for its own commit.
 */
export function createTurnBatcher<T, R>(options: {
  /** Most items written by one group. */
  maxGroup: number;
  /** A group of one, the common case when load is light: its plain path, with no per-item bookkeeping. */
  writeOne(item: T): Promise<R>;
  /** A group of several: one result per item, in order; a rejection fails every item of the group. */
  writeGroup(items: T[]): Promise<PromiseSettledResult<R>[]>;
}): (item: T) => Promise<R> {
  let items: T[] = [];
  let waiters: { resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;
  let writing = false;
  const schedule = () => {
    if (scheduled || writing) return;
    scheduled = true;
    setImmediate(flush);
  };
  async function flush(): Promise<void> {
    scheduled = false;
    writing = true;
    // splice takes the group off the front without copying the rest of a backlog.
    const group = items.length <= options.maxGroup ? items : items.splice(0, options.maxGroup);
    const told = waiters.length <= options.maxGroup ? waiters : waiters.splice(0, options.maxGroup);
    if (group === items) {
      items = [];
      waiters = [];
    }
    try {
      if (group.length === 1) {
        const only = told[0] as (typeof told)[number];
        await options.writeOne(group[0] as T).then(only.resolve, only.reject);
      } else {
        const settled = await options
          .writeGroup(group)
          .catch((error: unknown) => group.map((): PromiseRejectedResult => ({ status: 'rejected', reason: error })));
        settled.forEach((result, i) => {
          const waiter = told[i] as (typeof told)[number];
          if (result.status === 'fulfilled') waiter.resolve(result.value);
          else waiter.reject(result.reason);
        });
      }
    } finally {
      writing = false;
      if (items.length > 0) schedule();
    }
  }
  return (item) =>
    new Promise<R>((resolve, reject) => {
      items.push(item);
      waiters.push({ resolve, reject });
      schedule();
    });
}
