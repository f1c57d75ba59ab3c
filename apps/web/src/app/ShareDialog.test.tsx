// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/preact';
import { fireEvent as domFireEvent } from '@testing-library/dom';
import type { PulseboardClient } from '@pulseboard/client';
import type { CreateShareRequest, ShareSummary } from '@pulseboard/protocol';
import { PulseboardContext } from '@pulseboard/react';
import { formatExpiry, kioskLinkOf, ShareDialog } from './ShareDialog';

const URL_ = 'http://pb.test/#/d/ops?token=pb_secret';

function fakeShares() {
  const list: ShareSummary[] = [];
  const created: CreateShareRequest[] = [];
  const shares = {
    list: vi.fn(async () => [...list]),
    create: vi.fn(async (_id: string, input: CreateShareRequest = {}) => {
      created.push(input);
      list.push({ id: `s${list.length + 1}`, label: input.label ?? null, role: input.role ?? 'view', createdBy: 'admin', createdAt: Date.now(), expiresAt: null, lastUsedAt: null });
      return { url: URL_, token: 'pb_secret', tokenId: 's1', dashboardId: 'ops', role: input.role ?? 'view', label: input.label ?? null, expiresAt: null };
    }),
    revoke: vi.fn(async (_id: string, shareId: string) => {
      list.splice(list.findIndex((s) => s.id === shareId), 1);
    }),
  };
  return { shares, created, client: { shares } as unknown as PulseboardClient };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the share dialog', () => {
  it('makes an edit link with an expiry and label, copies it (plain and wallboard), lists and revokes it', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const { shares, created, client } = fakeShares();
    const view = render(
      <PulseboardContext.Provider value={client}>
        <ShareDialog dashboardId="ops" title="Ops" onClose={() => {}} />
      </PulseboardContext.Provider>,
    );
    await view.findByTestId('share-none');
    // A select's onChange listens to `change` (preact/compat); Testing Library's Preact fireEvent.change
    // sends `input`, which is what a text field's onChange listens to.
    act(() => {
      domFireEvent.change(view.getByTestId('share-role'), { target: { value: 'edit' } });
      domFireEvent.change(view.getByTestId('share-expiry'), { target: { value: '30d' } });
    });
    fireEvent.change(view.getByTestId('share-label'), { target: { value: ' Wall ' } });
    fireEvent.click(view.getByTestId('share-create'));
    expect(((await view.findByTestId('share-url')) as HTMLInputElement).value).toBe(URL_);
    expect(created).toEqual([{ role: 'edit', expiresIn: '30d', label: 'Wall' }]);
    await waitFor(() => expect(view.getAllByTestId('share-row')).toHaveLength(1));
    expect(view.getByTestId('share-row').textContent).toContain('Can edit');

    await act(async () => {
      fireEvent.click(view.getByTestId('share-copy'));
    });
    await act(async () => {
      fireEvent.click(view.getByTestId('share-copy-kiosk'));
    });
    expect(writeText.mock.calls).toEqual([[URL_], ['http://pb.test/#/d/ops?kiosk&token=pb_secret']]);

    fireEvent.click(view.getByTestId('share-revoke'));
    await view.findByTestId('share-none');
    expect(shares.revoke).toHaveBeenCalledWith('ops', 's1');
  });
});

describe('share helpers', () => {
  it('say when a link expires', () => {
    expect(formatExpiry(null, 0)).toBe('never');
    expect(formatExpiry(30 * 60_000, 0)).toBe('in 30 min');
    expect(formatExpiry(24 * 3_600_000 - 1, 0)).toBe('in 23 h');
    expect(formatExpiry(7 * 86_400_000, 0)).toBe('in 7 d');
    expect(formatExpiry(5, 10)).toBe('expired');
  });

  it('make the wallboard variant of a link', () => {
    expect(kioskLinkOf(URL_)).toBe('http://pb.test/#/d/ops?kiosk&token=pb_secret');
  });
});
