import type { ReportAnalysedPayload } from '@cleanapp/events';

export interface RenderInput {
  publicId: string;
  title: string;
  description: string;
  latitude: number;
  longitude: number;
  reportedAt: string;
  analysis: ReportAnalysedPayload['analysis'];
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const COLORS: Record<string, string> = { hazard: '#c62828', litter: '#ef6c00', graffiti: '#6a1b9a', other: '#455a64' };

/** The report card (1200×630, the size social previews use), self-contained SVG with escaped text. */
export function renderCard(r: RenderInput): string {
  const color = COLORS[r.analysis.classification] ?? COLORS.other!;
  const severityWidth = Math.round(1040 * r.analysis.severity_level);
  const title = escapeXml(clip(r.title || 'Untitled report', 60));
  const summary = escapeXml(clip(r.analysis.summary, 90));
  const where = `${r.latitude.toFixed(5)}, ${r.longitude.toFixed(5)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630" role="img" aria-label="${title}">
  <rect width="1200" height="630" fill="#fafafa"/>
  <rect width="1200" height="16" fill="${color}"/>
  <text x="80" y="120" font-family="sans-serif" font-size="28" fill="${color}" font-weight="bold">${escapeXml(r.analysis.classification.toUpperCase())}</text>
  <text x="80" y="200" font-family="sans-serif" font-size="56" fill="#212121">${title}</text>
  <text x="80" y="270" font-family="sans-serif" font-size="30" fill="#424242">${summary}</text>
  <rect x="80" y="330" width="1040" height="24" rx="12" fill="#e0e0e0"/>
  <rect x="80" y="330" width="${severityWidth}" height="24" rx="12" fill="${color}"/>
  <text x="80" y="400" font-family="sans-serif" font-size="26" fill="#616161">Severity ${r.analysis.severity_level.toFixed(2)}${r.analysis.brand_name ? ` · ${escapeXml(r.analysis.brand_name)}` : ''}</text>
  <text x="80" y="560" font-family="monospace" font-size="24" fill="#757575">${escapeXml(r.publicId)} · ${escapeXml(where)} · ${escapeXml(r.reportedAt)}</text>
</svg>
`;
}

/** Paths under the API base URL: the page's links and report.rendered's card_path/page_path (src/store/pipeline.ts). */
export const pagePath = (publicId: string) => `/r/${encodeURIComponent(publicId)}`;
export const cardPath = (publicId: string) => `/api/v4/reports/${encodeURIComponent(publicId)}/card.svg`;

/**
 * The public page of a report: plain HTML, the card embedded, Open Graph tags for link previews.
 * `og:image`/`og:url` are absolute, from `publicUrl` (the API's public base URL): crawlers do not
 * resolve relative ones.
 */
export function renderPage(r: RenderInput, publicUrl: string): string {
  const title = escapeXml(r.title || 'Untitled report');
  const base = publicUrl.replace(/\/+$/, '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · CleanApp</title>
<meta property="og:title" content="${title}">
<meta property="og:description" content="${escapeXml(r.analysis.summary)}">
<meta property="og:type" content="article">
<meta property="og:url" content="${escapeXml(base + pagePath(r.publicId))}">
<meta property="og:image" content="${escapeXml(base + cardPath(r.publicId))}">
</head>
<body>
<main data-public-id="${escapeXml(r.publicId)}">
<h1>${title}</h1>
<p class="classification" data-classification="${escapeXml(r.analysis.classification)}">${escapeXml(r.analysis.summary)}</p>
<p class="description">${escapeXml(r.description)}</p>
<p class="location">${r.latitude.toFixed(5)}, ${r.longitude.toFixed(5)} · reported ${escapeXml(r.reportedAt)}</p>
<img src="${escapeXml(cardPath(r.publicId))}" alt="${title}" width="600" height="315">
</main>
</body>
</html>
`;
}
