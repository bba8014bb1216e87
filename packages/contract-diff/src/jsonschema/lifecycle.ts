// Deprecation, `x-sunset` and `x-stability-level`: the one place that interprets them, for endpoints,
// parameters and schema properties alike. Callers map the outcome to their own rule ids.
import type { RuleId } from '../rules.js';
import type { Json, JsonObject } from '../refs.js';
import type { Dir, Policy, SchemaCtx, SchemaReporter } from './context.js';
import { canon, show } from './values.js';

export const STABILITY_LEVELS = ['draft', 'alpha', 'beta', 'stable'] as const;
export type StabilityLevel = (typeof STABILITY_LEVELS)[number];

export function isStabilityLevel(v: unknown): v is StabilityLevel {
  return STABILITY_LEVELS.includes(v as StabilityLevel);
}

/** Position of an `x-stability-level` value in STABILITY_LEVELS; absent means stable, -1 invalid. */
export function stabilityRank(v: Json | undefined): number {
  return v === undefined ? STABILITY_LEVELS.length - 1 : STABILITY_LEVELS.indexOf(v as StabilityLevel);
}

export type StabilityChange = 'decreased' | 'increased' | 'invalid';

export function stabilityChange(b: Json | undefined, r: Json | undefined): { change: StabilityChange; note: string } | undefined {
  const bi = stabilityRank(b);
  const ri = stabilityRank(r);
  if (bi === -1 || ri === -1) return { change: 'invalid', note: `invalid x-stability-level ${show((bi === -1 ? b : r) ?? null)}` };
  if (bi === ri) return undefined;
  return { change: ri < bi ? 'decreased' : 'increased', note: `from ${STABILITY_LEVELS[bi]} to ${STABILITY_LEVELS[ri]}` };
}

/** `x-sunset` is a date (YYYY-MM-DD) or an RFC 3339 timestamp. */
export function parseDate(v: Json | undefined): Date | undefined {
  if (typeof v !== 'string') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}([Tt ][\d:.]+([Zz]|[+-]\d{2}:\d{2})?)?$/.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Days of notice a deprecation of this node must give (beta items may have their own policy). */
function noticeDays(node: JsonObject, policy: Policy): number {
  return node['x-stability-level'] === 'beta' ? policy.deprecationDays.beta : policy.deprecationDays.stable;
}

export type Deprecation =
  | 'deprecated'
  | 'sunset-missing'
  | 'sunset-invalid'
  | 'sunset-too-small'
  | 'deprecated-with-sunset'
  | 'reactivated'
  | 'sunset-deleted'
  | 'sunset-changed-invalid'
  | 'sunset-changed-too-small';

/** How `deprecated` and `x-sunset` changed between two versions of an item. */
export function deprecationChange(b: JsonObject, r: JsonObject, policy: Policy): { change: Deprecation; note?: string } | undefined {
  const bd = b.deprecated === true;
  const rd = r.deprecated === true;
  const days = noticeDays(r, policy);
  const bsun = b['x-sunset'];
  const sunset = r['x-sunset'];
  const deadline = policy.now.getTime() + days * 86_400_000;
  if (!bd && rd) {
    if (sunset === undefined) return { change: days > 0 ? 'sunset-missing' : 'deprecated' };
    const date = parseDate(sunset);
    if (!date) return { change: 'sunset-invalid', note: `cannot parse x-sunset ${show(sunset)}` };
    if (days > 0 && date.getTime() < deadline) return { change: 'sunset-too-small', note: `sunset ${show(sunset)} is less than ${days} days away` };
    return { change: 'deprecated-with-sunset', note: `sunset ${show(sunset)}` };
  }
  if (bd && !rd) return { change: 'reactivated' };
  if (!bd || (bsun === undefined && sunset === undefined)) return undefined;
  if (sunset === undefined) return { change: 'sunset-deleted' };
  if (canon(bsun) === canon(sunset)) return undefined;
  const bDate = parseDate(bsun);
  const rDate = parseDate(sunset);
  if (!rDate || (bsun !== undefined && !bDate)) return { change: 'sunset-changed-invalid', note: `cannot parse x-sunset ${show((rDate ? bsun : sunset) ?? null)}` };
  // Moving a sunset earlier must still leave the required notice.
  if (days > 0 && bDate && rDate < bDate && rDate.getTime() < deadline) return { change: 'sunset-changed-too-small', note: `sunset moved to ${show(sunset)}` };
  return undefined;
}

