// Types derived from the contract through @cleanapp/api-client's generated OpenAPI types and
// @cleanapp/graphql-client's typed documents. Nothing here has a runtime value.
import type { operations } from '@cleanapp/api-client';
import type { ReportRenderedPayload } from '@cleanapp/events';

/** Every REST operation of the contract, by operationId. */
export type OperationId = keyof operations;

type Responses<Op extends OperationId> = operations[Op]['responses'];

/** The HTTP statuses the contract declares for an operation. */
export type ResponseStatus<Op extends OperationId> = keyof Responses<Op> & number;

/** The `content` map (media type → body) of one declared response. */
export type ResponseContent<Op extends OperationId, S extends ResponseStatus<Op>> = Responses<Op>[S] extends { content: infer C } ? C : never;

/** The media types declared for one response. */
export type ResponseMediaType<Op extends OperationId, S extends ResponseStatus<Op>> = keyof ResponseContent<Op, S> & string;

/** The body of one declared response (for a given media type; default: any declared one). */
export type ResponseBody<Op extends OperationId, S extends ResponseStatus<Op>, M extends ResponseMediaType<Op, S> = ResponseMediaType<Op, S>> =
  ResponseContent<Op, S>[M];

/** The JSON request body of an operation, `undefined` for operations without one. */
export type RequestBody<Op extends OperationId> = operations[Op] extends { requestBody: { content: { 'application/json': infer B } } }
  ? B
  : operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B | undefined
    : undefined;

/** Path parameters of an operation as MSW hands them over (strings). */
export type PathParams<Op extends OperationId> = operations[Op]['parameters'] extends { path: infer P }
  ? [P] extends [never | undefined]
    ? Record<string, never>
    : { [K in keyof P]: string }
  : Record<string, never>;

/** The success status of an operation: its lowest declared 2xx. */
export type SuccessStatus<Op extends OperationId> = Extract<ResponseStatus<Op>, 200 | 201 | 202 | 204>;

/** The contract's error envelope (every 4xx/5xx). */
export type ErrorEnvelope = ResponseBody<'submitReport', 400, 'application/json'>;

/** One example of the contract: the media type it is declared under, and the body. */
export interface Example<Body = unknown> {
  contentType: string;
  body: Body;
}

/** Static description of one REST operation, generated from the contract. */
export interface OperationInfo {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path template as written in the contract, e.g. `/api/v4/reports/{public_id}`. */
  path: string;
  /** The same path in MSW's syntax, e.g. `/api/v4/reports/:public_id`. */
  mswPath: string;
  successStatus: number;
  /** Every declared status, ascending. */
  statuses: readonly number[];
  /** Scopes one bearer token needs (`null` = public operation). */
  scopes: readonly string[] | null;
}

/** One OAuth2 flow of the contract's security scheme: the paths of its URLs (their host is a deployment's) and its scopes. */
export interface OAuthFlowInfo {
  tokenPath?: string;
  authorizationPath?: string;
  refreshPath?: string;
  scopes: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// WebSocket messages (contracts/events/asyncapi.yaml, channels wsPublic / wsPrivileged)

/** `report.rendered` data on the public stream: public fields only. */
export interface WsRenderedPublicData {
  public_id: string;
  seq: number;
  card_path: string;
  page_path: string;
  rendered_at: string;
}

/** `report.rendered` data on the privileged stream: the full pipeline event. */
export type WsRenderedPrivilegedData = ReportRenderedPayload;

export type WsStream = 'public' | 'privileged';

export interface WsWelcome {
  type: 'welcome';
  data: { stream: WsStream; heartbeat_ms: number };
  timestamp: string;
}
export interface WsPing {
  type: 'ping';
  data: { id: string | number };
  timestamp?: string;
}
export interface WsPong {
  type: 'pong';
  data: { id: string | number };
  timestamp: string;
}
export interface WsRenderedPublic {
  type: 'report.rendered';
  data: WsRenderedPublicData;
  timestamp: string;
}
export interface WsRenderedPrivileged {
  type: 'report.rendered';
  data: WsRenderedPrivilegedData;
  timestamp: string;
}
/** Messages the hub sends. */
export type WsServerMessage = WsWelcome | WsPong | WsRenderedPublic | WsRenderedPrivileged;
