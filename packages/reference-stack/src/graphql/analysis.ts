// The `analysis` subgraph: adds Report.analysis (null until the analyzer has classified the report).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractPaths } from '@cleanapp/contracts';
import type { GraphQLSchema } from 'graphql';
import type { Queryable } from '../store/db.js';
import { analysesByIds } from './data.js';
import { buildSubgraphSchema } from './subgraph.js';

export function analysisSubgraphSdl(): string {
  return readFileSync(join(contractPaths.subgraphs, 'analysis.graphql'), 'utf8');
}

/** The `analysis` subgraph on `db`, built from `sdl` (default: the canonical one). */
export function buildAnalysisSchema(db: Queryable, sdl = analysisSubgraphSdl()): GraphQLSchema {
  return buildSubgraphSchema(sdl, {
    entities: {
      // A quarantined or unknown report is not an entity here either (null), so nothing leaks through
      // a hand-written _entities call.
      Report: async (reps) => {
        const ids = reps.map((r) => String(r.publicId));
        const analyses = await analysesByIds(db, ids);
        return ids.map((publicId, i) => (analyses[i] === undefined ? null : { publicId, analysis: analyses[i] }));
      },
    },
  });
}
