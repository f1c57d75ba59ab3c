import { useEffect, useState, type ReactNode } from 'react';
import type { PulseboardClient } from '@pulseboard/client';
import { PulseboardContext } from './context';

/** Props of the client provider: how to make the client, and what to show meanwhile. */
export interface PulseboardClientProviderProps {
  /** Makes the client; called after mounting, and again whenever it changes (memoise it). */
  create: () => PulseboardClient;
  /** Rendered while the provider creates its client (one commit). */
  fallback?: ReactNode;
  children?: ReactNode;
}

/**
 * Owns one client made by `create`: made after mounting (so a discarded render never opens a
 * socket), closed on unmount or when `create` changes. `PulseboardProvider` is this with
 * `createPulseboardClient`; an app that makes its client otherwise (`createPulseboardClientCore`)
 * uses it directly, so its bundle does not carry the full client's zod and mutators.
 */
export function PulseboardClientProvider({ create, fallback = null, children }: PulseboardClientProviderProps) {
  const [created, setCreated] = useState<PulseboardClient | null>(null);

  useEffect(() => {
    const client = create();
    setCreated(client);
    return () => {
      setCreated((current) => (current === client ? null : current));
      void client.close().catch((error: unknown) => console.error('closing the Pulseboard client failed', error));
    };
  }, [create]);

  if (!created) return <>{fallback}</>;
  return <PulseboardContext.Provider value={created}>{children}</PulseboardContext.Provider>;
}
