// @vitest-environment jsdom
import './test-browser-stubs';
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceStatusView, StreamSourceView } from '@pulseboard/protocol';
import { FreshnessBadge } from './Freshness';
import { sourceStaleReason } from './source-freshness';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function source(status: Partial<SourceStatusView>): StreamSourceView {
  return {
    id: 'api',
    name: 'API stats',
    kind: 'http-json',
    intervalMs: 10_000,
    status: { state: 'ok', running: false, lastRunAt: T0, lastSuccessAt: T0, lastUnchanged: false, lastError: null, consecutiveFailures: 0, nextRunAt: T0 + 10_000, ...status },
  };
}

afterEach(cleanup);

describe('sourceStaleReason', () => {
  it('names the failing source and its error', () => {
    const reason = sourceStaleReason(
      source({ state: 'failing', lastError: { code: 'http_status', message: 'HTTP 500 Internal Server Error from api.example.com', at: T0 }, consecutiveFailures: 3 }),
    );
    expect(reason?.kind).toBe('failing');
    expect(reason?.label).toBe('Source failing');
    expect(reason?.title).toMatch(/^Source “API stats”: HTTP 500 Internal Server Error from api\.example\.com \(3 failed runs in a row, last success at .+; next try at .+\)$/);
  });

  it('says "unchanged" when the source is fine but its answer did not change', () => {
    expect(sourceStaleReason(source({ lastUnchanged: true }))).toMatchObject({ kind: 'unchanged', label: 'Unchanged' });
  });

  it('gives no reason for a healthy source with fresh answers or one run by another node', () => {
    expect(sourceStaleReason(source({}))).toBeNull();
    expect(sourceStaleReason(source({ state: 'elsewhere' }))).toBeNull();
  });

  it('says a disabled or not yet run source is why', () => {
    expect(sourceStaleReason(source({ state: 'disabled' }))?.label).toBe('Source off');
    expect(sourceStaleReason(source({ state: 'pending', lastSuccessAt: null }))?.label).toBe('Source pending');
  });
});

describe('FreshnessBadge with a source reason', () => {
  const stale = { latest: 1, latestTs: T0 - 10 * 60_000, history: [{ ts: T0 - 10 * 60_000, value: 1 }] };
  const failing = sourceStaleReason(source({ state: 'failing', lastError: { code: 'timeout', message: 'no answer from api.example.com within 5000 ms', at: T0 }, consecutiveFailures: 1 }));

  it('shows the reason instead of the bare age when the data is stale', () => {
    render(<FreshnessBadge data={stale} options={{}} now={T0} reason={failing} />);
    const badge = screen.getByText('Source failing').closest('[data-freshness]')!;
    expect(badge.getAttribute('data-freshness')).toBe('stale');
    expect(badge.getAttribute('data-source-state')).toBe('failing');
    expect(badge.getAttribute('title')).toMatch(/no answer from api\.example\.com within 5000 ms .*Stale since/);
  });

  it('keeps saying "Live" while the data is fresh, whatever the source says', () => {
    render(<FreshnessBadge data={{ ...stale, latestTs: T0 - 1000, history: [{ ts: T0 - 1000, value: 1 }] }} options={{}} now={T0} reason={failing} />);
    const badge = screen.getByText('Live').closest('[data-freshness]');
    expect(badge?.getAttribute('data-freshness')).toBe('live');
    expect(screen.queryByText('Source failing')).toBeNull();
  });
});
