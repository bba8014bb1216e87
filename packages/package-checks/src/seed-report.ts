// A report that an app's query will find: submitted through the reference stack's API and waited for
// until the nearby-reports query lists it (the pipeline publishes it asynchronously).
import type { RunningStack } from '@cleanapp/reference-stack';
import { vi } from 'vitest';

export interface SeedReport {
  sourceId: string;
  latitude: number;
  longitude: number;
  title: string;
}

/** Submits `report` and resolves with its public id once `/reports/near` around it lists it. */
export async function seedVisibleReport(stack: RunningStack, report: SeedReport): Promise<string> {
  const base = stack.target.rest.baseUrl;
  const submitted = await fetch(`${base}/api/v4/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token('report:submit')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source_id: report.sourceId, latitude: report.latitude, longitude: report.longitude, title: report.title, synthetic: true }),
  });
  if (submitted.status !== 202) throw new Error(`POST /api/v4/reports answered ${submitted.status}: ${await submitted.text()}`);
  const { public_id: publicId } = (await submitted.json()) as { public_id: string };
  const reader = await stack.token('report:read');
  await vi.waitFor(
    async () => {
      const near = await fetch(`${base}/api/v4/reports/near?latitude=${report.latitude}&longitude=${report.longitude}&radius_m=1000`, { headers: { authorization: `Bearer ${reader}` } });
      const ids = ((await near.json()) as { items?: { public_id: string }[] }).items?.map((r) => r.public_id);
      if (!ids?.includes(publicId)) throw new Error(`${publicId} not listed near its position yet`);
    },
    { timeout: 60_000, interval: 250 },
  );
  return publicId;
}
