/**
 * Why a widget fed by a pull source is stale: from the source's status, the words the
 * freshness badge shows instead of a bare age. Pure, so each case is tested directly.
 */
import type { StreamSourceView } from '@pulseboard/protocol';
import { formatClock } from './widget-data';

/** A reason for the badge: a short label and a sentence for its tooltip. */
export interface StaleReason {
  label: string;
  title: string;
  /** For styling and tests: failing | unchanged | disabled | pending. */
  kind: 'failing' | 'unchanged' | 'disabled' | 'pending';
}

/** The reason a source gives for its stream not updating, or null when it has none to give. */
export function sourceStaleReason(source: StreamSourceView): StaleReason | null {
  const { status, name } = source;
  switch (status.state) {
    case 'failing': {
      const error = status.lastError;
      const tries = status.consecutiveFailures === 1 ? '1 failed run' : `${status.consecutiveFailures} failed runs in a row`;
      const next = status.nextRunAt === null ? '' : `; next try at ${formatClock(status.nextRunAt)}`;
      const since = status.lastSuccessAt === null ? 'never succeeded' : `last success at ${formatClock(status.lastSuccessAt)}`;
      return { kind: 'failing', label: 'Source failing', title: `Source “${name}”: ${error ? error.message : 'failing'} (${tries}, ${since}${next})` };
    }
    case 'ok':
      return status.lastUnchanged && status.lastSuccessAt !== null
        ? { kind: 'unchanged', label: 'Unchanged', title: `Source “${name}” checked at ${formatClock(status.lastSuccessAt)}: the answer has not changed` }
        : null;
    case 'disabled':
      return { kind: 'disabled', label: 'Source off', title: `Source “${name}” is disabled` };
    case 'pending':
      return { kind: 'pending', label: 'Source pending', title: `Source “${name}” has not run yet` };
    case 'elsewhere':
      return null;
  }
}
