import type { Widget } from '@pulseboard/model';
import type { WidgetData } from './widget-data';

/** Props every widget component takes. */
export interface WidgetProps {
  widget: Widget;
  data: WidgetData;
  /** Pins the time (tests, gallery); otherwise the shared clock is used where time matters. */
  now?: number;
}
