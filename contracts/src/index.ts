export { contractPaths } from './paths.js';
export { composeSupergraph, readSubgraphs, CompositionError, type Subgraph } from './compose.js';
export { loadOpenApi, loadAsyncApi, type OpenApiDocument } from './load.js';
