import { readFileSync } from 'node:fs';
import { contractPaths } from '@cleanapp/contracts';
import { graphql, Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../faults.js';
import { analysisSubgraphSdl } from '../graphql/analysis.js';
import { buildReportsSchema, reportsSubgraphSdl } from '../graphql/reports.js';
import type { Queryable } from '../store/db.js';
import { OUTDATED_FIELD, withGraphqlFaults, withoutField, type GraphqlContract } from './graphql.js';

const canonical = (): GraphqlContract => ({
  subgraphs: { reports: reportsSubgraphSdl(), analysis: analysisSubgraphSdl() },
  supergraph: readFileSync(contractPaths.supergraph, 'utf8'),
});

/** The field names of every definition or extension of `type` in `sdl`. */
const fieldsOf = (sdl: string, type: string) =>
  parse(sdl).definitions.flatMap((d) => ((d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === type ? (d.fields ?? []).map((f) => f.name.value) : []));

// Never queried: the checks below end in validation, before any resolver runs.
const noDatabase = {} as Queryable;

describe('GraphQL faults', () => {
  it('leave the contract alone without a GraphQL fault', () => {
    const contract = canonical();
    expect(withGraphqlFaults(contract, parseFaults('contract-drift,no-pong'))).toBe(contract);
  });

  it('the canonical contract has the field the outdated one lacks (the faults stay one step behind it)', () => {
    expect(fieldsOf(canonical().subgraphs[OUTDATED_FIELD.subgraph]!, OUTDATED_FIELD.type)).toContain(OUTDATED_FIELD.field);
    expect(fieldsOf(canonical().supergraph, OUTDATED_FIELD.type)).toContain(OUTDATED_FIELD.field);
  });

  it('graphql-subgraph-outdated: the reports subgraph serves and executes an SDL without Report.seq; analysis and the supergraph unchanged', async () => {
    const healthy = canonical();
    const faulty = withGraphqlFaults(healthy, parseFaults('graphql-subgraph-outdated'));
    const fields = fieldsOf(faulty.subgraphs.reports!, 'Report');
    expect(fields).not.toContain('seq');
    expect(fields.length).toBe(fieldsOf(healthy.subgraphs.reports!, 'Report').length - 1);
    expect(faulty.subgraphs.analysis).toBe(healthy.subgraphs.analysis);
    expect(faulty.supergraph).toBe(healthy.supergraph);

    const schema = buildReportsSchema(noDatabase, faulty.subgraphs.reports);
    const result = await graphql({ schema, source: '{ _service { sdl } report(publicId: "rpt_x") { seq } }' });
    expect(result.errors?.[0]?.message).toBe('Cannot query field "seq" on type "Report".');
    const served = await graphql({ schema, source: '{ _service { sdl } }' });
    expect(served.errors).toBeUndefined();
    expect((served.data as { _service: { sdl: string } })._service.sdl).toBe(faulty.subgraphs.reports);
  });

  it('graphql-gateway-outdated: the gateway plans over a supergraph composed without Report.seq; the subgraphs unchanged', () => {
    const healthy = canonical();
    const faulty = withGraphqlFaults(healthy, parseFaults('graphql-gateway-outdated'));
    expect(faulty.subgraphs).toEqual(healthy.subgraphs);
    expect(faulty.supergraph).not.toBe(healthy.supergraph);
    expect(fieldsOf(faulty.supergraph, 'Report')).toEqual(fieldsOf(healthy.supergraph, 'Report').filter((f) => f !== 'seq'));
  });

  it('both faults together: both one step behind, from the same outdated subgraph set', () => {
    const faulty = withGraphqlFaults(canonical(), parseFaults('graphql-subgraph-outdated,graphql-gateway-outdated'));
    expect(fieldsOf(faulty.subgraphs.reports!, 'Report')).not.toContain('seq');
    expect(fieldsOf(faulty.supergraph, 'Report')).not.toContain('seq');
  });

  it('withoutField names the field when the SDL has none to leave out', () => {
    expect(() => withoutField('type Report { publicId: ID! }', 'Report', 'seq')).toThrow(/no field Report\.seq/);
  });
});
