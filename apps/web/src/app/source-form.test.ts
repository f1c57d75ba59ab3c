import { describe, expect, it } from 'vitest';
import { parseSourceLines, sourceInputFromFields } from './source-form';

const base = { kind: 'http-json' as const, id: '', url: ' https://api.example.com/stats ', intervalSeconds: '15', lines: '', secretHeader: '' };

describe('source form', () => {
  it('splits "stream = expression" lines at the first "=" (PromQL comparisons stay whole)', () => {
    expect(parseSourceLines('a.b = x.y\n\n up.ok = up == 1 ').pairs).toEqual([
      { stream: 'a.b', expression: 'x.y' },
      { stream: 'up.ok', expression: 'up == 1' },
    ]);
    expect(parseSourceLines('no equals here').error).toBe('Line 1: write “stream = expression”');
    expect(parseSourceLines('  \n').error).toMatch(/at least one/);
  });

  it('builds an http-json body with selectors, the interval in ms and a secret header', () => {
    const built = sourceInputFromFields({ ...base, lines: 'queue.depth = queue.depth', secretHeader: 'Authorization: Bearer abc' });
    expect(built).toEqual({
      input: {
        kind: 'http-json',
        url: 'https://api.example.com/stats',
        intervalMs: 15_000,
        headers: [{ name: 'Authorization', value: 'Bearer abc', secret: true }],
        selectors: [{ stream: 'queue.depth', path: 'queue.depth' }],
      },
    });
  });

  it('builds a prometheus body with queries, leaving a bad interval for the server to name', () => {
    const built = sourceInputFromFields({ ...base, kind: 'prometheus', id: 'prom', intervalSeconds: '0', lines: 'up = sum(up)' });
    expect(built).toEqual({ input: { kind: 'prometheus', id: 'prom', url: 'https://api.example.com/stats', intervalMs: 0, queries: [{ stream: 'up', query: 'sum(up)' }] } });
    expect(sourceInputFromFields({ ...base, lines: 'a = b', secretHeader: 'no colon' })).toEqual({ error: 'Secret header: write “Name: value”' });
  });
});
