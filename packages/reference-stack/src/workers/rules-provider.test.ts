import { describe, expect, it } from 'vitest';
import { RulesProvider } from './rules-provider.js';

const report = (title: string, description = '', tags: string[] = []) => ({
  latitude: 0,
  longitude: 0,
  title,
  description,
  tags,
  reported_at: '2026-11-22T10:00:00.000Z',
  synthetic: false,
});

describe('RulesProvider', () => {
  const p = new RulesProvider();

  it('classifies by keyword hits and scales severity with them', async () => {
    expect(await p.analyse(report('Overflowing bin', 'plastic bottles and cans', ['bin']))).toEqual({
      classification: 'litter',
      severity_level: 0.5,
      brand_name: null,
      summary: 'Litter: cans, plastic, bin', // whole words only: "bottles" is not "bottle"
      provider: 'rules-v1',
    });
    expect((await p.analyse(report('Broken glass on the cycle path'))).classification).toBe('hazard');
    expect((await p.analyse(report('Graffiti', 'spray paint on the wall'))).classification).toBe('graffiti');
    expect(await p.analyse(report('Something odd'))).toMatchObject({ classification: 'other', severity_level: 0.1 });
  });

  it('prefers hazard on a tie and finds brands regardless of case and accents', async () => {
    const r = await p.analyse(report('broken bottle', 'a NESTLE wrapper'));
    expect(r.classification).toBe('litter'); // bottle + wrapper (2) beats broken (1)
    expect(r.brand_name).toBe('Nestlé');
    expect((await p.analyse(report('glass bottle', 'broken'))).classification).toBe('hazard'); // glass + broken (2) beats bottle (1)
    expect((await p.analyse(report('syringe', 'cup'))).classification).toBe('hazard'); // 1 vs 1 tie → hazard
  });

  it('is deterministic', async () => {
    const r = report('Coca-Cola cans near the bin', 'trash everywhere', ['litter']);
    expect(await p.analyse(r)).toEqual(await p.analyse(r));
  });
});
