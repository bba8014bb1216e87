import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DocumentSet, diff, diffSources } from '../src/index.js';

// The platform's own AsyncAPI contract (read-only here) is the base; each test edits a copy.
const EVENTS = fileURLToPath(new URL('../../../contracts/events/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'contract-diff-events-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function variant(edit: (doc: Record<string, any>, schemas: Record<string, Record<string, any>>) => void): string {
  const dir = join(tmp, `v${n++}`);
  cpSync(EVENTS, dir, { recursive: true });
  const doc = parse(readFileSync(join(dir, 'asyncapi.yaml'), 'utf8'));
  const raw = JSON.parse(readFileSync(join(dir, 'schemas/report.raw.json'), 'utf8'));
  edit(doc, { raw });
  writeFileSync(join(dir, 'asyncapi.yaml'), stringify(doc));
  writeFileSync(join(dir, 'schemas/report.raw.json'), JSON.stringify(raw));
  return join(dir, 'asyncapi.yaml');
}

const base = join(EVENTS, 'asyncapi.yaml');

describe('AsyncAPI 3', () => {
  it('an unchanged contract (payloads behind relative refs) has no changes', async () => {
    const r = await diffSources(base, variant(() => {}));
    expect(r.kind).toBe('asyncapi');
    expect(r.changes).toEqual([]);
  });

  it('payload direction: removing a required field breaks consumers of what we send', async () => {
    const r = await diffSources(
      base,
      variant((_d, s) => {
        s.raw!.required = (s.raw!.required as string[]).filter((p) => p !== 'seq');
        delete s.raw!.properties.seq;
      }),
    );
    // publishReportRaw sends it (consumers read it: breaking); analyseReport receives it (request-like:
    // a field the producer may stop sending is only a warning for that reader's contract).
    expect(r.changes.map((c) => [c.id, c.level, c.operation])).toEqual([
      ['response-required-property-removed', 'breaking', 'publishReportRaw'],
      ['request-property-removed', 'warning', 'analyseReport'],
    ]);
    expect(r.changes[0]!.path).toBe('report.raw');
  });

  it('payload direction: a new required field breaks producers of what we receive', async () => {
    const r = await diffSources(
      base,
      variant((_d, s) => {
        s.raw!.properties.priority = { type: 'integer' };
        (s.raw!.required as string[]).push('priority');
      }),
    );
    // The payload is closed (additionalProperties: false), so consumers of what we send break too.
    expect(r.changes.map((c) => [c.id, c.level, c.operation])).toEqual([
      ['new-required-request-property', 'breaking', 'analyseReport'],
      ['response-property-added-to-closed-schema', 'breaking', 'publishReportRaw'],
      ['response-required-property-added', 'info', 'publishReportRaw'],
    ]);
  });

  it('a new field in a closed payload (additionalProperties: false) breaks consumers validating it', async () => {
    const r = await diffSources(
      base,
      variant((_d, s) => {
        s.raw!.properties.priority = { type: 'integer' };
      }),
    );
    expect(r.changes.map((c) => [c.id, c.level, c.operation])).toEqual([
      ['response-property-added-to-closed-schema', 'breaking', 'publishReportRaw'],
      ['new-optional-request-property', 'info', 'analyseReport'],
      ['response-optional-property-added', 'info', 'publishReportRaw'],
    ]);
  });

  it('routing key, exchange type and queue binding changes are breaking', async () => {
    const r = await diffSources(
      base,
      variant((d) => {
        d.channels.reportRaw.address = 'report.ingested';
        d.channels.reportAnalysed.bindings.amqp.exchange.type = 'topic';
        d.channels.reportNotifyQueue['x-cleanapp-binds-to'] = 'report.analysed';
      }),
    );
    expect(r.changes.map((c) => [c.id, c.level, c.location])).toEqual([
      ['event-exchange-changed', 'breaking', 'channel reportAnalysed bindings.amqp.exchange'],
      ['event-queue-changed', 'breaking', 'channel reportNotifyQueue x-cleanapp-binds-to'],
      ['event-channel-address-changed', 'breaking', 'channel reportRaw'],
    ]);
  });

  it('environment name maps, the DLX/retry topology and message content types are part of the contract', async () => {
    const r = await diffSources(
      base,
      variant((d) => {
        d['x-cleanapp-name-maps'].ci['report-analysis-queue'] = 'report-analysis';
        d['x-cleanapp-topology'].retry.delayMs = 5000;
        d.components.messages.reportRendered.contentType = 'application/cloudevents+json';
      }),
    );
    expect(r.changes.filter((c) => c.id === 'event-message-content-type-changed').map((c) => c.operation)).toEqual(['notifyRendered', 'publishReportRendered']);
    expect(r.changes.filter((c) => c.kind === 'event-topology').map((c) => [c.id, c.level, c.location])).toEqual([
      ['event-name-map-changed', 'breaking', 'x-cleanapp-name-maps.ci.report-analysis-queue'],
      ['event-topology-changed', 'breaking', 'x-cleanapp-topology.retry.delayMs'],
    ]);
  });

  it('removing an operation or switching its action is breaking', async () => {
    const r = await diffSources(
      base,
      variant((d) => {
        delete d.operations.notifyRendered;
        d.operations.renderReport.action = 'send';
      }),
    );
    expect(r.changes.filter((c) => c.level === 'breaking').map((c) => [c.id, c.operation])).toEqual([
      ['event-operation-removed', 'notifyRendered'],
      ['event-operation-action-changed', 'renderReport'],
    ]);
  });
});

describe('raw JSON Schema payloads (producer evolves, consumers read)', () => {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['id', 'count'],
    properties: { id: { type: 'string' }, count: { type: 'integer' }, kind: { $ref: '#/$defs/Kind' } },
    $defs: { Kind: { type: 'string', enum: ['a', 'b'] } },
  };

  it('removing a required property and widening a type are breaking', async () => {
    const next = structuredClone(schema) as any;
    next.required = ['id'];
    delete next.properties.count;
    next.properties.id.type = ['string', 'integer'];
    const r = await diff(schema, next);
    expect(r.kind).toBe('jsonschema');
    expect(r.changes.map((c) => [c.id, c.level])).toEqual([
      ['response-required-property-removed', 'breaking'],
      ['response-property-list-of-types-widened', 'breaking'],
    ]);
  });

  it('resolves refs written against another schema\'s $id', async () => {
    const kind = (values: string[]) => ({ $id: 'https://contracts.example/kind.json', type: 'string', enum: values });
    const payload = { type: 'object', properties: { kind: { $ref: 'https://contracts.example/kind.json' } } };
    const r = await diff(payload, payload, {
      baseDocs: new DocumentSet([['file:///c/v1/kind.json', kind(['a', 'b'])]]),
      revisionDocs: new DocumentSet([['file:///c/v2/kind.json', kind(['a'])]]),
    });
    expect(r.changes.map((c) => [c.id, c.location])).toEqual([['response-property-enum-value-removed', 'payload /kind']]);
  });

  it('adding an optional property is safe; a new enum value behind a $ref warns', async () => {
    const next = structuredClone(schema) as any;
    next.properties.note = { type: 'string' };
    next.$defs.Kind.enum.push('c');
    const r = await diff(schema, next);
    expect(r.changes.map((c) => [c.id, c.level])).toEqual([
      ['response-property-enum-value-added', 'warning'],
      ['response-optional-property-added', 'info'],
    ]);
  });
});
