/** Timestamps arrive as Date (pg) or string (PGlite); the API speaks ISO 8601. */
export const iso = (v: Date | string): string => new Date(v).toISOString();

/** jsonb arrives parsed (pg) or as text (PGlite, some drivers). */
export const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
