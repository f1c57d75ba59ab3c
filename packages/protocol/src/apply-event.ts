import { applyMutation, type Dashboard } from '@pulseboard/model';
import { applyDashboardEventWith, type DashboardEventLike } from './dashboard-event.js';

/**
 * The document after one confirmed event (see `applyDashboardEventWith`), re-running the
 * model's own mutator for an event written before events carried patches.
 */
export function applyDashboardEvent(doc: Dashboard | null, event: DashboardEventLike, options: { inPlace?: boolean } = {}): Dashboard | null {
  return applyDashboardEventWith(doc, event, applyMutation, options);
}
