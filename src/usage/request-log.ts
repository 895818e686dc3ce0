import type { SqlClient, SqlExecutor } from '../store/sql.js';

/** One finished request. Never holds prompt or answer text. */
export interface RequestRecord {
  id: string;
  startedAt: number;
  endpoint: string;
  model: string | null;
  provider: string | null;
  upstreamModel: string | null;
  locality: string | null;
  status: number;
  errorCode: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  tokensEstimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  streamed: boolean;
  privacyAction: string | null;
  /** Types and counts of personal data found. */
  privacyFindings: Record<string, number> | null;
  /** Prompt injections reported (source, score, signal kinds); null when none. */
  injection: Array<{ source: string; score: number; signals: string[] }> | null;
}

export interface RequestLog {
  /**
   * Inserts the row now, inside the caller's transaction when there is one: `recordRequestOutcome`
   * writes it with the usage row and the audit record, so an acknowledged request is in all three.
   */
  write(record: RequestRecord, tx?: SqlExecutor): Promise<void>;
  /** Queues the row; rows are written together within `flushMs`. Best-effort: only when audit is off. */
  append(record: RequestRecord): void;
  /** Writes the queued rows now (on shutdown, before reading). */
  flush(): Promise<void>;
  recent(limit: number): Promise<RequestRecord[]>;
}

/**
 * The operational request log (latency, time to first token, tokens, privacy findings). With the
 * audit on, each row is written by `recordRequestOutcome` in the same transaction as the request's
 * usage row and audit record, before the response's last byte: no extra commit, and a request
 * acknowledged before a kill -9 is in all three (docs/decisions/0002). With `audit.enabled: false`
 * rows are batched (`append`) and a kill -9 may lose the last `flushMs` of them.
 */
export function createRequestLog(sql: SqlClient, options: { flushMs?: number; onError?: (error: unknown) => void } = {}): RequestLog {
  const flushMs = options.flushMs ?? 100;
  let queue: RequestRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  const INSERT = `INSERT INTO request_log
    (id, started_at, endpoint, model, provider, upstream_model, locality, status, error_code, input_tokens, output_tokens, tokens_estimated, latency_ms, ttft_ms, streamed, privacy_action, privacy_findings, injection)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO NOTHING`;
  const RECENT = `SELECT * FROM request_log ORDER BY started_at DESC, ${sql.dialect === 'sqlite' ? 'rowid' : 'row_id'} DESC LIMIT ?`;
  async function write(record: RequestRecord, tx?: SqlExecutor): Promise<void> {
    await (tx ?? sql).run(INSERT, [
      record.id,
      record.startedAt,
      record.endpoint,
      record.model,
      record.provider,
      record.upstreamModel,
      record.locality,
      record.status,
      record.errorCode,
      record.inputTokens,
      record.outputTokens,
      record.tokensEstimated ? 1 : 0,
      record.latencyMs,
      record.ttftMs,
      record.streamed ? 1 : 0,
      record.privacyAction,
      record.privacyFindings === null || Object.keys(record.privacyFindings).length === 0 ? null : JSON.stringify(record.privacyFindings),
      record.injection === null || record.injection.length === 0 ? null : JSON.stringify(record.injection),
    ]);
  }
  async function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0) return;
    const rows = queue;
    queue = [];
    await sql.transaction(async (tx) => {
      for (const record of rows) await write(record, tx);
    });
  }
  // A failed background write must not crash the gateway: report it (the rows are lost).
  const flushInBackground = () => void flush().catch((error: unknown) => options.onError?.(error));
  return {
    write,
    append(record) {
      queue.push(record);
      if (queue.length >= 512) flushInBackground();
      else if (timer === undefined) {
        timer = setTimeout(flushInBackground, flushMs);
        timer.unref();
      }
    },
    flush,
    async recent(limit) {
      await flush();
      return (await sql.all(RECENT, [limit])).map((row) => ({
        id: row.id as string,
        startedAt: row.started_at as number,
        endpoint: row.endpoint as string,
        model: row.model as string | null,
        provider: row.provider as string | null,
        upstreamModel: row.upstream_model as string | null,
        locality: row.locality as string | null,
        status: row.status as number,
        errorCode: row.error_code as string | null,
        inputTokens: row.input_tokens as number | null,
        outputTokens: row.output_tokens as number | null,
        tokensEstimated: row.tokens_estimated === 1,
        latencyMs: row.latency_ms as number,
        ttftMs: row.ttft_ms as number | null,
        streamed: row.streamed === 1,
        privacyAction: row.privacy_action as string | null,
        privacyFindings: typeof row.privacy_findings === 'string' ? (JSON.parse(row.privacy_findings) as Record<string, number>) : null,
        injection: typeof row.injection === 'string' ? (JSON.parse(row.injection) as NonNullable<RequestRecord['injection']>) : null,
      }));
    },
  };
}
