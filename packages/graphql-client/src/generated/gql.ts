/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ReportById($publicId: ID!) {\n  report(publicId: $publicId) {\n    ...ReportFields\n  }\n}": typeof types.ReportByIdDocument,
    "fragment ReportFields on Report {\n  publicId\n  seq\n  lane\n  status\n  latitude\n  longitude\n  title\n  description\n  tags\n  reportedAt\n  createdAt\n  synthetic\n  analysis {\n    classification\n    severityLevel\n    brandName\n    summary\n    analysedAt\n  }\n}": typeof types.ReportFieldsFragmentDoc,
    "query ReportsNear($latitude: Float!, $longitude: Float!, $radiusMeters: Float!, $first: Int, $after: String) {\n  reportsNear(\n    latitude: $latitude\n    longitude: $longitude\n    radiusMeters: $radiusMeters\n    first: $first\n    after: $after\n  ) {\n    edges {\n      cursor\n      node {\n        ...ReportFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.ReportsNearDocument,
};
const documents: Documents = {
    "query ReportById($publicId: ID!) {\n  report(publicId: $publicId) {\n    ...ReportFields\n  }\n}": types.ReportByIdDocument,
    "fragment ReportFields on Report {\n  publicId\n  seq\n  lane\n  status\n  latitude\n  longitude\n  title\n  description\n  tags\n  reportedAt\n  createdAt\n  synthetic\n  analysis {\n    classification\n    severityLevel\n    brandName\n    summary\n    analysedAt\n  }\n}": types.ReportFieldsFragmentDoc,
    "query ReportsNear($latitude: Float!, $longitude: Float!, $radiusMeters: Float!, $first: Int, $after: String) {\n  reportsNear(\n    latitude: $latitude\n    longitude: $longitude\n    radiusMeters: $radiusMeters\n    first: $first\n    after: $after\n  ) {\n    edges {\n      cursor\n      node {\n        ...ReportFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.ReportsNearDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReportById($publicId: ID!) {\n  report(publicId: $publicId) {\n    ...ReportFields\n  }\n}"): typeof import('./graphql.js').ReportByIdDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ReportFields on Report {\n  publicId\n  seq\n  lane\n  status\n  latitude\n  longitude\n  title\n  description\n  tags\n  reportedAt\n  createdAt\n  synthetic\n  analysis {\n    classification\n    severityLevel\n    brandName\n    summary\n    analysedAt\n  }\n}"): typeof import('./graphql.js').ReportFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReportsNear($latitude: Float!, $longitude: Float!, $radiusMeters: Float!, $first: Int, $after: String) {\n  reportsNear(\n    latitude: $latitude\n    longitude: $longitude\n    radiusMeters: $radiusMeters\n    first: $first\n    after: $after\n  ) {\n    edges {\n      cursor\n      node {\n        ...ReportFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): typeof import('./graphql.js').ReportsNearDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
