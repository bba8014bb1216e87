import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractPaths } from '@cleanapp/contracts';
import { describe, expect, it } from 'vitest';
import { routingKeys, validatePayload, type RoutingKey } from './index.js';

describe('validatePayload (validators compiled at build time)', () => {
  it('covers exactly the payload schemas of the contract', () => {
    const files = readdirSync(contractPaths.eventSchemas).map((f) => f.replace(/\.json$/, ''));
    expect([...routingKeys].sort()).toEqual(files.sort());
  });

  it.each(routingKeys)('accepts the contract example of %s and rejects a broken copy', (key: RoutingKey) => {
    const schema = JSON.parse(readFileSync(join(contractPaths.eventSchemas, `${key}.json`), 'utf8')) as { examples: Record<string, unknown>[] };
    const example = schema.examples[0]!;
    expect(validatePayload(key, example)).toEqual({ ok: true, value: example });
    const { version: _v, ...withoutVersion } = example;
    const broken = validatePayload(key, { ...withoutVersion, surprise: 1 });
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.errors).toEqual(expect.arrayContaining(['/version is required', '/surprise is not allowed']));
  });

  it.each(routingKeys)('rejects seq 1e400 (Infinity after JSON.parse) in %s, parsed as a consumer parses it', (key: RoutingKey) => {
    const schema = JSON.parse(readFileSync(join(contractPaths.eventSchemas, `${key}.json`), 'utf8')) as { examples: Record<string, unknown>[] };
    const body = JSON.stringify(schema.examples[0]!).replace(/"seq":\d+/, '"seq":1e400');
    const result = validatePayload(key, JSON.parse(body));
    expect(!result.ok && result.errors).toEqual(['/seq must be a finite number']);
  });

  it('rejects non-finite numbers nested in the payload', () => {
    const schema = JSON.parse(readFileSync(join(contractPaths.eventSchemas, 'report.raw.json'), 'utf8')) as { examples: { report: Record<string, unknown> }[] };
    const example = schema.examples[0]!;
    const result = validatePayload('report.raw', { ...example, report: { ...example.report, longitude: -Infinity } });
    expect(!result.ok && result.errors).toEqual(['/report/longitude must be >= -180', '/report/longitude must be a finite number']);
  });

  it('rejects wrong formats and unknown routing keys', () => {
    const result = validatePayload('report.rendered', { version: 1, event_id: 'not-a-uuid', public_id: 'rpt_AAAAAAAAAAAA', seq: 1, rendered_at: 'yesterday', card_path: '/c', page_path: '/p' });
    expect(!result.ok && result.errors).toEqual(['/event_id must match format "uuid"', '/rendered_at must match format "date-time"']);
    expect(validatePayload('report.unknown' as RoutingKey, {})).toEqual({ ok: false, errors: ['unknown routing key report.unknown'] });
  });
});
