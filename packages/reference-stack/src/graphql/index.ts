export { startGraphql, type GraphqlOptions, type RunningGraphql } from './server.js';
export { buildReportsSchema, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './reports.js';
export { buildAnalysisSchema } from './analysis.js';
export { buildSubgraphSchema, type Representation, type SubgraphResolvers } from './subgraph.js';
export { READ_REQUIREMENT, type Authorizer } from '../http/auth/index.js';
