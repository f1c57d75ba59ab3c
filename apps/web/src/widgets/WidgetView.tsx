import { memo, Suspense, type ComponentType, type ErrorInfo, type ReactNode } from 'react';
import type { Widget } from '@pulseboard/model';
import { FreshnessBadge } from './Freshness';
import type { StaleReason } from './source-freshness';
import { GaugeWidget } from './GaugeWidget';
import { lazyRenderer } from './lazy-renderer';
import { RENDERER_CHUNKS } from './renderer-chunks';
import { StatusWidget } from './StatusWidget';
import { StatWidget } from './StatWidget';
import { TableWidget } from './TableWidget';
import { useFreshnessKind } from './useNow';
import { WidgetErrorBoundary } from './WidgetErrorBoundary';
import type { WidgetProps } from './widget-props';
import type { WidgetData } from './widget-data';

/** The component of each widget type; line and text load on demand (see WidgetBody's Suspense and renderer-chunks.ts). */
export const WIDGET_COMPONENTS: Record<Widget['type'], ComponentType<WidgetProps>> = {
  stat: StatWidget,
  line: lazyRenderer(RENDERER_CHUNKS.line),
  gauge: GaugeWidget,
  table: TableWidget,
  text: lazyRenderer(RENDERER_CHUNKS.text),
  status: StatusWidget,
};

/** Props of the widget frame. */
export interface WidgetViewProps {
  widget: Widget;
  data: WidgetData;
  /** Pins the time (tests, gallery); otherwise the shared clock drives freshness. */
  now?: number;
  /** No updates can arrive right now (offline): the badge says "Paused" instead of "Live". */
  paused?: boolean;
  /** Rendered at the right of the header, before the freshness badge (pending edit, conflict, menu). */
  headerExtra?: ReactNode;
  className?: string;
  /** Called when the widget's body throws while rendering. */
  onError?: (error: Error, info: ErrorInfo) => void;
  /** Why the data is not updating (the pull source feeding it), for the freshness badge. */
  staleReason?: StaleReason | null;
  /** Replaces or adds the component of some types (embedding apps, the gallery). */
  renderers?: Partial<Record<string, ComponentType<WidgetProps>>>;
}

/**
 * One widget in its frame: title, freshness badge, the app's header slot, and the body
 * for its type inside an error boundary. Text widgets without a stream show no badge.
 * The header (`.pb-widget__header`) is the natural drag handle for react-grid-layout.
 */
export function WidgetView({ widget, data, now, paused, headerExtra, className, onError, renderers, staleReason = null }: WidgetViewProps) {
  const Body: ComponentType<WidgetProps> | undefined =
    renderers?.[widget.type] ?? (WIDGET_COMPONENTS as Partial<Record<string, ComponentType<WidgetProps>>>)[widget.type];
  const freshness = useFreshnessKind(data, widget.options, now);
  const showBadge = Boolean(widget.stream) || widget.type !== 'text';
  const classes = ['pb-widget', `pb-widget--${widget.type}`, showBadge ? `pb-widget--${freshness}` : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  return (
    <section className={classes} data-widget-id={widget.id} data-widget-type={widget.type} aria-label={widget.title || widget.type}>
      <header className="pb-widget__header">
        <h2 className="pb-widget__title" title={widget.title}>
          {widget.title || <span className="pb-widget__untitled">Untitled</span>}
        </h2>
        <div className="pb-widget__header-extra">
          {headerExtra}
          {showBadge ? <FreshnessBadge data={data} options={widget.options} now={now} paused={paused ?? false} reason={staleReason} /> : null}
        </div>
      </header>
      <div className="pb-widget__body">
        <WidgetErrorBoundary resetKeys={[widget, data.latestTs]} onError={onError}>
          {Body ? <WidgetBody Body={Body} widget={widget} data={data} now={now} /> : <UnknownType type={widget.type} />}
        </WidgetErrorBoundary>
      </div>
    </section>
  );
}

/**
 * The body re-renders only when its widget, data or pinned time change: the frame
 * re-renders for header markers and freshness flips, which must not redraw charts.
 */
const WidgetBody = memo(function WidgetBody({ Body, ...props }: WidgetProps & { Body: ComponentType<WidgetProps> }) {
  // A lazy renderer still loading leaves the body empty: the frame and header keep their size.
  return (
    <Suspense fallback={<div className="pb-widget__loading" aria-busy="true" data-testid="widget-loading" />}>
      <Body {...props} />
    </Suspense>
  );
});

function UnknownType({ type }: { type: string }) {
  return (
    <div className="pb-empty">
      <span className="pb-empty__title">Unknown widget type “{type}”</span>
      <span className="pb-empty__stream">Update Pulseboard to show it.</span>
    </div>
  );
}
