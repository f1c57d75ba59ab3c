import { createContext, useContext } from 'react';
import type { PulseboardClient } from '@pulseboard/client';

/** The client of the nearest `PulseboardProvider` (null until it has created one). */
export const PulseboardContext = createContext<PulseboardClient | null>(null);

/** The client of the nearest `PulseboardProvider`; throws outside of one. */
export function usePulseboardClient(): PulseboardClient {
  const client = useContext(PulseboardContext);
  if (!client) throw new Error('usePulseboardClient: wrap the component in <PulseboardProvider>');
  return client;
}
