/**
 * Bridges the client's stream snapshots to the widgets' `WidgetData`, and renders a
 * widget's latest value as plain text (for the hidden `widget-value` element tests read).
 */
import type { Widget } from '@pulseboard/model';
import type { StreamSnapshot } from '@pulseboard/client';
import { EMPTY_WIDGET_DATA, fieldOption, formatCell, formatOptionsOf, formatValue, pickNumber, type WidgetData } from '../widgets/widget-data';

const cache = new WeakMap<StreamSnapshot, WidgetData>();

/** The widget data of a stream snapshot; the same object for the same snapshot. */
export function toWidgetData(snapshot: StreamSnapshot): WidgetData {
  if (snapshot.latest === null && snapshot.history.length === 0) return EMPTY_WIDGET_DATA;
  let data = cache.get(snapshot);
  if (!data) {
    // The snapshot is frozen and never mutated; widgets only read the history.
    data = { latest: snapshot.latest, latestTs: snapshot.latestTs, history: snapshot.history as unknown as WidgetData['history'] };
    cache.set(snapshot, data);
  }
  return data;
}

/** The latest value as text: a number formatted with the widget's unit, else a string or JSON. */
export function valueText(widget: Widget, data: WidgetData): string {
  if (data.latest === null) return '';
  const n = pickNumber(data.latest, fieldOption(widget.options));
  if (n !== null) return formatValue(n, formatOptionsOf(widget.options)).text;
  return formatCell(data.latest);
}
