import { describe, expect, it } from 'vitest';
import { HandleLease, type Releasable } from './handle-lease';

function fakeHandle(value: string) {
  const listeners = new Set<() => void>();
  const handle: Releasable<string> & { released: number; listeners: Set<() => void> } = {
    released: 0,
    listeners,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getSnapshot: () => value,
    release() {
      handle.released++;
    },
  };
  return handle;
}

describe('HandleLease', () => {
  it('acquires nothing until subscribed and returns the fallback meanwhile', () => {
    let acquired = 0;
    const lease = new HandleLease(() => (acquired++, fakeHandle('live')), 'fallback');
    expect(lease.getSnapshot()).toBe('fallback');
    expect(lease.current).toBeNull();
    expect(acquired).toBe(0);
  });

  it('before it is subscribed, shows what another holder already has (peek), and takes no handle for it', () => {
    let acquired = 0;
    let held: string | null = null;
    const lease = new HandleLease(() => (acquired++, fakeHandle('live')), 'fallback', () => held);
    expect(lease.getSnapshot()).toBe('fallback');
    held = 'prefetched';
    expect(lease.getSnapshot()).toBe('prefetched');
    expect(acquired).toBe(0);
    lease.subscribe(() => {});
    expect(lease.getSnapshot()).toBe('live');
  });

  it('holds one handle for any number of subscribers and releases it with the last', () => {
    const handles: ReturnType<typeof fakeHandle>[] = [];
    const lease = new HandleLease(() => {
      const h = fakeHandle('live');
      handles.push(h);
      return h;
    }, 'fallback');
    const off1 = lease.subscribe(() => {});
    const off2 = lease.subscribe(() => {});
    expect(handles).toHaveLength(1);
    expect(lease.getSnapshot()).toBe('live');
    off1();
    off1();
    expect(handles[0]!.released).toBe(0);
    off2();
    expect(handles[0]!.released).toBe(1);
    expect(handles[0]!.listeners.size).toBe(0);
    expect(lease.getSnapshot()).toBe('fallback');
  });

  it('takes a fresh handle when subscribed again after a release (StrictMode remount)', () => {
    let acquired = 0;
    const lease = new HandleLease(() => (acquired++, fakeHandle('live')), 'fallback');
    lease.subscribe(() => {})();
    lease.subscribe(() => {});
    expect(acquired).toBe(2);
    expect(lease.current).not.toBeNull();
  });
});
