import { randomUUID } from 'node:crypto';
import type { ReportSubmission } from '@cleanapp/api-client';
import { expectContract, expectError, suiteContext, waitWithin, type ContractResult, type ErrorEnvelope } from '@cleanapp/smoke-kit';
import { decodeJwt, importJWK, SignJWT, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';

const ctx = suiteContext();
const submitter = ctx.api('report:submit');
const reader = ctx.api('report:read');

/** A synthetic report (marked `synthetic: true`, source_id `smoke-<run id>-…`). */
function submission(label: string, overrides: Partial<ReportSubmission> = {}): ReportSubmission {
  return {
    source_id: ctx.sourceId(label),
    latitude: 52.52,
    longitude: 13.405,
    title: 'Smoke check',
    description: `Synthetic report of smoke run ${ctx.runId}`,
    tags: ['smoke'],
    synthetic: true,
    ...overrides,
  };
}

/** Memoises one submission shared by the checks that build on it (tests in a file run in order). */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

const published = submission('publish');
const submitPublished = once(async () =>
  expectContract('submitReport', await submitter.POST('/api/v4/reports', { body: published }), {
    status: 202,
    check(receipt) {
      expect(receipt.lane, 'lane').toBe('publish');
      expect(receipt.idempotency_replay, 'idempotency_replay of a first submission').toBe(false);
    },
  }),
);

const submitQuarantined = once(async () =>
  expectContract('submitReport', await submitter.POST('/api/v4/reports', { body: submission('quarantine', { lane: 'quarantine' }) }), {
    status: 202,
    check(r) {
      expect(r.lane, 'lane').toBe('quarantine');
    },
  }),
);

/** The target's trusted test key (auth.testSigningKey): the only way a suite can act as a second client. */
const testKey = ctx.target.auth?.testSigningKey;

/**
 * A token for a client other than the smoke client: a real token's claims (iss, aud) with another
 * sub/client_id, signed by the test key.
 */
async function otherClientToken(scope: string): Promise<string> {
  const key = testKey!;
  const alg = key.alg ?? (key.kty === 'RSA' ? 'RS256' : 'ES256');
  const real = decodeJwt(await ctx.token(scope));
  const other = `smoke-other-${ctx.runId}`;
  const issued = Math.floor(Date.now() / 1000) - 5;
  return new SignJWT({ iss: real.iss, aud: real.aud, sub: other, client_id: other, scope, iat: issued, nbf: issued, exp: issued + 300, jti: randomUUID() })
    .setProtectedHeader({ alg, typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}) })
    .sign(await importJWK(key as JWK, alg));
}

const ERROR_400 = ['bad_request', 'validation_failed'];

