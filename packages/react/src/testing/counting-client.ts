/**
 * A test wrapper around a real client that counts what React holds: handles taken from
 * `dashboard()`/`stream()` and not yet released, and store listeners not yet removed.
 * A leak shows up as a count that stays above zero after unmount.
 */
import type { PulseboardClient } from '@pulseboard/client';

/** Live counts of held handles and attached listeners. */
export interface HoldCounts {
  handles: number;
  listeners: number;
  /** Handles ever acquired (to check that something was held at all). */
  acquired: number;
}

function wrap<T extends object>(target: T, counts: HoldCounts): T {
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, prop) {
      if (cache.has(prop)) return cache.get(prop);
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function') return value;
      let wrapped: unknown;
      if (prop === 'subscribe') {
        wrapped = (listener: () => void) => {
          counts.listeners++;
          const unsubscribe = (value as (l: () => void) => () => void).call(t, listener);
          let active = true;
          return () => {
            if (!active) return;
            active = false;
            counts.listeners--;
            unsubscribe();
          };
        };
      } else if (prop === 'release') {
        let released = false;
        wrapped = () => {
          if (!released) counts.handles--;
          released = true;
          (value as () => void).call(t);
        };
      } else {
        wrapped = (value as (...args: unknown[]) => unknown).bind(t);
      }
      // Stable identities, as useSyncExternalStore expects of `subscribe`.
      cache.set(prop, wrapped);
      return wrapped;
    },
  });
}

/** Wraps `client` so every handle and listener React takes is counted. */
export function countingClient(client: PulseboardClient): { client: PulseboardClient; counts: HoldCounts } {
  const counts: HoldCounts = { handles: 0, listeners: 0, acquired: 0 };
  const stores = { connection: wrap(client.connection, counts), sync: wrap(client.sync, counts), monitor: wrap(client.monitor, counts) };
  const proxy = new Proxy(client, {
    get(t, prop) {
      if (prop === 'connection' || prop === 'sync' || prop === 'monitor') return stores[prop];
      if (prop === 'dashboard' || prop === 'stream') {
        return (key: string) => {
          counts.handles++;
          counts.acquired++;
          return wrap(prop === 'dashboard' ? t.dashboard(key) : t.stream(key), counts);
        };
      }
      const value = Reflect.get(t, prop, t) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
    },
  });
  return { client: proxy, counts };
}
