import { describe, expect, it } from 'vitest';
import { DEMO_STREAMS } from './demo-dashboard.js';
import { DemoDataGenerator } from './demo-feed.js';

describe('DemoDataGenerator', () => {
  it('produces the same values for the same seed', () => {
    const a = new DemoDataGenerator(42);
    const b = new DemoDataGenerator(42);
    for (let i = 0; i < 20; i++) expect(a.next(1_700_000_000_000 + i * 1000)).toEqual(b.next(1_700_000_000_000 + i * 1000));
  });

  it('keeps every series in a realistic range over an hour of ticks', () => {
    const gen = new DemoDataGenerator(7);
    const seen = new Set<string>();
    for (let i = 0; i < 3600; i++) {
      for (const { key, value } of gen.next(1_700_000_000_000 + i * 1000)) {
        seen.add(key);
        if (key === DEMO_STREAMS.cpu) {
          expect(value).toBeGreaterThanOrEqual(2);
          expect(value).toBeLessThanOrEqual(99);
        }
        if (key === DEMO_STREAMS.latency) expect(value).toBeGreaterThan(0);
        if (key === DEMO_STREAMS.requests || key === DEMO_STREAMS.errors) expect(value).toBeGreaterThanOrEqual(0);
        if (key === DEMO_STREAMS.status) expect(['ok', 'degraded', 'down']).toContain((value as { status: string }).status);
        if (key === DEMO_STREAMS.pages) expect((value as { items: unknown[] }).items).toHaveLength(5);
      }
    }
    expect([...seen].sort()).toEqual(Object.values(DEMO_STREAMS).sort());
  });
});
