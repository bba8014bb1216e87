import { createConfig, type Config, type RawUniversalConfig } from '@redocly/openapi-core';
import { cleanappPlugin } from './plugin.js';
import type { LintOptions, LintProblem } from './problem.js';
import { lintDocument } from './redocly.js';

/**
 * Redocly's `recommended` set, with the checks a broken contract must never pass raised to `error`,
 * and our own rules. `operation-4xx-response` and `security-defined` are off: `cleanapp/error-responses`
 * and `cleanapp/operation-security` are stricter versions of them and of `security-scopes-defined`
 * (one report per finding, not two).
 */
export const openapiRules = {
  struct: 'error',
  'no-unresolved-refs': 'error',
  'operation-operationId': 'error',
  'operation-operationId-unique': 'error',
  'operation-operationId-url-safe': 'error',
  'operation-parameters-unique': 'error',
  'path-params-defined': 'error',
  'no-identical-paths': 'error',
  'no-ambiguous-paths': 'error',
  'no-invalid-media-type-examples': 'error',
  'no-invalid-schema-examples': 'error',
  'no-invalid-parameter-examples': 'error',
  'no-example-value-and-externalValue': 'error',
  'operation-4xx-response': 'off',
  'security-defined': 'off',
  'security-scopes-defined': 'off',
  'cleanapp/error-responses': 'error',
  'cleanapp/response-request-id': 'error',
  'cleanapp/response-process-time': 'error',
  'cleanapp/operation-security': 'error',
  'cleanapp/no-invalid-header-examples': 'error',
  'cleanapp/oauth-flow-urls': 'error',
  'cleanapp/latency-budget': 'error',
} as const;

let config: Promise<Config> | undefined;

function openapiConfig(): Promise<Config> {
  config ??= createConfig({ extends: ['recommended'], plugins: [cleanappPlugin], rules: openapiRules } as RawUniversalConfig);
  return config;
}

/** Lints an OpenAPI document (and every file it `$ref`s); problems point into the file that holds them. */
export function lintOpenApi(file: string, options: LintOptions = {}): Promise<LintProblem[]> {
  return lintDocument(file, openapiConfig, options);
}
