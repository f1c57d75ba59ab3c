import { useCallback, useState, type ReactNode } from 'react';
import { createPulseboardClient, type PulseboardClient, type PulseboardClientOptions } from '@pulseboard/client';
import { PulseboardContext } from './context';
import { PulseboardClientProvider } from './PulseboardClientProvider';

/** Props of the provider: either a ready `client`, or what it needs to create one. */
export interface PulseboardProviderProps {
  /** A client made elsewhere; the provider uses it and never closes it. */
  client?: PulseboardClient;
  /** HTTP base of the server; defaults to the page's origin. */
  url?: string;
  token?: string;
  /** Further options for the client the provider creates (read when it is created). */
  options?: Omit<PulseboardClientOptions, 'url' | 'token'>;
  /** Rendered while the provider creates its client (one commit). */
  fallback?: ReactNode;
  children?: ReactNode;
}

/**
 * Makes one Pulseboard client available to the hooks below it. Given `url`/`token`, it
 * creates the client after mounting (so a discarded render never opens a socket), closes
 * it on unmount, and replaces it when `url` or `token` change.
 */
export function PulseboardProvider({ client: given, url, token, options, fallback = null, children }: PulseboardProviderProps) {
  // Options are read once per client: an inline object literal must not reconnect on every render.
  const [initialOptions] = useState(options);
  const create = useCallback(() => {
    const baseUrl = url ?? (typeof location === 'undefined' ? 'http://127.0.0.1:3000' : location.origin);
    return createPulseboardClient({ ...initialOptions, url: baseUrl, ...(token === undefined ? {} : { token }) });
  }, [url, token, initialOptions]);

  if (given) return <PulseboardContext.Provider value={given}>{children}</PulseboardContext.Provider>;
  return (
    <PulseboardClientProvider create={create} fallback={fallback}>
      {children}
    </PulseboardClientProvider>
  );
}
