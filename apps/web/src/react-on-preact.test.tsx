// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { useSyncExternalStore } from 'react';
import { act, cleanup, render } from '@testing-library/preact';

afterEach(cleanup);

/** A store that reads its value when its first listener subscribes, as the freshness clock reads the time. */
function startingStore(initial: number, onStart: number) {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    subscribe(listener: () => void) {
      if (listeners.size === 0) value = onStart;
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => value,
    set(next: number) {
      value = next;
      for (const listener of listeners) listener();
    },
    get listeners() {
      return listeners.size;
    },
  };
}

describe("useSyncExternalStore (react-on-preact.ts: React's semantics on Preact)", () => {
  it('shows a value the store changed while being subscribed to, as React does', () => {
    const store = startingStore(1, 2);
    const { container } = render(<Reader store={store} />);
    expect(container.textContent).toBe('2');
    act(() => {
      store.set(3);
    });
    expect(container.textContent).toBe('3');
  });

  it('renders once more at most for the check, and unsubscribes on unmount', () => {
    const store = startingStore(5, 5);
    let renders = 0;
    function Counted() {
      renders++;
      return <>{useSyncExternalStore(store.subscribe, store.getSnapshot)}</>;
    }
    const { container, unmount } = render(<Counted />);
    expect(container.textContent).toBe('5');
    expect(renders).toBe(1);
    expect(store.listeners).toBe(1);
    act(() => {
      unmount();
    });
    expect(store.listeners).toBe(0);
  });
});

function Reader({ store }: { store: ReturnType<typeof startingStore> }) {
  return <>{useSyncExternalStore(store.subscribe, store.getSnapshot)}</>;
}
