import { memo, useMemo } from 'react';
import type { Widget } from '@pulseboard/model';
import type { PresenceEntry } from '@pulseboard/client';
import { useWidgetData } from '@pulseboard/react';
import { sourceStaleReason } from '../widgets/source-freshness';
import { useFreshnessKind } from '../widgets/useNow';
import { WidgetView } from '../widgets/WidgetView';
import { useUpdatesPaused } from './useFirstConnectSettled';
import { useStreamSource } from './useStreamSource';
import { toWidgetData, valueText } from './widget-data-adapter';

/** Props of one widget on the grid. */
export interface WidgetCellProps {
  widget: Widget;
  pending: boolean;
  editing: boolean;
  selected: boolean;
  /** Another viewer dragging or resizing this widget right now. */
  remote: PresenceEntry | undefined;
  onSelect: (id: string) => void;
}

/**
 * A widget fed by its stream: reads `widget.stream` while mounted (so one stream update
 * re-renders only the widgets showing it), with the pending-edit marker, the remote-drag
 * marker and, in edit mode, the settings button. The grid's dashboard handle already holds
 * every widget's stream (`{ streams: true }`: loaded with the dashboard in one request, or
 * subscribed with it), so the first render shows the values that came with the document.
 */
export const WidgetCell = memo(function WidgetCell({ widget, pending, editing, selected, remote, onSelect }: WidgetCellProps) {
  const data = toWidgetData(useWidgetData(widget.stream));
  const paused = useUpdatesPaused();
  // A widget fed by a pull source that is not live says why, from the source's status.
  const source = useStreamSource(widget.stream, useFreshnessKind(data, widget.options) !== 'live');
  const staleReason = useMemo(() => (source ? sourceStaleReason(source) : null), [source]);
  const classes = [selected ? 'pb-widget--selected' : '', remote ? 'pb-widget--remote-preview' : ''].filter(Boolean).join(' ');
  const headerExtra = (
    <>
      {remote ? (
        <span className="pb-badge pb-badge--accent" data-testid="widget-remote" title={`${remote.name ?? 'Someone'} is moving this widget`}>
          {remote.name ?? 'Someone'}
        </span>
      ) : null}
      {pending ? (
        <span className="pb-badge pb-badge--pending pb-badge--compact" data-testid="widget-pending" title="Saving: your edit is not yet confirmed by the server">
          <span className="pb-visually-hidden">Saving</span>
        </span>
      ) : null}
      {editing ? (
        <button
          className="pb-btn pb-btn--ghost pb-btn--icon pb-btn--sm pb-no-drag"
          type="button"
          onClick={() => onSelect(widget.id)}
          aria-label={`Edit ${widget.title || 'widget'}`}
          data-testid="widget-settings"
        >
          <GearIcon />
        </button>
      ) : null}
    </>
  );
  // A fragment: the grid item div (made by DashboardGrid) must be the frame's direct parent.
  return (
    <>
      <WidgetView widget={widget} data={data} paused={paused} headerExtra={headerExtra} className={classes} staleReason={staleReason} />
      <output className="pb-visually-hidden" data-testid="widget-value" data-ts={data.latestTs ?? ''}>
        {valueText(widget, data)}
      </output>
    </>
  );
});

function GearIcon() {
  return (
    <svg viewBox="0 0 24 24" width="15" height="15" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <circle cx="12" cy="12" r="3" />
      <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
    </svg>
  );
}
