// Helpers for tests outside this package that drive a running stack.
export { renderedWatchers } from './rendered-stream.js';
export { freePort } from './ports.js';
export { processGroupMembers } from '../lifetime.js';
