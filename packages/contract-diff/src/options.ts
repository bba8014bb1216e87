// The CLI's option tables, in a module of their own so that workflow checks (packages/delivery-checks)
// can compare the flags a workflow passes with the real ones without loading the diff engine.
/** Options both commands take (node:util parseArgs tables). */
export const COMMON_OPTIONS = {
  format: { type: 'string', default: 'text' },
  // No parseArgs default: cli.ts applies `breaking` so that the usage text and the check stay in one place.
  'fail-on': { type: 'string' },
  config: { type: 'string' },
  ignore: { type: 'string' },
  operations: { type: 'string', multiple: true },
  output: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The diff command's own: COMMON_OPTIONS and --version. */
export const DIFF_OPTIONS = {
  ...COMMON_OPTIONS,
  // No parseArgs default: cli.ts validates against JUDGES (judge.ts) and applies `wire`.
  judge: { type: 'string' },
  version: { type: 'boolean' },
} as const;

export const SUBGRAPH_CHECK_OPTIONS = {
  ...COMMON_OPTIONS,
  name: { type: 'string' },
  schema: { type: 'string' },
  header: { type: 'string', multiple: true },
  subgraphs: { type: 'string' },
  supergraph: { type: 'string' },
  new: { type: 'boolean' },
  'no-client-operations': { type: 'boolean' },
} as const;
