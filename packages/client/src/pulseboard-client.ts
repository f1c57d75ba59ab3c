import { applyMutation } from '@pulseboard/model';
import { createPulseboardClientCore, type PulseboardClientInternals } from './pulseboard-client-core.js';
import { resolveRealtimeConfig } from './realtime-config.js';
import type { PulseboardClient, PulseboardClientOptions } from './types.js';

/** Creates a client; it loads its persisted state and (by default) connects at once. */
export function createPulseboardClient(options: PulseboardClientOptions, internals: PulseboardClientInternals = {}): PulseboardClient {
  const { config, ...rest } = options;
  return createPulseboardClientCore({ ...rest, config: resolveRealtimeConfig(config), mutations: applyMutation }, internals);
}
