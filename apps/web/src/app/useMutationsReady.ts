import { useEffect, useState } from 'react';
import type { PulseboardClient } from '@pulseboard/client';
import { usePulseboardClient } from '@pulseboard/react';

/**
 * True once the page's client has the mutators; while `wanted` (the identity may edit this
 * dashboard) it asks for them, so they arrive before the first edit (a viewer never asks, and
 * never downloads them). A failed download is asked again at the next mount or change of `wanted`.
 */
export function useMutationsReady(wanted: boolean): boolean {
  const client = usePulseboardClient();
  const [readyFor, setReadyFor] = useState<PulseboardClient | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    client.loadMutations().then(
      () => {
        if (current) setReadyFor(client);
      },
      (error: unknown) => console.warn('loading the mutators failed', error),
    );
    return () => {
      current = false;
    };
  }, [client, wanted]);
  return readyFor === client;
}
