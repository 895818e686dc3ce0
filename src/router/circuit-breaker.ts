export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one probe may pass (half-open). */
  cooldownMs: number;
  /** Injected clock (ms), for tests. */
  now?: () => number;
}

interface Circuit {
  failures: number;
  openedAt: number | null;
  probing: boolean;
}

/**
 * One circuit per provider. Closed: calls pass, consecutive failures are counted. Open: calls are
 * refused until the cooldown has passed. Half-open: a single probe passes; its success closes the
 * circuit, its failure opens it again for another cooldown.
 */
export class CircuitBreakers {
  readonly #circuits = new Map<string, Circuit>();
  readonly #options: BreakerOptions;
  readonly #now: () => number;

  constructor(options: BreakerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  state(provider: string): BreakerState {
    const circuit = this.#circuits.get(provider);
    if (circuit === undefined || circuit.openedAt === null) return 'closed';
    return this.#now() - circuit.openedAt >= this.#options.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a call may go now, without claiming the half-open probe (for explain and facts). */
  wouldAllow(provider: string): boolean {
    const state = this.state(provider);
    return state === 'closed' || (state === 'half-open' && this.#circuits.get(provider)?.probing !== true);
  }

  /** Claims permission for one call: in half-open, only the first caller gets it until it reports. */
  tryAcquire(provider: string): boolean {
    const state = this.state(provider);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const circuit = this.#circuits.get(provider) as Circuit;
    if (circuit.probing) return false;
    circuit.probing = true;
    return true;
  }

  onSuccess(provider: string): void {
    this.#circuits.delete(provider);
  }

  onFailure(provider: string): void {
    const circuit = this.#circuits.get(provider) ?? { failures: 0, openedAt: null, probing: false };
    circuit.failures += 1;
    if (circuit.probing || circuit.failures >= this.#options.failureThreshold) circuit.openedAt = this.#now();
    circuit.probing = false;
    this.#circuits.set(provider, circuit);
  }

  /** A probe that ended without a verdict (e.g. the client left): let another one try. */
  release(provider: string): void {
    const circuit = this.#circuits.get(provider);
    if (circuit !== undefined) circuit.probing = false;
  }

  snapshot(): Record<string, { state: BreakerState; failures: number }> {
    const out: Record<string, { state: BreakerState; failures: number }> = {};
    for (const [provider, circuit] of this.#circuits) out[provider] = { state: this.state(provider), failures: circuit.failures };
    return out;
  }
}
