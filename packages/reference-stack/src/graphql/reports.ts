// The `reports` subgraph: Report (entity by publicId), Query.report and Query.reportsNear.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractPaths } from '@cleanapp/contracts';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Queryable } from '../store/db.js';
import { InvalidCursorError } from '../store/queries.js';
import { reportsByIds, reportsNearConnection } from './data.js';
import { buildSubgraphSchema } from './subgraph.js';

/** Page size when `first` is not given, and the cap applied to larger values. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Half the Earth's circumference: every point is within this distance. */
const MAX_RADIUS_M = 20_037_509;

const badInput = (message: string, argumentName: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName } });

interface NearArgs {
  latitude: number;
  longitude: number;
  radiusMeters: number;
  first?: number | null;
  after?: string | null;
}

export function reportsSubgraphSdl(): string {
  return readFileSync(join(contractPaths.subgraphs, 'reports.graphql'), 'utf8');
}

/** The `reports` subgraph on `db`, built from `sdl` (default: the canonical one). */
export function buildReportsSchema(db: Queryable, sdl = reportsSubgraphSdl()): GraphQLSchema {
  return buildSubgraphSchema(sdl, {
    fields: {
      Query: {
        report: async (_root, args: { publicId: string }) => (await reportsByIds(db, [args.publicId]))[0] ?? null,
        reportsNear: async (_root, args: NearArgs) => {
          if (!(args.latitude >= -90 && args.latitude <= 90)) throw badInput('latitude must be between -90 and 90', 'latitude');
          if (!(args.longitude >= -180 && args.longitude <= 180)) throw badInput('longitude must be between -180 and 180', 'longitude');
          if (!(args.radiusMeters > 0) || !Number.isFinite(args.radiusMeters)) throw badInput('radiusMeters must be a positive number', 'radiusMeters');
          const first = args.first ?? DEFAULT_PAGE_SIZE;
          if (first < 0) throw badInput('first must not be negative', 'first');
          return reportsNearConnection(db, {
            latitude: args.latitude,
            longitude: args.longitude,
            radiusMeters: Math.min(args.radiusMeters, MAX_RADIUS_M),
            limit: Math.min(first, MAX_PAGE_SIZE),
            after: args.after,
          }).catch((error: unknown) => {
            throw error instanceof InvalidCursorError ? badInput(`"after" ${error.message}`, 'after') : error;
          });
        },
      },
    },
    entities: {
      Report: (reps) => reportsByIds(db, reps.map((r) => String(r.publicId))),
    },
  });
}
