// @vitest-environment jsdom
/**
 * index.html's inline script, run as the page runs it: which first read it starts, with which
 * token, for a share link and for a reload (the hint `rememberEarlyRead` leaves).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EARLY_READ_HINT_KEY, rememberEarlyRead } from './early-read';
import { KEYRING_STORAGE_KEY } from './keyring';

const html = readFileSync(path.join(import.meta.dirname, '../../index.html'), 'utf8');
const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';

const keyring = (identities: Array<{ id: string; token: string; ended?: string }>) =>
  JSON.stringify({ identities: identities.map((i) => ({ storeKey: `identity:${i.id}`, me: null, addedAt: 0, ...i })), current: null, pinned: {} });

function runAt(hash: string): { fetch: ReturnType<typeof vi.fn> } {
  history.replaceState(null, '', `/${hash}`);
  const fetch = vi.fn(async () => new Response('{}'));
  vi.stubGlobal('fetch', fetch);
  delete window.__pulseboardEarlyRead;
  new Function(script)();
  return { fetch };
}

function sentWith(fetch: ReturnType<typeof vi.fn>): { url: string; authorization: string } | null {
  const call = fetch.mock.calls[0] as [string, { headers: Record<string, string> }] | undefined;
  return call ? { url: call[0], authorization: call[1].headers.authorization! } : null;
}

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe("index.html's early read", () => {
  it('finds the inline script', () => {
    expect(script).toContain('__pulseboardEarlyRead');
  });

  it("reads a share link's dashboard with the link's token", () => {
    const { fetch } = runAt('#/d/ops%20eu?kiosk&token=pb_link%2B1');
    expect(sentWith(fetch)).toEqual({ url: `${location.origin}/api/dashboards/ops%20eu/live`, authorization: 'Bearer pb_link+1' });
    expect(window.__pulseboardEarlyRead?.token).toBe('pb_link+1');
  });

  it('on a reload, reads with the token of the identity the app used for that dashboard last time', () => {
    localStorage.setItem(KEYRING_STORAGE_KEY, keyring([{ id: 'i_admin', token: 'pb_admin' }, { id: 'i_view', token: 'pb_view' }]));
    rememberEarlyRead('ops', 'i_view');
    expect(localStorage.getItem(EARLY_READ_HINT_KEY)).not.toBeNull();
    const { fetch } = runAt('#/d/ops?kiosk');
    expect(sentWith(fetch)).toEqual({ url: `${location.origin}/api/dashboards/ops/live`, authorization: 'Bearer pb_view' });
  });

  it('reads nothing for another dashboard, an identity gone or ended, or no hint', () => {
    localStorage.setItem(KEYRING_STORAGE_KEY, keyring([{ id: 'i_view', token: 'pb_view', ended: 'token_revoked' }]));
    rememberEarlyRead('ops', 'i_view');
    expect(runAt('#/d/ops').fetch).not.toHaveBeenCalled();
    expect(runAt('#/d/other').fetch).not.toHaveBeenCalled();
    rememberEarlyRead('ops', 'i_gone');
    expect(runAt('#/d/ops').fetch).not.toHaveBeenCalled();
    localStorage.clear();
    expect(runAt('#/d/ops').fetch).not.toHaveBeenCalled();
    expect(runAt('#/').fetch).not.toHaveBeenCalled();
    expect(window.__pulseboardEarlyRead).toBeUndefined();
  });

  it('reads nothing, and throws nothing, when the stored keyring or hint is not JSON', () => {
    localStorage.setItem(KEYRING_STORAGE_KEY, '{not json');
    localStorage.setItem(EARLY_READ_HINT_KEY, JSON.stringify({ dashboard: 'ops', identity: 'i_view' }));
    expect(runAt('#/d/ops').fetch).not.toHaveBeenCalled();
    localStorage.setItem(EARLY_READ_HINT_KEY, '][');
    expect(runAt('#/d/ops').fetch).not.toHaveBeenCalled();
  });
});
