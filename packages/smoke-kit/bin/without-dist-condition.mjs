// A resolve hook for the source path of smoke.mjs (stale builds, TypeScript through tsx) in a process started
// with `--conditions=cleanapp-dist`: drops that condition, so `@cleanapp/*` resolves to src/, not to dist/.
let condition = '';

export function initialize(data) {
  condition = data.condition;
}

export function resolve(specifier, context, next) {
  return next(specifier, { ...context, conditions: context.conditions.filter((c) => c !== condition) });
}
