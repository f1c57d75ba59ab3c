// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PulseboardClient, SyncNotice } from '@pulseboard/client';
import { PulseboardContext } from './context';
import { useClientNotices } from './useClientNotices';

afterEach(cleanup);

/** A client whose only live part is `notices` (what the hook reads). */
function clientWithNotices() {
  let list: readonly SyncNotice[] = [];
  const listeners = new Set<() => void>();
  const notices = {
    subscribe: (l: () => void) => (listeners.add(l), () => void listeners.delete(l)),
    getSnapshot: () => list,
    dismiss: (id: string) => {
      list = list.filter((n) => n.id !== id);
      for (const l of listeners) l();
    },
    push(notice: SyncNotice) {
      list = [...list, notice];
      for (const l of listeners) l();
    },
  };
  return { client: { notices } as unknown as PulseboardClient, notices };
}

function Toasts() {
  const { notices, dismiss } = useClientNotices();
  return (
    <ul>
      {notices.map((n) => (
        <li key={n.id}>
          {n.dashboardId}: {n.error?.code}
          <button onClick={() => dismiss(n.id)}>dismiss</button>
        </li>
      ))}
    </ul>
  );
}

describe('useClientNotices', () => {
  it('shows a refusal reported for a dashboard nobody holds, and dismisses it', () => {
    const { client, notices } = clientWithNotices();
    render(
      <PulseboardContext.Provider value={client}>
        <Toasts />
      </PulseboardContext.Provider>,
    );
    expect(screen.queryAllByRole('listitem')).toHaveLength(0);
    act(() => notices.push({ id: 'n1', kind: 'rejected', dashboardId: 'ops', message: 'refused', fields: [], error: { code: 'widget_not_found', message: 'gone' }, at: 0 }));
    expect(screen.getByRole('listitem').textContent).toContain('ops: widget_not_found');
    act(() => screen.getByRole('button').click());
    expect(screen.queryAllByRole('listitem')).toHaveLength(0);
  });
});
