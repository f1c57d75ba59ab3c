import { useEffect, useState, type ReactNode } from 'react';
import { createPulseboardClient, type PulseboardClient, type PulseboardClientOptions } from '@pulseboard/client';
import { PulseboardContext } from './context';

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
  const [created, setCreated] = useState<PulseboardClient | null>(null);
  // Options are read once per client: an inline object literal must not reconnect on every render.
  const [initialOptions] = useState(options);

  useEffect(() => {
    if (given) return;
    const baseUrl = url ?? (typeof location === 'undefined' ? 'http://127.0.0.1:3000' : location.origin);
    const client = createPulseboardClient({ ...initialOptions, url: baseUrl, ...(token === undefined ? {} : { token }) });
    setCreated(client);
    return () => {
      setCreated((current) => (current === client ? null : current));
      void client.close().catch((error: unknown) => console.error('closing the Pulseboard client failed', error));
    };
  }, [given, url, token, initialOptions]);

  const client = given ?? created;
  if (!client) return <>{fallback}</>;
  return <PulseboardContext.Provider value={client}>{children}</PulseboardContext.Provider>;
}
