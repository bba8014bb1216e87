// The one rule registry: every id the engines emit, with its default level and description. `RuleId`
// is derived from it, so emitting an id without a row (a typo) is a compile error.
import { EXTRA_RULES } from './extra-rules.js';
import { OPENAPI_RULES } from './openapi/rules.js';
import type { Level, RuleDef } from './types.js';

export const RULES = { ...OPENAPI_RULES, ...EXTRA_RULES } as const satisfies Record<string, RuleDef>;

export type RuleId = keyof typeof RULES;

/** For ids read at run time (config files): narrows a string to a registered id. */
export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}

export function ruleLevel(id: string): Level | undefined {
  return isRuleId(id) ? RULES[id][0] : undefined;
}
