import { useMemo, type CSSProperties } from 'react';
import { Sparkline } from './Sparkline';
import { WidgetEmpty } from './WidgetEmpty';
import type { WidgetProps } from './widget-props';
import {
  computeChange,
  fieldOption,
  formatOptionsOf,
  formatPercentChange,
  formatValue,
  numericHistory,
  parseThresholds,
  pickNumber,
  stringOption,
  thresholdColor,
  type FormattedValue,
} from './widget-data';

/**
 * A single big number: value and unit, change against the previous point (green when it
 * moves the good way; `options.invertChange` for "lower is better"), and a sparkline.
 * Options: field, unit, decimals, compact, thresholds, caption, sparkline (default true).
 */
export function StatWidget({ widget, data }: WidgetProps) {
  const { options } = widget;
  const field = fieldOption(options);
  const value = pickNumber(data.latest, field);
  const change = computeChange(data, field);
  const history = data.history;
  const points = useMemo(() => numericHistory({ latest: null, latestTs: null, history }, field), [history, field]);
  const thresholds = useMemo(() => parseThresholds(options), [options]);

  if (value === null) return <WidgetEmpty widget={widget} message={data.latest === null ? undefined : 'Not a number'} />;

  const formatted = formatValue(value, formatOptionsOf(options));
  const color = thresholdColor(value, thresholds, 'var(--pb-text-strong)');
  const lineColor = thresholdColor(value, thresholds, 'var(--pb-accent)');
  const invert = options.invertChange === true;
  const good = change && change.direction !== 'flat' ? (change.direction === 'up') !== invert : null;
  const caption = stringOption(options, 'caption');
  const showSparkline = options.sparkline !== false;

  return (
    <div className="pb-stat">
      <div className="pb-stat__main">
        <div className="pb-stat__value" style={{ color, '--pb-chars': valueWidthInChars(formatted) } as CSSProperties} data-testid="stat-value">
          {formatted.unit && formatted.unitPosition === 'prefix' ? <span className="pb-stat__unit pb-stat__unit--prefix">{formatted.unit}</span> : null}
          <span className="pb-stat__number">{formatted.number}</span>
          {formatted.unit && formatted.unitPosition === 'suffix' ? <span className="pb-stat__unit">{formatted.unit}</span> : null}
        </div>
        {change ? (
          <div
            className={`pb-stat__change pb-change pb-change--${change.direction}${good === null ? '' : good ? ' pb-change--good' : ' pb-change--bad'}`}
            title={`Previous: ${formatValue(change.previous, formatOptionsOf(options)).text}`}
          >
            <ChangeArrow direction={change.direction} />
            <span>{change.ratio === null ? formatValue(change.delta, formatOptionsOf(options)).text : formatPercentChange(change.ratio)}</span>
          </div>
        ) : null}
        {caption ? <div className="pb-stat__caption">{caption}</div> : null}
      </div>
      {showSparkline && points.length >= 2 ? <Sparkline className="pb-stat__sparkline" points={points} color={lineColor} /> : null}
    </div>
  );
}

/** The value's width in digit widths (the unit is set smaller), so CSS can fit it to the cell. */
function valueWidthInChars(formatted: FormattedValue): number {
  const unit = formatted.unit ? formatted.unit.length * 0.45 + 0.3 : 0;
  return Math.max(3, Math.round((formatted.number.length + unit) * 10) / 10);
}

/** A small up/down/flat arrow, drawn in SVG so it matches the text colour. */
export function ChangeArrow({ direction }: { direction: 'up' | 'down' | 'flat' }) {
  const d = direction === 'up' ? 'M6 2 L11 9 H1 Z' : direction === 'down' ? 'M6 10 L11 3 H1 Z' : 'M1 5 H11 V7 H1 Z';
  return (
    <svg className="pb-change__arrow" viewBox="0 0 12 12" width="0.8em" height="0.8em" aria-label={direction} role="img">
      <path d={d} fill="currentColor" />
    </svg>
  );
}
