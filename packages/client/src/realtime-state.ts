import { applyMutation } from '@pulseboard/model';
import { RealtimeStateCore, type RealtimeStateOptions } from './realtime-state-core.js';

export type { ApplyResult, DashboardEvent, RealtimeStateOptions } from './realtime-state-core.js';

/** A RealtimeStateCore that runs the model's own mutators (unless given others). */
export class RealtimeState extends RealtimeStateCore {
  constructor(options: RealtimeStateOptions) {
    super({ ...options, mutations: options.mutations ?? applyMutation });
  }
}
