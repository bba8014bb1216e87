import type { PayloadByRoutingKey } from './generated/payloads.js';
import { validateReportAnalysedPayload, validateReportRawPayload, validateReportRenderedPayload, type CompiledValidator } from './generated/validators.js';

export type { PayloadByRoutingKey, ReportAnalysedPayload, ReportRawPayload, ReportRenderedPayload } from './generated/payloads.js';

export type RoutingKey = keyof PayloadByRoutingKey;

const validators: { [K in RoutingKey]: CompiledValidator<PayloadByRoutingKey[K]> } = {
  'report.raw': validateReportRawPayload,
  'report.analysed': validateReportAnalysedPayload,
  'report.rendered': validateReportRenderedPayload,
};

export const routingKeys = Object.keys(validators) as RoutingKey[];

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Validates a payload against its routing key's schema with the validators compiled at build time. */
export function validatePayload<K extends RoutingKey>(routingKey: K, data: unknown): ValidationResult<PayloadByRoutingKey[K]> {
  const validate = validators[routingKey] as CompiledValidator<PayloadByRoutingKey[K]> | undefined;
  if (!validate) return { ok: false, errors: [`unknown routing key ${String(routingKey)}`] };
  if (validate(data)) return { ok: true, value: data };
  return {
    ok: false,
    errors: (validate.errors ?? []).map((e) => {
      const extra = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : e.keyword === 'additionalProperties' ? `/${String(e.params.additionalProperty)}` : '';
      const message = e.keyword === 'additionalProperties' ? 'is not allowed' : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
      return `${e.instancePath}${extra} ${message}`.trim();
    }),
  };
}

export function isRoutingKey(value: string): value is RoutingKey {
  return (routingKeys as string[]).includes(value);
}
