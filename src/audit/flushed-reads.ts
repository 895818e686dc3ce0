import type { AuditLog } from './audit-log.js';

type AsyncMethodOf<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof T];

/**
 * `target`, with the named methods waiting for `flush` first: a read of usage, the audit chain,
 * the request log or budget spend must see every request acknowledged before it, and with a
 * record journal (decision 0019) some are acknowledged before their rows are written. The
 * other methods are `target`'s own (the wrapper inherits from it).
 */
export function afterFlush<T extends object>(target: T, flush: () => Promise<void>, methods: readonly AsyncMethodOf<T>[]): T {
  const wrapped = Object.create(target) as T;
  for (const name of methods) {
    const method = target[name] as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(wrapped, name, {
      value: async (...args: unknown[]) => {
        await flush();
        return method.apply(target, args);
      },
    });
  }
  return wrapped;
}

/** The audit log, its reads (verify, export, head) after `flush`. */
export function auditAfterFlush(audit: AuditLog, flush: () => Promise<void>): AuditLog {
  const wrapped = afterFlush(audit, flush, ['verify', 'head']);
  Object.defineProperty(wrapped, 'exportLines', {
    value: async function* (options?: Parameters<AuditLog['exportLines']>[0]) {
      await flush();
      yield* audit.exportLines(options);
    },
  });
  return wrapped;
}
