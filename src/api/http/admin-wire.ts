import { z } from 'zod';
import type { BudgetUse } from '../../auth/budget-ledger.js';
import { parseBudget, parseDuration } from '../../auth/key-options.js';
import type { KeyRecord, NewKey } from '../../auth/key-store.js';
import { ADMIN_ENDPOINT, BUDGET_PERIODS, ENDPOINTS, type Budget } from '../../auth/principal.js';
import type { TeamChange, TeamRecord } from '../../auth/team-store.js';
import type { UsageSummary, UsageTotals } from '../../usage/usage-log.js';
import { invalidRequestFrom } from './zod-issue.js';

// The admin API's wire shapes (snake_case, like the rest of the OpenAI-style API).

// `*` alone stands for ['*'].
const star = (value: unknown) => (value === '*' ? ['*'] : value);
const names = z.preprocess(star, z.array(z.string().trim().min(1).max(200)).max(1000));
const endpoints = z.preprocess(star, z.array(z.enum(['*', ...ENDPOINTS, ADMIN_ENDPOINT])));
const budgetObject = z.strictObject({ usd: z.number().finite().nonnegative(), period: z.enum(BUDGET_PERIODS as [Budget['period'], ...Budget['period'][]]) });
/** `{ "usd": 25, "period": "month" }` or the CLI's text form `"25/month"`. */
const budget = z.preprocess((value, ctx) => {
  if (typeof value !== 'string') return value;
  try {
    return parseBudget(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/\.$/, '') });
    return z.NEVER;
  }
}, budgetObject);
const perMinute = z.number().int().positive().nullable();
const teamName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "use 1-64 letters, digits, '.', '_' or '-'");

const newKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  team: teamName.nullable().optional(),
  models: names.optional(),
  endpoints: endpoints.optional(),
  collections: names.optional(),
  budget: budget.nullable().optional(),
  rpm: perMinute.optional(),
  tpm: perMinute.optional(),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
  /** A duration from now, e.g. `30d` (the CLI's --expires). */
  expires_in: z.string().optional(),
});

const teamBody = z.strictObject({
  name: teamName,
  budget: budget.nullable().optional(),
  rpm: perMinute.optional(),
  tpm: perMinute.optional(),
});

export function parseNewKeyBody(body: unknown, now: number): NewKey {
  const parsed = newKeyBody.safeParse(body);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  const b = parsed.data;
  const expiresAt = b.expires_in !== undefined ? now + parseDuration(b.expires_in, 'expires_in') : b.expires_at == null ? null : Date.parse(b.expires_at);
  return {
    name: b.name,
    team: b.team ?? null,
    scopes: {
      ...(b.models === undefined ? {} : { models: b.models }),
      ...(b.endpoints === undefined ? {} : { endpoints: b.endpoints }),
      ...(b.collections === undefined ? {} : { collections: b.collections }),
    },
    budget: b.budget ?? null,
    rpm: b.rpm ?? null,
    tpm: b.tpm ?? null,
    expiresAt,
  };
}

export function parseTeamBody(body: unknown): TeamChange {
  const parsed = teamBody.safeParse(body);
  if (!parsed.success) throw invalidRequestFrom(parsed.error);
  const { name, ...rest } = parsed.data;
  return { id: name, ...rest };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function spendJson(use: BudgetUse): Record<string, unknown> {
  return { period: use.period, period_start: iso(use.periodStart), resets_at: iso(use.resetsAt), spent_usd: use.spentUsd, reserved_usd: use.reservedUsd };
}

export function keyJson(key: KeyRecord, now: number, spend?: BudgetUse): Record<string, unknown> {
  const status = key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active';
  return {
    object: 'api_key',
    id: key.id,
    name: key.name,
    team: key.team,
    status,
    models: key.scopes.models,
    endpoints: key.scopes.endpoints,
    collections: key.scopes.collections,
    budget: key.budget,
    rpm: key.limits.rpm,
    tpm: key.limits.tpm,
    expires_at: iso(key.expiresAt),
    revoked_at: iso(key.revokedAt),
    created_at: iso(key.createdAt),
    last_used_at: iso(key.lastUsedAt),
    ...(spend === undefined ? {} : { spend: spendJson(spend) }),
  };
}

export function teamJson(team: TeamRecord, spend?: BudgetUse): Record<string, unknown> {
  return {
    object: 'team',
    name: team.id,
    budget: team.budget,
    rpm: team.limits.rpm,
    tpm: team.limits.tpm,
    created_at: iso(team.createdAt),
    updated_at: iso(team.updatedAt),
    ...(spend === undefined ? {} : { spend: spendJson(spend) }),
  };
}

function totalsJson(t: UsageTotals): Record<string, number> {
  return { requests: t.requests, errors: t.errors, input_tokens: t.inputTokens, output_tokens: t.outputTokens, estimated: t.estimated, cost_usd: t.costUsd };
}

export function usageJson(summary: UsageSummary): Record<string, unknown> {
  return {
    object: 'usage',
    by: summary.by,
    since: iso(summary.since),
    data: summary.rows.map((row) => ({ group: row.group, ...(row.label === null ? {} : { label: row.label }), ...totalsJson(row) })),
    total: totalsJson(summary.total),
  };
}
