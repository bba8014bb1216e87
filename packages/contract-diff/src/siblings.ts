// The GraphQL paths import @cleanapp/contracts and @cleanapp/graphql-client. Installed from a registry
// those are JavaScript. Inside this workspace their `exports` point at TypeScript sources, which plain
// node (the built CLI in dist/) cannot load: there, and only on those paths, tsx's loader (a
// devDependency of this workspace) is registered before they are imported.

let ready: Promise<void> | undefined;

export function siblingsLoadable(): Promise<void> {
  ready ??= (async () => {
    // Running as TypeScript already (vitest, tsx): whatever loads this file loads the siblings too.
    if (import.meta.url.endsWith('.ts')) return;
    if (!import.meta.resolve('@cleanapp/contracts').endsWith('.ts')) return;
    const tsx = 'tsx/esm/api'; // a variable, so the bundler leaves this workspace-only import alone
    const { register } = (await import(tsx)) as typeof import('tsx/esm/api');
    register();
  })();
  return ready;
}
