import { describe, expect, it } from 'vitest';
import { renderPage, type RenderInput } from './render.js';

const input: RenderInput = {
  publicId: 'rpt_7Hq2',
  title: 'Bottles & cans',
  description: 'by the river',
  latitude: 52.52,
  longitude: 13.405,
  reportedAt: '2026-01-01T00:00:00Z',
  analysis: { classification: 'litter', severity_level: 0.4, summary: 'Litter near the bank' } as RenderInput['analysis'],
};

/** The content of `<meta property="…">` as a crawler reads it (entities decoded). */
function og(html: string, property: string): string | undefined {
  const match = new RegExp(`<meta property="${property}" content="([^"]*)">`).exec(html);
  return match?.[1]?.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
}

describe('renderPage', () => {
  it('og:image and og:url are absolute URLs under the public URL (link previews do not resolve relative ones)', () => {
    const html = renderPage(input, 'https://cleanapp.example');
    expect(og(html, 'og:image')).toBe('https://cleanapp.example/api/v4/reports/rpt_7Hq2/card.svg');
    expect(og(html, 'og:url')).toBe('https://cleanapp.example/r/rpt_7Hq2');
    expect(og(html, 'og:title')).toBe('Bottles & cans');
  });

  it('keeps a base path and drops a trailing slash of the public URL', () => {
    const html = renderPage(input, 'https://example.org/cleanapp/');
    expect(og(html, 'og:image')).toBe('https://example.org/cleanapp/api/v4/reports/rpt_7Hq2/card.svg');
    expect(og(html, 'og:url')).toBe('https://example.org/cleanapp/r/rpt_7Hq2');
  });

  it('escapes the public URL into the attribute', () => {
    const html = renderPage(input, 'https://example.org/?a="b"&c');
    expect(html).not.toContain('"b"');
    expect(og(html, 'og:url')).toBe('https://example.org/?a="b"&c/r/rpt_7Hq2');
  });
});
