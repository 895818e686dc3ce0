import type { SqlClient } from '../store/sql.js';

/** One stored Responses API response: what the client sent and got, owned by one key. */
export interface StoredResponse {
  id: string;
  keyId: string;
  createdAt: number;
  /** The conversation before this answer (earlier turns included), as input items. */
  inputItems: unknown[];
  /** The response object exactly as the client received it (restored text, never placeholders). */
  response: Record<string, unknown>;
}

export interface ResponseStore {
  /** Saves a response; deletes every expired one in the same transaction. */
  save(stored: StoredResponse, now: number): Promise<void>;
  /** The response if it exists, is not expired and belongs to `keyId`; else undefined. */
  find(id: string, keyId: string, now: number): Promise<StoredResponse | undefined>;
  /** True when a response of `keyId` was deleted. */
  delete(id: string, keyId: string): Promise<boolean>;
}

interface Row {
  id: string;
  key_id: string;
  created_at: number;
  input_items: string;
  response: string;
}

/**
 * Stored responses in SQLite (table `stored_responses`, migration 13). Retention is checked on
 * read (an expired row is never returned) and enforced on write, so no timer is needed: the
 * table holds at most one retention period of rows plus those written since the last save.
 */
export function createResponseStore(sql: SqlClient, options: { retentionDays: number }): ResponseStore {
  const retentionMs = options.retentionDays * 86_400_000;
  return {
    save: (stored, now) =>
      sql.transaction(async (tx) => {
        await tx.run('DELETE FROM stored_responses WHERE expires_at <= ?', [now]);
        await tx.run(
          'INSERT INTO stored_responses (id, key_id, created_at, expires_at, input_items, response) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
          [stored.id, stored.keyId, stored.createdAt, stored.createdAt + retentionMs, JSON.stringify(stored.inputItems), JSON.stringify(stored.response)],
        );
      }),
    async find(id, keyId, now) {
      const row = await sql.get<Row>(
        'SELECT id, key_id, created_at, input_items, response FROM stored_responses WHERE id = ? AND key_id = ? AND expires_at > ?',
        [id, keyId, now],
      );
      if (row === undefined) return undefined;
      return {
        id: row.id,
        keyId: row.key_id,
        createdAt: row.created_at,
        inputItems: JSON.parse(row.input_items) as unknown[],
        response: JSON.parse(row.response) as Record<string, unknown>,
      };
    },
    async delete(id, keyId) {
      return (await sql.run('DELETE FROM stored_responses WHERE id = ? AND key_id = ?', [id, keyId])) > 0;
    },
  };
}
