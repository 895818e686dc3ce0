import type { Budget, BudgetPeriod } from './principal.js';

/** Money is stored as integer nano-USD (1e-9 USD) so that sums of many small costs never drift. */
export const NANO_PER_USD = 1e9;

export function toNano(usd: number): number {
  return Math.round(usd * NANO_PER_USD);
}

export function fromNano(nano: number): number {
  return nano / NANO_PER_USD;
}

export function budgetFromRow(nusd: number | null, period: string | null): Budget | null {
  if (nusd === null || period === null) return null;
  return { usd: fromNano(nusd), period: period as BudgetPeriod };
}

export function budgetToRow(budget: Budget | null): { budget_nusd: number | null; budget_period: BudgetPeriod | null } {
  return budget === null ? { budget_nusd: null, budget_period: null } : { budget_nusd: toNano(budget.usd), budget_period: budget.period };
}
