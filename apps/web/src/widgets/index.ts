/**
 * The widgets of the web app: the frame (`WidgetView`), one component per widget type,
 * the type registry for the picker and edit panel, and the data helpers they share.
 * The app imports from here and the stylesheet from `../styles/index.css`.
 */
export { WidgetView, WIDGET_COMPONENTS, type WidgetViewProps } from './WidgetView';
export { WidgetErrorBoundary, type WidgetErrorBoundaryProps } from './WidgetErrorBoundary';
export { StatWidget } from './StatWidget';
export { LineWidget } from './LineWidget';
export { GaugeWidget } from './GaugeWidget';
export { TableWidget } from './TableWidget';
export { TextWidget } from './TextWidget';
export { StatusWidget, statusLevelOf, type StatusLevel } from './StatusWidget';
export { FreshnessBadge, describeFreshness } from './Freshness';
export { WidgetIcon } from './WidgetIcon';
export { Sparkline } from './Sparkline';
export { useNow, useFreshnessKind } from './useNow';
export {
  computeFreshness,
  staleAfterMsOf,
  sharedClock,
  SharedClock,
  DEFAULT_STALE_AFTER_MS,
  type FreshnessState,
} from './freshness';
export {
  WIDGET_TYPE_INFO,
  WIDGET_TYPE_LIST,
  widgetTypeInfo,
  type WidgetTypeInfo,
  type OptionField,
  type OptionFieldKind,
} from './widget-types';
export type { WidgetProps } from './widget-props';
export {
  EMPTY_WIDGET_DATA,
  widgetDataFromSnapshot,
  pickNumber,
  computeChange,
  formatValue,
  formatOptionsOf,
  parseThresholds,
  evaluateThresholds,
  thresholdColor,
  resolveColor,
  type WidgetData,
  type Threshold,
  type FormattedValue,
} from './widget-data';
