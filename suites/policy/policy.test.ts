import { createHash, randomUUID } from 'node:crypto';
import type { ReportSubmission } from '@cleanapp/api-client';
import {
  loadDecisionTable,
  OpenApiValidator,
  policyPaths,
  policyRevision,
  type DecisionLogEntry,
  type DecisionRow,
  type OpenApiDocument,
  type PolicyDecision,
  type PolicyStatus,
} from '@cleanapp/contracts';
import { curlOf, expectContract, expectError, recordFacts, recordingFetch, suiteContext, waitWithin } from '@cleanapp/smoke-kit';
import { bundle, createConfig } from '@redocly/openapi-core';
import { stringify } from 'safe-stable-stringify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ctx = suiteContext();
const policyUrl = ctx.target.policy?.url?.replace(/\/+$/, '');
const clientId = ctx.target.auth?.clientId;

/** sha256 over the input's canonical JSON, computed here rather than trusted from the decision point. */
const digestOf = (input: unknown) => `sha256:${createHash('sha256').update(stringify(input) ?? 'null').digest('hex')}`;

/** The decision point's own contract (contracts/policy/openapi.yaml, which refers to the API's shared components). */
async function policyContract(): Promise<OpenApiValidator> {
  const { bundle: doc, problems } = await bundle({ ref: policyPaths.openapi, config: await createConfig({}) });
  const broken = problems.filter((p) => p.severity === 'error').map((p) => p.message);
  if (broken.length > 0) throw new Error(`${policyPaths.openapi} does not bundle: ${broken.join('; ')}`);
  return new OpenApiValidator(doc.parsed as OpenApiDocument);
}

let contract: OpenApiValidator;
const pdpFetch = recordingFetch();

interface PdpAnswer<T> {
  status: number;
  body: T;
  requestId: string;
  curl: string;
}

/**
 * One request to the decision point, checked against its contract: the status, `X-Request-ID` echoed, the
 * body valid for (operation, status), an error envelope's request_id equal to the header. A failure names
 * all problems with the curl line and the answer.
 */
