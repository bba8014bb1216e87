// @cleanapp/mocks/node: a `setupServer` convenience for Node test runners (vitest, jest).
import { WebSocketHandler, type RequestHandler } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import type { AuthMock } from './auth.js';
import { createGraphqlHandlers, type GraphqlHandlerOptions } from './graphql.js';
import { createHandlers, type HandlerOptions } from './handlers.js';

export * from './index.js';

export interface MockServerOptions extends HandlerOptions {
  /** GraphQL handlers (ReportById, ReportsNear); `false` leaves them out. Default: on, any endpoint. */
  graphql?: GraphqlHandlerOptions | false;
  /** A token mock (`createAuthHandlers()`): its token/authorize handlers are served, and secured operations accept only its tokens. */
  auth?: AuthMock;
}

/**
 * A synchronous `require` without `import.meta` (Jest's CommonJS transform and Metro reject it) and without a
 * bare `require` (an ESM bundle turns it into a stub that throws): resolving from this file in the CommonJS
 * build, from the working directory (the app's root, where its `ws` is installed) in the ESM build.
 */
function nodeRequire(): NodeJS.Require {
  const from = typeof __filename === 'string' ? __filename : `${process.cwd()}/`;
  return process.getBuiltinModule('node:module').createRequire(from);
}

/**
 * Gives Node 20 a global `WebSocket` (the `ws` package) when it has none, so MSW's WebSocket
 * interception (`ws.link`) can apply. Node ≥ 22 has one built in. Call it before `server.listen()`;
 * `setupMockServer` does. Returns whether a global `WebSocket` exists afterwards.
 */
export function installWebSocketGlobal(): boolean {
  if (typeof globalThis.WebSocket !== 'undefined') return true;
  try {
    const { WebSocket } = nodeRequire()('ws') as { WebSocket: unknown };
    (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
    return true;
  } catch {
    return false;
  }
}

/**
 * An MSW server with the REST handlers of every operation (and the GraphQL handlers, and `auth`'s token endpoint), plus any extra
 * handlers such as `createWsMock(...).handler`. Call `listen({ onUnhandledRequest: 'error' })` in `beforeAll`.
 */
export function setupMockServer(options: MockServerOptions = {}, ...extra: (RequestHandler | WebSocketHandler)[]): SetupServer {
  const hasGlobal = installWebSocketGlobal();
  if (!hasGlobal && extra.some((h) => h instanceof WebSocketHandler)) {
    console.warn('@cleanapp/mocks/node: no global WebSocket and the `ws` package is not installed; WebSocket handlers will not intercept anything');
  }
  const { graphql, ...rest } = options;
  return setupServer(...extra, ...(options.auth?.handlers ?? []), ...createHandlers(rest), ...(graphql === false ? [] : createGraphqlHandlers(graphql ?? {})));
}
