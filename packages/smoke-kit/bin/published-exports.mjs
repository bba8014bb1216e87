// A resolve hook (module.register, see smoke.mjs): `@cleanapp/<name>[/<subpath>]` resolves to the file its
// publishConfig.exports names in dist/ — the workspace loaded as it is published. Every other specifier,
// and subpaths that are not code (JSON, .graphql), resolve as usual.
let exportsByPackage = new Map();

export function initialize(data) {
  exportsByPackage = new Map(data.packages.map((p) => [p.name, p.exports]));
}

export async function resolve(specifier, context, next) {
  const m = /^(@cleanapp\/[^/]+)(\/.*)?$/.exec(specifier);
  const url = m ? exportsByPackage.get(m[1])?.[`.${m[2] ?? ''}`] : undefined;
  return url ? { url, format: 'module', shortCircuit: true } : next(specifier, context);
}
