/**
 * `react` for the web app's build and tests (apps/web/preact-aliases.ts): Preact's
 * implementation of React's API (`preact/compat`), with one correction where its behaviour
 * differs from React's in a way the app relies on.
 */
import compat, { useCallback, useSyncExternalStore as compatUseSyncExternalStore } from 'preact/compat';

// preact/compat's types describe it as one `export =` namespace; the module itself has named exports,
// every one of which the bundler re-exports from here.
// @ts-expect-error TS2498: `export *` of a module typed with `export =`.
export * from 'preact/compat';

/**
 * React's useSyncExternalStore reads the snapshot again once it has subscribed, and re-renders
 * if it changed; preact/compat reads it only before subscribing. A store whose subscribe()
 * changes its snapshot (the freshness clock reads the time when it starts ticking; a client
 * store may load from its cache on first subscription) would otherwise show the old value
 * until its next change. The listener is called once right after subscribing: compat's
 * listener re-renders only if the snapshot changed.
 */
export function useSyncExternalStore<T>(subscribe: (onStoreChange: () => void) => () => void, getSnapshot: () => T, getServerSnapshot?: () => T): T {
  const subscribeAndCheck = useCallback(
    (onStoreChange: () => void) => {
      const unsubscribe = subscribe(onStoreChange);
      onStoreChange();
      return unsubscribe;
    },
    [subscribe],
  );
  return compatUseSyncExternalStore(subscribeAndCheck, getSnapshot, getServerSnapshot);
}

export default { ...compat, useSyncExternalStore };