export type Removal = 'removed-without-deprecation' | 'removed-with-deprecation' | 'removed-before-sunset' | 'sunset-invalid';

/** Removing an item is fine once it was deprecated and its sunset (if any) has passed. */
export function removalOf(node: JsonObject, now: Date): { change: Removal; note?: string } {
  if (node.deprecated !== true) return { change: 'removed-without-deprecation' };
  const sunset = node['x-sunset'];
  if (sunset === undefined) return { change: 'removed-with-deprecation' };
  const date = parseDate(sunset);
  if (!date) return { change: 'sunset-invalid', note: `cannot parse x-sunset ${show(sunset)}` };
  if (date.getTime() > now.getTime()) return { change: 'removed-before-sunset', note: `sunset ${show(sunset)}` };
  return { change: 'removed-with-deprecation' };
}

// A property's sunset moves are not checked, nor is a too-near sunset (oasdiff's
// `*-property-sunset-date-too-small`): such a deprecation is reported like any dated one.
const PROPERTY_DEPRECATION: Record<Dir, Partial<Record<Deprecation, RuleId>>> = {
  request: {
    deprecated: 'request-property-deprecated',
    'sunset-missing': 'request-property-deprecated-sunset-missing',
    'sunset-invalid': 'request-property-deprecated-sunset-invalid',
    'sunset-too-small': 'request-property-deprecated-with-sunset',
    'deprecated-with-sunset': 'request-property-deprecated-with-sunset',
    reactivated: 'request-property-reactivated',
  },
  response: {
    deprecated: 'response-property-deprecated',
    'sunset-missing': 'response-property-deprecated-sunset-missing',
    'sunset-invalid': 'response-property-deprecated-sunset-invalid',
    'sunset-too-small': 'response-property-deprecated-with-sunset',
    'deprecated-with-sunset': 'response-property-deprecated-with-sunset',
    reactivated: 'response-property-reactivated',
  },
};

const PROPERTY_STABILITY: Record<Dir, Record<StabilityChange, RuleId>> = {
  request: { decreased: 'request-property-stability-decreased', increased: 'request-property-stability-increased', invalid: 'api-invalid-stability-level' },
  response: { decreased: 'response-property-stability-decreased', increased: 'response-property-stability-increased', invalid: 'api-invalid-stability-level' },
};

/** Deprecation and stability of a schema property present on both sides. */
export function comparePropertyLifecycle(d: SchemaReporter<never>, bs: JsonObject, rs: JsonObject, ctx: SchemaCtx): void {
  const dep = deprecationChange(bs, rs, d.policy);
  const depId = dep && PROPERTY_DEPRECATION[ctx.dir][dep.change];
  if (dep && depId) d.emitAt(depId, ctx, ctx.prop, dep.note ? { detail: `${ctx.prop} (${dep.note})` } : {});
  const bsl = bs['x-stability-level'];
  const rsl = rs['x-stability-level'];
  // Only a level the revision states is a change; dropping it is not reported.
  if (rsl === undefined || bsl === rsl) return;
  const st = stabilityChange(bsl, rsl);
  if (st) d.emitAt(PROPERTY_STABILITY[ctx.dir][st.change], ctx, ctx.prop, st.change === 'invalid' ? { detail: `${ctx.prop}: ${st.note}` } : {});
}
