import type { ReportAnalysedPayload, ReportRawPayload } from '@cleanapp/events';

export type AnalysisResult = Omit<ReportAnalysedPayload['analysis'], 'analysed_at'>;

/** What the analyzer asks of a classifier; the real CleanApp uses an LLM behind the same seam. */
export interface AnalysisProvider {
  readonly name: string;
  analyse(report: ReportRawPayload['report']): Promise<AnalysisResult>;
}

const KEYWORDS: Record<'hazard' | 'graffiti' | 'litter', string[]> = {
  hazard: ['glass', 'needle', 'syringe', 'chemical', 'fire', 'broken', 'sharp', 'hazard', 'spill', 'asbestos', 'oil', 'battery'],
  graffiti: ['graffiti', 'spray', 'paint', 'tagging', 'vandal'],
  litter: ['bottle', 'can', 'cans', 'plastic', 'bin', 'trash', 'litter', 'rubbish', 'waste', 'cup', 'bag', 'cigarette', 'wrapper', 'packaging'],
};
const BASE: Record<keyof typeof KEYWORDS | 'other', number> = { hazard: 0.7, litter: 0.35, graffiti: 0.25, other: 0.1 };
const BRANDS = ['Coca-Cola', 'Pepsi', "McDonald's", 'Starbucks', 'Red Bull', 'Heineken', 'Nestlé', 'Marlboro'];

const normalise = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/**
 * Deterministic keyword rules: the class with most keyword hits wins (hazard first on ties, as the
 * costlier mistake is missing one); severity rises with the hits; a known brand named anywhere is kept.
 */
export class RulesProvider implements AnalysisProvider {
  readonly name = 'rules-v1';

  async analyse(report: ReportRawPayload['report']): Promise<AnalysisResult> {
    const text = normalise([report.title, report.description, ...report.tags].join(' '));
    const words = new Set(text.split(/[^a-z0-9']+/).filter(Boolean));
    const hits = (Object.keys(KEYWORDS) as (keyof typeof KEYWORDS)[]).map((cls) => ({ cls, found: KEYWORDS[cls].filter((k) => words.has(k)) }));
    const best = hits.reduce((a, b) => (b.found.length > a.found.length ? b : a));
    const classification = best.found.length > 0 ? best.cls : 'other';
    const severity = Math.min(1, BASE[classification] + 0.05 * best.found.length);
    const brand = BRANDS.find((b) => text.includes(normalise(b))) ?? null;
    const label = classification[0]!.toUpperCase() + classification.slice(1);
    return {
      classification,
      severity_level: Math.round(severity * 100) / 100,
      brand_name: brand,
      summary: best.found.length > 0 ? `${label}: ${best.found.join(', ')}` : `${label}: no known keywords`,
      provider: this.name,
    };
  }
}
