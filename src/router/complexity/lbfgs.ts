/**
 * Limited-memory BFGS for smooth convex objectives (our regularised logistic and squared losses).
 * Full-batch and free of randomness, so a refit on the same rows gives the same weights bit for
 * bit, which `scripts/train-router.ts` relies on.
 */

/** Returns the objective at `x` and writes its gradient into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations: number;
  /** Stop when the relative decrease of the objective falls under this. */
  tolerance: number;
  /** Pairs of past steps kept for the curvature estimate. */
  memory: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** Two-loop recursion: turns the gradient into a quasi-Newton descent direction. */
function direction(gradient: Float64Array, steps: Float64Array[], changes: Float64Array[]): Float64Array {
  const q = Float64Array.from(gradient);
  const alphas: number[] = [];
  for (let k = steps.length - 1; k >= 0; k--) {
    const s = steps[k] as Float64Array;
    const y = changes[k] as Float64Array;
    const alpha = dot(s, q) / dot(y, s);
    alphas[k] = alpha;
    for (let i = 0; i < q.length; i++) q[i] = (q[i] as number) - alpha * (y[i] as number);
  }
  const last = steps.length - 1;
  const gamma =
    last >= 0 ? dot(steps[last] as Float64Array, changes[last] as Float64Array) / dot(changes[last] as Float64Array, changes[last] as Float64Array) : 1;
  for (let i = 0; i < q.length; i++) q[i] = (q[i] as number) * gamma;
  for (let k = 0; k < steps.length; k++) {
    const s = steps[k] as Float64Array;
    const y = changes[k] as Float64Array;
    const beta = dot(y, q) / dot(y, s);
    const coefficient = (alphas[k] ?? 0) - beta;
    for (let i = 0; i < q.length; i++) q[i] = (q[i] as number) + coefficient * (s[i] as number);
  }
  for (let i = 0; i < q.length; i++) q[i] = -(q[i] as number);
  return q;
}

/** Minimises `objective` from `start` (not modified). */
export function minimizeLbfgs(objective: Objective, start: Float64Array, options: LbfgsOptions): LbfgsResult {
  let x = Float64Array.from(start);
  let gradient = new Float64Array(x.length);
  let value = objective(x, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  let iterations = 0;
  const nextX = new Float64Array(x.length);
  let nextGradient = new Float64Array(x.length);
  while (iterations < options.maxIterations) {
    iterations++;
    let d = direction(gradient, steps, changes);
    let slope = dot(d, gradient);
    if (!(slope < 0)) {
      // Curvature pairs went stale: restart from steepest descent.
      steps.length = 0;
      changes.length = 0;
      d = direction(gradient, steps, changes);
      slope = dot(d, gradient);
    }
    let step = steps.length === 0 ? 1 / Math.max(1e-12, Math.sqrt(dot(gradient, gradient))) : 1;
    let nextValue = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < x.length; i++) nextX[i] = (x[i] as number) + step * (d[i] as number);
      nextValue = objective(nextX, nextGradient);
      if (nextValue <= value + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(nextValue < value)) break;
    const s = new Float64Array(x.length);
    const y = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      s[i] = (nextX[i] as number) - (x[i] as number);
      y[i] = (nextGradient[i] as number) - (gradient[i] as number);
    }
    if (dot(s, y) > 1e-12) {
      steps.push(s);
      changes.push(y);
      if (steps.length > options.memory) {
        steps.shift();
        changes.shift();
      }
    }
    const decrease = (value - nextValue) / Math.max(1, Math.abs(nextValue));
    x = Float64Array.from(nextX);
    [gradient, nextGradient] = [nextGradient, gradient];
    value = nextValue;
    if (decrease < options.tolerance) break;
  }
  return { x, value, iterations };
}
