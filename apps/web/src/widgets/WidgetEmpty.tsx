import type { Widget } from '@pulseboard/model';

/** The placeholder a widget shows before its stream has any data (or when it has no stream). */
export function WidgetEmpty({ widget, message }: { widget: Widget; message?: string }) {
  return (
    <div className="pb-empty">
      <span className="pb-empty__title">{message ?? (widget.stream ? 'Waiting for data' : 'No stream')}</span>
      {widget.stream ? <code className="pb-empty__stream">{widget.stream}</code> : null}
    </div>
  );
}
