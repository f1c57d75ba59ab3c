import type { WidgetType } from '@pulseboard/model';
import { widgetTypeInfo } from './widget-types';

/** The outline icon of a widget type, sized by font-size and coloured by `currentColor`. */
export function WidgetIcon({ type, className }: { type: WidgetType | string; className?: string }) {
  const info = widgetTypeInfo(type);
  return (
    <svg
      className={`pb-icon${className ? ` ${className}` : ''}`}
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={info?.icon ?? 'M4 4h16v16H4z'} />
    </svg>
  );
}
