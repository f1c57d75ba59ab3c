import { describe, expect, it } from 'vitest';
import { slugify } from './slugify';
import { parseList, parseOptionalNumber } from './DraftInput';
import { randomDisplayName } from './display-name';
import { formatLatency, formatSince } from './format';
import { describeCacheHits, describeSync } from './SyncIndicator';
import type { SyncStatusInfo } from '@pulseboard/react';

describe('slugify', () => {
  it('makes a dashboard id from a title', () => {
    expect(slugify('Ops — EU West')).toBe('ops-eu-west');
    expect(slugify('Café Überblick')).toBe('cafe-uberblick');
    expect(slugify('!!!')).toMatch(/^board-[a-z0-9]+$/);
  });

  it('never ends a cut-off slug with a dash', () => {
    const slug = slugify('Audit board with a rather long title that keeps going and going');
    expect(slug).toBe('audit-board-with-a-rather-long-title-that-keeps');
    expect(slug.length).toBeLessThanOrEqual(48);
  });
});

describe('option parsers', () => {
  it('parse numbers, empty meaning "remove the option"', () => {
    expect(parseOptionalNumber('12.5')).toEqual({ ok: true, value: 12.5 });
    expect(parseOptionalNumber(' ')).toEqual({ ok: true, value: null });
    expect(parseOptionalNumber('abc').ok).toBe(false);
  });

  it('parse comma lists', () => {
    expect(parseList('cpu, memory,, io ')).toEqual({ ok: true, value: ['cpu', 'memory', 'io'] });
    expect(parseList('')).toEqual({ ok: true, value: null });
  });
});

describe('formatting', () => {
  it('formats latency and age', () => {
    expect(formatLatency(12.4)).toBe('12 ms');
    expect(formatLatency(1500)).toBe('1.5 s');
    expect(formatLatency(null)).toBe('—');
    expect(formatSince(1000, 2000)).toBe('just now');
    expect(formatSince(0, 65_000)).toBe('1 min ago');
    expect(formatSince(null, 0)).toBe('never');
  });

  it('describes the client and server cache hit rates', () => {
    expect(describeCacheHits(0.924, 0.97)).toBe('cache hits 92 % (client) · server 97 %');
    expect(describeCacheHits(null, null)).toBe('cache hits — (client)');
  });

  it('makes up a two-word display name', () => {
    expect(randomDisplayName(() => 0)).toBe('Amber Falcon');
  });
});

describe('describeSync', () => {
  const base: SyncStatusInfo = {
    status: 'synced',
    connection: 'open',
    live: true,
    pendingCount: 0,
    queueLength: 0,
    lastSyncedAt: 0,
    latencyMs: 5,
    refreshing: false,
    httpFallback: false,
    lastError: null,
  };

  it('reads live, saving, reconnecting with a countdown, and offline', () => {
    expect(describeSync(base, null, 0)).toEqual({ tone: 'synced', label: 'Live' });
    expect(describeSync({ ...base, pendingCount: 2, status: 'pending' }, null, 0)).toEqual({ tone: 'pending', label: 'Saving…' });
    expect(describeSync({ ...base, connection: 'reconnecting', live: false }, 4200, 1000)).toEqual({ tone: 'reconnecting', label: 'Reconnecting in 4 s' });
    expect(describeSync({ ...base, connection: 'offline', live: false }, null, 0)).toEqual({ tone: 'offline', label: 'Offline' });
  });
});
