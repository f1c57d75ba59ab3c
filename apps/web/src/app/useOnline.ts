import { useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

const getOnline = () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false);

/**
 * Whether the browser says it is online. The socket may take a heartbeat timeout to notice
 * a dead network; the browser's word lets the UI say "offline" at once.
 */
export function useOnline(): boolean {
  return useSyncExternalStore(subscribe, getOnline, () => true);
}
