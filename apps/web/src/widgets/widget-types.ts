/**
 * The registry of widget types for the type picker and the edit panel: label, icon,
 * description, default size and options, and the options a person may edit.
 */
import type { WidgetOptions, WidgetType } from '@pulseboard/model';

/** How the edit panel should edit one option. */
export type OptionFieldKind = 'text' | 'textarea' | 'number' | 'boolean' | 'select' | 'list' | 'thresholds';

/** One editable option of a widget type. */
export interface OptionField {
  key: string;
  label: string;
  kind: OptionFieldKind;
  help?: string;
  placeholder?: string;
  /** For 'select'. */
  choices?: ReadonlyArray<{ value: string; label: string }>;
}

/** What the type picker and edit panel know about a widget type. */
export interface WidgetTypeInfo {
  type: WidgetType;
  label: string;
  description: string;
  /** SVG path data on a 24×24 grid, drawn with a 2px stroke and no fill (see WidgetIcon). */
  icon: string;
  defaultSize: { w: number; h: number };
  defaultOptions: WidgetOptions;
  optionFields: readonly OptionField[];
}

const FIELD: OptionField = { key: 'field', label: 'Field', kind: 'text', placeholder: 'value', help: 'Key of an object value to read (dotted path). Default: value, then current.' };
const UNIT: OptionField = { key: 'unit', label: 'Unit', kind: 'text', placeholder: 'ms, %, $, req/s' };
const DECIMALS: OptionField = { key: 'decimals', label: 'Decimals', kind: 'number', placeholder: 'auto' };
const THRESHOLDS: OptionField = { key: 'thresholds', label: 'Thresholds', kind: 'thresholds', help: 'Values at or above a step take its colour (green, yellow, orange, red, blue or any CSS colour).' };
const STALE: OptionField = { key: 'staleAfterMs', label: 'Stale after (ms)', kind: 'number', placeholder: 'auto: 3× the push interval', help: 'Marks the widget stale when no point arrived for this long.' };

/** Every widget type, in the order the picker shows them. */
export const WIDGET_TYPE_LIST: readonly WidgetTypeInfo[] = [
  {
    type: 'stat',
    label: 'Stat',
    description: 'One big number with its change and a sparkline.',
    icon: 'M4 19h16M7 15V11M12 15V6M17 15v-6',
    defaultSize: { w: 3, h: 2 },
    defaultOptions: { unit: '', sparkline: true },
    optionFields: [
      FIELD,
      UNIT,
      DECIMALS,
      { key: 'compact', label: 'Compact numbers (1.2k)', kind: 'boolean' },
      { key: 'caption', label: 'Caption', kind: 'text' },
      { key: 'sparkline', label: 'Sparkline', kind: 'boolean' },
      { key: 'invertChange', label: 'Lower is better', kind: 'boolean' },
      THRESHOLDS,
      STALE,
    ],
  },
  {
    type: 'line',
    label: 'Line chart',
    description: 'A time series, or several fields of an object stream.',
    icon: 'M3 17l5-6 4 3 5-7 4 4M3 21h18',
    defaultSize: { w: 6, h: 3 },
    defaultOptions: { windowMs: 15 * 60_000 },
    optionFields: [
      FIELD,
      { key: 'fields', label: 'Fields', kind: 'list', placeholder: 'cpu, memory', help: 'Keys of an object value to plot, one line each. Default: every numeric key.' },
      UNIT,
      DECIMALS,
      { key: 'min', label: 'Y min', kind: 'number', placeholder: 'auto' },
      { key: 'max', label: 'Y max', kind: 'number', placeholder: 'auto' },
      { key: 'windowMs', label: 'Time window (ms)', kind: 'number', placeholder: 'all history' },
      STALE,
    ],
  },
  {
    type: 'gauge',
    label: 'Gauge',
    description: 'A value on an arc between a minimum and a maximum.',
    icon: 'M4.5 17a8.5 8.5 0 1 1 15 0M12 13l4-4',
    defaultSize: { w: 3, h: 3 },
    defaultOptions: {
      min: 0,
      max: 100,
      thresholds: [
        { value: 0, color: 'green' },
        { value: 70, color: 'orange' },
        { value: 90, color: 'red' },
      ],
    },
    optionFields: [FIELD, { key: 'min', label: 'Min', kind: 'number' }, { key: 'max', label: 'Max', kind: 'number' }, UNIT, DECIMALS, { key: 'label', label: 'Label', kind: 'text' }, THRESHOLDS, STALE],
  },
  {
    type: 'table',
    label: 'Table',
    description: 'Rows of an object value: a table, or a label/value list.',
    icon: 'M4 5h16v14H4zM4 10h16M4 15h16M10 10v9',
    defaultSize: { w: 4, h: 4 },
    defaultOptions: {},
    optionFields: [
      { ...FIELD, help: 'Key holding the rows (default: items, rows or data, else the object itself).' },
      { key: 'columns', label: 'Columns', kind: 'list', placeholder: 'name, status, latency', help: 'Default: the keys of the rows.' },
      UNIT,
      DECIMALS,
      STALE,
    ],
  },
  {
    type: 'text',
    label: 'Text',
    description: 'Markdown notes, or text pushed to a stream.',
    icon: 'M5 6h14M5 10h14M5 14h9M5 18h6',
    defaultSize: { w: 4, h: 2 },
    defaultOptions: { text: '## Notes\nWrite **markdown** here.' },
    optionFields: [
      { key: 'text', label: 'Markdown', kind: 'textarea', help: 'Leave empty to show the stream value’s text field.' },
      {
        key: 'align',
        label: 'Alignment',
        kind: 'select',
        choices: [
          { value: 'left', label: 'Left' },
          { value: 'center', label: 'Centre' },
        ],
      },
    ],
  },
  {
    type: 'status',
    label: 'Status',
    description: 'A coloured tile: ok, warning, critical or unknown.',
    icon: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM8 12.5l3 3 5-6',
    defaultSize: { w: 2, h: 2 },
    defaultOptions: {},
    optionFields: [
      { ...FIELD, help: 'Key holding the status word or number (default: status, state, then value).' },
      { key: 'okLabel', label: 'Label below thresholds', kind: 'text', placeholder: 'OK' },
      UNIT,
      DECIMALS,
      THRESHOLDS,
      STALE,
    ],
  },
];

/** The registry keyed by type. */
export const WIDGET_TYPE_INFO: Readonly<Record<WidgetType, WidgetTypeInfo>> = Object.fromEntries(
  WIDGET_TYPE_LIST.map((info) => [info.type, info]),
) as Record<WidgetType, WidgetTypeInfo>;

/** The registry entry of `type`, or undefined for a type this build does not know. */
export function widgetTypeInfo(type: string): WidgetTypeInfo | undefined {
  return (WIDGET_TYPE_INFO as Record<string, WidgetTypeInfo | undefined>)[type];
}
