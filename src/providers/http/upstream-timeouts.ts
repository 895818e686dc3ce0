/** Per-provider timeouts, in milliseconds. Defaults suit cloud LLM APIs, whose first byte can be slow. */
export interface UpstreamTimeouts {
  /** TCP + TLS connect. */
  connectTimeoutMs: number;
  /** From request sent to response headers (for a non-streamed completion: the whole generation). */
  firstByteTimeoutMs: number;
  /** Longest silence between two body chunks of a response. */
  idleTimeoutMs: number;
  /** The whole call, headers to last byte. */
  totalTimeoutMs: number;
}

export const DEFAULT_UPSTREAM_TIMEOUTS: UpstreamTimeouts = {
  connectTimeoutMs: 10_000,
  firstByteTimeoutMs: 120_000,
  idleTimeoutMs: 60_000,
  totalTimeoutMs: 600_000,
};