describe('ingest', () => {
  it('POST /api/v4/reports answers 202 with a receipt matching the contract', async () => {
    await submitPublished();
  });

  it('GET /api/v4/receipts/{receipt_id} answers 200 with the same ids', async () => {
    const { body: receipt } = await submitPublished();
    const res = await submitter.GET('/api/v4/receipts/{receipt_id}', { params: { path: { receipt_id: receipt.receipt_id } } });
    await expectContract('getReceipt', res, {
      status: 200,
      check(state) {
        expect(state).toMatchObject({ receipt_id: receipt.receipt_id, public_id: receipt.public_id, seq: receipt.seq, source_id: published.source_id, lane: 'publish' });
      },
    });
  });

  it('replaying the same content answers 202 with idempotency_replay true and the same ids', async () => {
    const { body: first } = await submitPublished();
    await expectContract('submitReport', await submitter.POST('/api/v4/reports', { body: { ...published } }), {
      status: 202,
      check(replay) {
        expect(replay.idempotency_replay, 'idempotency_replay of the repeated submission').toBe(true);
        expect({ receipt_id: replay.receipt_id, public_id: replay.public_id, seq: replay.seq }).toEqual({
          receipt_id: first.receipt_id,
          public_id: first.public_id,
          seq: first.seq,
        });
      },
    });
  });

  it('the same source_id with different content answers 409 with the error envelope', async () => {
    await submitPublished();
    const res = await submitter.POST('/api/v4/reports', { body: { ...published, title: 'Different content, same source_id' } });
    await expectError('submitReport', res, 409, { code: 'conflict' });
  });

  it('a published report is visible through GET /api/v4/reports/{public_id}', async () => {
    const { body: receipt } = await submitPublished();
    // Visible once stored; allow a short window for an asynchronous write path.
    await waitWithin(ctx.target, 'readMs', `${receipt.public_id} readable through getReport`, async () =>
      expectContract('getReport', await reader.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: receipt.public_id } } }), {
        status: 200,
        check(report) {
          expect(report).toMatchObject({ public_id: receipt.public_id, seq: receipt.seq, lane: 'publish', synthetic: true, latitude: published.latitude, longitude: published.longitude });
        },
      }),
    );
  });

  // The policy (contracts/policy/): a quarantined report is readable by the client that submitted it
  // only; anyone else gets the 404 of an unknown id, so its existence does not leak.
  it('a quarantine-lane report is readable by its submitter', async () => {
    const { body: receipt } = await submitQuarantined();
    const res = await reader.GET('/api/v4/reports/{public_id}', { params: { path: { public_id: receipt.public_id } } });
    await expectContract('getReport', res, {
      status: 200,
      check(report) {
        expect(report).toMatchObject({ public_id: receipt.public_id, lane: 'quarantine' });
      },
    });
  });

  it.skipIf(!testKey)(`a quarantine-lane report is a 404 envelope for another client${testKey ? '' : ' (skipped: the target trusts no test signing key, auth.testSigningKey, to mint another client\'s token)'}`, async () => {
    const { body: receipt } = await submitQuarantined();
    const token = await otherClientToken('report:read');
    const res = await ctx.fetch(`/api/v4/reports/${receipt.public_id}`, { headers: { authorization: `Bearer ${token}` } });
    await expectError('getReport', res, 404, { code: 'not_found' });
  });

  it('an unknown receipt answers 404 with the error envelope', async () => {
    const res = await submitter.GET('/api/v4/receipts/{receipt_id}', { params: { path: { receipt_id: 'rcp_000000000000' } } });
    await expectError('getReceipt', res, 404, { code: 'not_found' });
  });

  it('without a token POST /api/v4/reports answers 401 with the error envelope', async () => {
    const res = await ctx.anonymous.POST('/api/v4/reports', { body: submission('no-token') });
    await expectError('submitReport', res, 401, { code: 'unauthorized' });
  });

  describe('bad bodies answer with the error envelope', () => {
    const withDetails = (field?: string) => (envelope: ErrorEnvelope, res: ContractResult<ErrorEnvelope>) => {
      expect(ERROR_400).toContain(envelope.error.code);
      expect(envelope.error.request_id).toBe(res.requestId);
      expect(envelope.error.details?.length ?? 0, 'error.details lists the problems').toBeGreaterThan(0);
      if (field) expect(envelope.error.details!.map((d) => d.location).join(' '), `a detail names ${field}`).toContain(field);
    };
    const post = (body: string, contentType = 'application/json') =>
      ctx.fetch('/api/v4/reports', { method: 'POST', scopes: ['report:submit'], headers: { 'content-type': contentType }, body });

    it('missing required field (latitude) → 400 naming the field', async () => {
      const { latitude: _omitted, ...body } = submission('missing-field');
      await expectError('submitReport', await post(JSON.stringify(body)), 400, { check: withDetails('latitude') });
    });

    it('wrong type (latitude as a string) → 400 naming the field', async () => {
      const body = { ...submission('wrong-type'), latitude: 'north' };
      await expectError('submitReport', await post(JSON.stringify(body)), 400, { check: withDetails('latitude') });
    });

    it('malformed JSON → 400', async () => {
      const text = JSON.stringify(submission('malformed')).slice(0, -5);
      await expectError('submitReport', await post(text), 400, { check: withDetails() });
    });

    it('a body that is not JSON (text/plain) → 415', async () => {
      const res = await post(JSON.stringify(submission('text-plain')), 'text/plain');
      await expectError('submitReport', res, 415, {
        code: 'unsupported_media_type',
        check(envelope, checked) {
          expect(envelope.error.request_id).toBe(checked.requestId);
        },
      });
    });
  });
});
