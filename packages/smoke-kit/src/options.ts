// The smoke CLI's options as data: its parser and --help are built from this, and delivery-checks reads it
// to check the flags the workflows pass. No imports, so reading it loads nothing else.

export interface SmokeOption {
  flag: `--${string}`;
  short?: string;
  /** Placeholder of the option's value; options without one are boolean switches. */
  value?: string;
  help: readonly string[];
}

export const SMOKE_OPTIONS = [
  {
    flag: '--target',
    short: 't',
    value: 'file',
    help: ['target file (JSON or YAML, see @cleanapp/contracts/target.schema.json);', 'without it the embedded reference stack is started and used'],
  },
  { flag: '--suite', short: 's', value: 'names', help: ["comma-separated suites (default: the target's suites, else all)"] },
  { flag: '--tag', value: 'tag', help: ['only suites with this tag (gate: service-repo CI, nightly: the canary)'] },
  { flag: '--service', value: 'names', help: ['only suites that check one of these services (api, analyzer, renderer, graphql, ws-hub, ...)'] },
  { flag: '--retries', value: 'n', help: ['canary mode: retry a failed check up to n times; one that then passes is reported flaky'] },
  { flag: '--shard', value: 'i/n', help: ["run only shard i of n of the selected suites' test files (vitest's own sharding); merge the shards' report dirs with `merge`"] },
  { flag: '--history', value: 'file', help: ['append this run\'s latency results as one JSON line to file (JSON lines) and draw the trend per budget in report.html'] },
  { flag: '--report-dir', value: 'dir', help: ['where junit.xml, results.json and report.html go (default: .reports/smoke in this repo,', 'or in the working directory when installed from npm)'] },
  { flag: '--help', short: 'h', help: ['show this help'] },
] as const satisfies readonly SmokeOption[];

type Option = (typeof SMOKE_OPTIONS)[number];

/** The parsed command line: one property per option, a string for options with a value. */
export type SmokeArgs = { [O in Option as O['flag'] extends `--${infer Name}` ? Name : never]?: O extends { value: string } ? string : boolean };
