/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type Classification =
  | 'GRAFFITI'
  | 'HAZARD'
  | 'LITTER'
  | 'OTHER';

export type Lane =
  | 'PUBLISH'
  | 'QUARANTINE';

export type ProcessingStatus =
  | 'ACCEPTED'
  | 'ANALYSED'
  | 'FAILED'
  | 'QUEUED'
  | 'RENDERED';

export type ReportByIdQueryVariables = Exact<{
  publicId: string | number;
}>;


export type ReportByIdQuery = { report: { publicId: string, seq: number, lane: Lane, status: ProcessingStatus, latitude: number, longitude: number, title: string, description: string, tags: Array<string>, reportedAt: string, createdAt: string, synthetic: boolean, analysis: { classification: Classification, severityLevel: number, brandName: string | null, summary: string, analysedAt: string } | null } | null };

export type ReportFieldsFragment = { publicId: string, seq: number, lane: Lane, status: ProcessingStatus, latitude: number, longitude: number, title: string, description: string, tags: Array<string>, reportedAt: string, createdAt: string, synthetic: boolean, analysis: { classification: Classification, severityLevel: number, brandName: string | null, summary: string, analysedAt: string } | null };

export type ReportsNearQueryVariables = Exact<{
  latitude: number;
  longitude: number;
  radiusMeters: number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ReportsNearQuery = { reportsNear: { edges: Array<{ cursor: string, node: { publicId: string, seq: number, lane: Lane, status: ProcessingStatus, latitude: number, longitude: number, title: string, description: string, tags: Array<string>, reportedAt: string, createdAt: string, synthetic: boolean, analysis: { classification: Classification, severityLevel: number, brandName: string | null, summary: string, analysedAt: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, unknown> | undefined;

  constructor(value: string, __meta__?: Record<string, unknown> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ReportFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReportFields on Report {
  publicId
  seq
  lane
  status
  latitude
  longitude
  title
  description
  tags
  reportedAt
  createdAt
  synthetic
  analysis {
    classification
    severityLevel
    brandName
    summary
    analysedAt
  }
}
    `, {"fragmentName":"ReportFields"}) as unknown as TypedDocumentString<ReportFieldsFragment, unknown>;
export const ReportByIdDocument = new TypedDocumentString(`
    query ReportById($publicId: ID!) {
  report(publicId: $publicId) {
    ...ReportFields
  }
}
    fragment ReportFields on Report {
  publicId
  seq
  lane
  status
  latitude
  longitude
  title
  description
  tags
  reportedAt
  createdAt
  synthetic
  analysis {
    classification
    severityLevel
    brandName
    summary
    analysedAt
  }
}`) as unknown as TypedDocumentString<ReportByIdQuery, ReportByIdQueryVariables>;
export const ReportsNearDocument = new TypedDocumentString(`
    query ReportsNear($latitude: Float!, $longitude: Float!, $radiusMeters: Float!, $first: Int, $after: String) {
  reportsNear(
    latitude: $latitude
    longitude: $longitude
    radiusMeters: $radiusMeters
    first: $first
    after: $after
  ) {
    edges {
      cursor
      node {
        ...ReportFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment ReportFields on Report {
  publicId
  seq
  lane
  status
  latitude
  longitude
  title
  description
  tags
  reportedAt
  createdAt
  synthetic
  analysis {
    classification
    severityLevel
    brandName
    summary
    analysedAt
  }
}`) as unknown as TypedDocumentString<ReportsNearQuery, ReportsNearQueryVariables>;