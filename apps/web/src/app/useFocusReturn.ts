import { useEffect, type RefObject } from 'react';

/**
 * For a dialog or panel: on mount, focuses the first element inside `ref` matching
 * `selector`; on unmount, gives focus back to what had it before (when still on the
 * page), so a keyboard user continues where they opened it instead of at the page top.
 */
export function useFocusReturn(ref: RefObject<HTMLElement | null>, selector: string): void {
  useEffect(() => {
    const previous = document.activeElement;
    ref.current?.querySelector<HTMLElement>(selector)?.focus();
    return () => {
      if (previous instanceof HTMLElement && previous.isConnected && previous !== document.body) previous.focus();
    };
  }, [ref, selector]);
}