async function pdp<T>(operationId: 'decide' | 'getStatus' | 'getDecision', path: string, status: number, init: RequestInit = {}): Promise<PdpAnswer<T>> {
  const sentId = randomUUID();
  const headers = new Headers(init.headers);
  headers.set('x-request-id', sentId);
  const res = await pdpFetch(`${policyUrl}${path}`, { ...init, headers });
  const text = await res.text();
  const requestId = res.headers.get('x-request-id') ?? '';
  const problems: string[] = [];
  if (res.status !== status) problems.push(`expected status ${status}, got ${res.status}`);
  if (requestId !== sentId) problems.push(`X-Request-ID not echoed: sent ${sentId}, got ${JSON.stringify(requestId)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    problems.push(`the body is not JSON (content-type ${res.headers.get('content-type') ?? 'none'})`);
  }
  if (body !== undefined) {
    problems.push(...contract.validateResponse(operationId, res.status, body, res.headers.get('content-type') ?? '').map((p) => `${p.location}: ${p.message}`));
    const envelopeId = res.status >= 400 ? (body as { error?: { request_id?: unknown } }).error?.request_id : undefined;
    if (res.status >= 400 && envelopeId !== requestId) problems.push(`error.request_id ${JSON.stringify(envelopeId)} is not the X-Request-ID ${requestId}`);
  }
  const curl = curlOf(res);
  if (problems.length > 0) {
    throw new Error(`${operationId} (contracts/policy/openapi.yaml): ${problems.join('; ')}\n  reproduce: ${curl}\n  response:  ${res.status} ${text.slice(0, 1500)}`);
  }
  return { status: res.status, body: body as T, requestId, curl };
}

const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
const decide = (body: unknown) => pdp<PolicyDecision>('decide', '/v1/data/cleanapp/authz/allow', 200, post(JSON.stringify(body)));
const logEntry = (id: string) => pdp<DecisionLogEntry>('getDecision', `/v1/decisions/${encodeURIComponent(id)}`, 200);

/** What the suite saw, for the facts table. */
const seen = { decided: 0, allows: 0, denies: 0, mismatches: 0, enforced: undefined as string | undefined, answered: new Set<string>() };

const rows = loadDecisionTable();

/** Asks the decision point one row of the table and reads the decision back from its log; all problems in one failure. */
async function decideRow(row: DecisionRow): Promise<void> {
  const { body: decision, curl } = await decide({ input: row.input });
  seen.decided += 1;
  seen[decision.result ? 'allows' : 'denies'] += 1;
  seen.answered.add(decision.revision);
  const answer = decision.result ? 'allow' : 'deny';
  const problems: string[] = [];
  if (answer !== row.expect) {
    seen.mismatches += 1;
    problems.push(`row "${row.name}": expected ${row.expect}, the decision point answered ${answer}`);
  }
  if (decision.revision !== policyRevision) problems.push(`the answer carries revision ${decision.revision}, the canonical policy is ${policyRevision}`);
  // Decision logs visible: the answer's id is in the log with what was decided, on exactly this input.
  const { body: entry } = await logEntry(decision.decision_id);
  const logged = { decision_id: entry.decision_id, path: entry.path, result: entry.result, revision: entry.revision, input_digest: entry.input_digest };
  const wanted = { decision_id: decision.decision_id, path: 'cleanapp/authz/allow', result: decision.result, revision: decision.revision, input_digest: digestOf(row.input) };
  for (const key of Object.keys(wanted) as (keyof typeof wanted)[]) {
    if (logged[key] !== wanted[key]) problems.push(`decision log ${decision.decision_id}: ${key} is ${JSON.stringify(logged[key])}, expected ${JSON.stringify(wanted[key])}`);
  }
  if (problems.length > 0) {
    throw new Error(`${problems.join('\n')}\n  input:  ${JSON.stringify(row.input)}\n  answer: ${JSON.stringify(decision)}\n  reproduce: ${curl}`);
  }
}

if (!policyUrl) {
  it.skip('policy suite (skipped: the target has no policy section; add policy.url, the decision point\'s origin)', () => undefined);
} else {
  beforeAll(async () => {
    contract = await policyContract();
  });

  afterAll(() => {
    recordFacts('policy', {
      title: 'policy: decision point',
      columns: ['rows decided', 'allows', 'denies', 'unexpected answers', 'revision enforced (/v1/status)', 'revisions in answers', 'canonical revision'],
      rows: [[seen.decided, seen.allows, seen.denies, seen.mismatches, seen.enforced ?? '(not read)', [...seen.answered].join(', ') || '(none)', policyRevision]],
      notes: [`${rows.length} rows in contracts/policy/decisions.yaml, each POSTed to ${policyUrl}/v1/data/cleanapp/authz/allow and read back from its decision log`],
    });
  });

  describe('policy', () => {
    describe('decision table (contracts/policy/decisions.yaml)', () => {
      // One check per row, named by the row (it.each would truncate the names in the report).
      for (const row of rows) it(`${row.name} → ${row.expect}`, () => decideRow(row));
    });


    describe('policy sync', () => {
      it('GET /v1/status enforces the canonical revision of @cleanapp/contracts', async () => {
        const { body: status } = await pdp<PolicyStatus>('getStatus', '/v1/status', 200);
        seen.enforced = status.revision;
        expect(status.revision, `the decision point enforces revision ${status.revision}, the canonical policy (@cleanapp/contracts, contracts/policy/cleanapp.cedar) is ${policyRevision}`).toBe(policyRevision);
        expect(Number.isNaN(Date.parse(status.loaded_at)), `loaded_at ${status.loaded_at}`).toBe(false);
      });
    });

    describe('bad input', () => {
      const bad = {
        'an empty body {}': '{}',
        'a number as action {"input":{"action":42}}': JSON.stringify({ input: { action: 42 } }),
        'a report resource for synthetic:delete': JSON.stringify({ input: { ...rows[0]!.input, action: 'synthetic:delete' } }),
        'malformed JSON': '{"input": ',
      };
      for (const [what, body] of Object.entries(bad)) it(`${what} → 400 error envelope`, () => pdp('decide', '/v1/data/cleanapp/authz/allow', 400, post(body)));

      it('an unknown decision id → 404 error envelope', async () => {
        await pdp('getDecision', `/v1/decisions/smoke-unknown-${randomUUID()}`, 404);
      });
    });

    describe('through the API', () => {
      const submitter = ctx.api('report:submit', 'report:read');
      const submission = (label: string, lane?: 'quarantine'): ReportSubmission => ({
        source_id: ctx.sourceId(label),
        latitude: 48.137,
        longitude: 11.575,
        title: 'Smoke check (policy)',
        description: `Synthetic report of smoke run ${ctx.runId}`,
        tags: ['smoke'],
        synthetic: true,
        ...(lane ? { lane } : {}),
      });
      const submitQuarantined = async (label: string) =>
        (await expectContract('submitReport', await submitter.POST('/api/v4/reports', { body: submission(label, 'quarantine') }), { status: 202 })).body;

      it('ALLOW: the submitter reads its own quarantined report', async () => {
        const receipt = await submitQuarantined('own-quarantine');
        await expectContract('getReport', await submitter.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: receipt.public_id } } }), {
          status: 200,
          check: (report) => expect(report).toMatchObject({ public_id: receipt.public_id, lane: 'quarantine' }),
        });
      });

      it('ALLOW: deleting this suite\'s synthetic reports (a prefix inside smoke-<run id>-) answers 200', async () => {
        // A prefix of its own inside the run's: suites run in parallel and must not delete each other's data.
        const prefix = `smoke-${ctx.runId}-policy-cleanup-`;
        const { body: receipt } = await expectContract('submitReport', await submitter.POST('/api/v4/reports', { body: { ...submission('x'), source_id: `${prefix}${randomUUID()}` } }), { status: 202 });
        // Deleted only once through the pipeline: a report deleted mid-way leaves its next event without a
        // report, which the workers dead-letter (the events suite counts that as DLQ growth).
        await waitWithin(ctx.target, 'pipelineMs', `report ${receipt.public_id} rendered or failed before its deletion`, async () => {
          const { body: r } = await expectContract('getReceipt', await submitter.GET('/api/v4/receipts/{receipt_id}', { params: { path: { receipt_id: receipt.receipt_id } } }), { status: 200 });
          if (r.status !== 'rendered' && r.status !== 'failed') throw new Error(`receipt status ${r.status}`);
        }, { intervalMs: 50 });
        const res = await ctx.api('admin').DELETE('/api/v4/admin/reports/synthetic', { params: { query: { source_id_prefix: prefix } } });
        await expectContract('deleteSyntheticReports', res, { status: 200, check: (body) => expect(body.deleted, 'deleted (the report submitted under the prefix)').toBeGreaterThanOrEqual(1) });
      });

      const isModeration = clientId === 'moderation';
      it.skipIf(isModeration)(
        `DENY: promoting with admin as ${clientId ?? 'the target\'s client'} (not the moderation client) → 403 envelope with a decision_id that the decision log holds as a deny${isModeration ? ' (skipped: the target\'s client is the moderation client, which the policy lets promote)' : ''}`,
        async () => {
          const receipt = await submitQuarantined('promote-denied');
          const res = await ctx.api('admin').POST('/api/v4/admin/reports/{public_id}/promote', { params: { path: { public_id: receipt.public_id } } });
          const { body, requestId } = await expectError('promoteReport', res, 403, { code: 'forbidden' });
          const decisionId = (body.error as { decision_id?: unknown }).decision_id;
          expect(typeof decisionId === 'string' && decisionId !== '', `the 403 envelope carries a decision_id (got ${JSON.stringify(decisionId)})`).toBe(true);
          const { body: entry } = await logEntry(decisionId as string);
          expect(entry.result, `decision log ${String(decisionId)}: result of the API's promote decision`).toBe(false);
          expect(entry.revision, `decision log ${String(decisionId)}: revision ${entry.revision}, the canonical policy is ${policyRevision}`).toBe(policyRevision);
          if (entry.request_id !== undefined) expect(entry.request_id, 'the logged request_id is the API request\'s X-Request-ID').toBe(requestId);
        },
      );
    });
  });
}
