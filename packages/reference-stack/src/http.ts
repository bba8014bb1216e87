// stack.ts and cli.ts import Cleanups from here; the HTTP plumbing itself lives in ./http/.
export { Cleanups, listen, type Listening } from './http/listen.js';
