import { PulseboardError } from '@pulseboard/model';
import type { PulseboardClient, PulseboardClientOptions } from './types.js';

/** Creates a client; it loads its persisted state and (by default) connects at once. */
export function createPulseboardClient(_options: PulseboardClientOptions): PulseboardClient {
  throw new PulseboardError('not_implemented', 'createPulseboardClient is being built');
}
