// MSW `graphql` handlers for the canonical operations of @cleanapp/graphql-client (ReportById, ReportsNear),
// answering the REST contract examples mapped to the GraphQL shapes (camelCase fields, upper-case enums).
import type { components } from '@cleanapp/api-client';
import type {
  GraphqlErrorItem,
  ReportByIdQuery,
  ReportByIdQueryVariables,
  ReportFieldsFragment,
  ReportsNearQuery,
  ReportsNearQueryVariables,
} from '@cleanapp/graphql-client';
import { buildSchema, graphql as execute, type GraphQLSchema } from 'graphql';
import { graphql, HttpResponse, type GraphQLHandler } from 'msw';
import { graphqlSchemaSdl, responseExamples } from './generated/fixtures.js';
import { requestIdOf } from './handlers.js';

type RestReport = components['schemas']['Report'];

/** Maps a REST `Report` (contract schema) to the GraphQL `ReportFields` selection. */
export function toGraphqlReport(report: RestReport): ReportFieldsFragment {
  const upper = <T extends string>(value: string) => value.toUpperCase() as Uppercase<T>;
  return {
    publicId: report.public_id,
    seq: report.seq,
    lane: upper(report.lane) as ReportFieldsFragment['lane'],
    status: upper(report.status) as ReportFieldsFragment['status'],
    latitude: report.latitude,
    longitude: report.longitude,
    title: report.title,
    description: report.description,
    tags: [...report.tags],
    reportedAt: report.reported_at,
    createdAt: report.created_at,
    synthetic: report.synthetic,
    analysis: report.analysis
      ? {
          classification: upper(report.analysis.classification) as NonNullable<ReportFieldsFragment['analysis']>['classification'],
          severityLevel: report.analysis.severity_level,
          brandName: report.analysis.brand_name ?? null,
          summary: report.analysis.summary,
          analysedAt: report.analysis.analysed_at,
        }
      : null,
  };
}

/** An opaque, deterministic edge cursor. */
function cursorOf(publicId: string): string {
  return `mock_${publicId}`;
}

/** The default GraphQL results, built from the REST examples (`getReport` 200, `listReportsNear` 200). */
export function graphqlExamples(): { ReportById: ReportByIdQuery; ReportsNear: ReportsNearQuery } {
  const page = responseExamples.listReportsNear[200].body;
  const edges = page.items.map((item) => ({ cursor: cursorOf(item.public_id), node: toGraphqlReport(item) }));
  return {
    ReportById: { report: toGraphqlReport(responseExamples.getReport[200].body) },
    ReportsNear: {
      reportsNear: {
        edges,
        pageInfo: { hasNextPage: page.next_cursor !== null, endCursor: page.next_cursor ?? edges.at(-1)?.cursor ?? null },
      },
    },
  };
}

/** A GraphQL error result: `errors` (and optional partial `data`). */
export interface GraphqlErrorResult<TData> {
  errors: GraphqlErrorItem[];
  data?: TData | null;
}

export type GraphqlOverride<TData, TVariables> =
  | TData
  | GraphqlErrorResult<TData>
  | ((context: { variables: TVariables; request: Request; requestId: string; example: TData }) =>
      | TData
      | GraphqlErrorResult<TData>
      | Response
      | undefined
      | Promise<TData | GraphqlErrorResult<TData> | Response | undefined>);

export interface GraphqlHandlerOptions {
  /** The GraphQL endpoint, e.g. `https://api.cleanapp.example/graphql`; default: any endpoint. */
  url?: string;
  overrides?: {
    ReportById?: GraphqlOverride<ReportByIdQuery, ReportByIdQueryVariables>;
    ReportsNear?: GraphqlOverride<ReportsNearQuery, ReportsNearQueryVariables>;
  };
}

let schema: GraphQLSchema | undefined;
/** The client-facing schema, built once on first use. */
function publicSchema(): GraphQLSchema {
  schema ??= buildSchema(graphqlSchemaSdl);
  return schema;
}

const isErrorResult = (value: unknown): value is GraphqlErrorResult<unknown> =>
  typeof value === 'object' && value !== null && Array.isArray((value as { errors?: unknown }).errors);

function answer<TData, TVariables>(
  override: GraphqlOverride<TData, TVariables> | undefined,
  example: () => TData,
): (info: { variables: TVariables; request: Request; query: string; operationName: string }) => Promise<Response> {
  return async ({ variables, request, query, operationName }) => {
    const requestId = requestIdOf(request);
    const headers = { 'x-request-id': requestId };
    const result = typeof override === 'function'
      ? await (override as (context: { variables: TVariables; request: Request; requestId: string; example: TData }) => unknown)({ variables, request, requestId, example: example() })
      : override;
    if (result instanceof Response) return result;
    if (isErrorResult(result)) return HttpResponse.json({ errors: result.errors, data: result.data ?? null }, { headers });
    // Execute the client's document against the public schema with the data as root value: the answer has
    // exactly the selected fields (aliases, __typename included), and a document the schema rejects gets errors.
    const executed = await execute({
      schema: publicSchema(),
      source: query,
      rootValue: result ?? example(),
      variableValues: variables as Record<string, unknown>,
      operationName,
    });
    return HttpResponse.json(JSON.parse(JSON.stringify(executed)) as Record<string, unknown>, { headers });
  };
}

/**
 * MSW GraphQL handlers for ReportById and ReportsNear answering the REST contract examples in GraphQL
 * shape, with typed overrides, e.g. `{ overrides: { ReportById: { report: null } } }`.
 */
export function createGraphqlHandlers(options: GraphqlHandlerOptions = {}): GraphQLHandler[] {
  const api = options.url ? graphql.link(options.url) : graphql;
  return [
    api.query<ReportByIdQuery, ReportByIdQueryVariables>('ReportById', answer(options.overrides?.ReportById, () => graphqlExamples().ReportById)),
    api.query<ReportsNearQuery, ReportsNearQueryVariables>('ReportsNear', answer(options.overrides?.ReportsNear, () => graphqlExamples().ReportsNear)),
  ];
}
