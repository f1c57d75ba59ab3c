import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { ExternalStore } from '@pulseboard/client';

/** Shallow equality of two plain objects (own enumerable keys, `Object.is` per value). */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Subscribes to a store but re-renders only when `select(snapshot)` changes (shallowly).
 * The selection is cached per snapshot, so `getSnapshot` stays stable as React requires.
 */
export function useStoreSelector<S, T>(store: Pick<ExternalStore<S>, 'subscribe' | 'getSnapshot'>, select: (snapshot: S) => T): T {
  const cache = useRef<{ snapshot: S; selected: T } | null>(null);
  const selectRef = useRef(select);
  selectRef.current = select;
  const getSelection = useCallback(() => {
    const snapshot = store.getSnapshot();
    const previous = cache.current;
    if (previous && Object.is(previous.snapshot, snapshot)) return previous.selected;
    const selected = selectRef.current(snapshot);
    if (previous && shallowEqual(previous.selected, selected)) {
      cache.current = { snapshot, selected: previous.selected };
      return previous.selected;
    }
    cache.current = { snapshot, selected };
    return selected;
  }, [store]);
  return useSyncExternalStore(store.subscribe, getSelection, getSelection);
}
