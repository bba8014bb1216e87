export { startStack, type RunningStack, type StackOptions, type StackTarget } from './stack.js';
export { resolveBroker, resolveDatabase, DependencyNotFoundError, type Resolved, type Source } from './deps/resolve.js';
export { FAULTS, parseFaults, type Fault, type Faults } from './faults.js';
export type { PublicClient, TestUser } from './auth/public-clients.js';
