import { useMemo } from 'react';
import { WidgetEmpty } from './WidgetEmpty';
import type { WidgetProps } from './widget-props';
import {
  fieldOption,
  formatOptionsOf,
  formatValue,
  numberOption,
  parseThresholds,
  pickNumber,
  resolveColor,
  stringOption,
  thresholdColor,
  type Threshold,
} from './widget-data';

const CX = 100;
const CY = 100;
const RADIUS = 78;
const BAND_RADIUS = 93;
/** The arc runs from -SWEEP/2 to +SWEEP/2 degrees around 12 o'clock. */
const SWEEP_DEG = 240;

function polar(radius: number, deg: number): [number, number] {
  const rad = (deg * Math.PI) / 180;
  return [CX + radius * Math.sin(rad), CY - radius * Math.cos(rad)];
}

/** SVG path of the arc between two angles (degrees from 12 o'clock, clockwise). */
export function arcPath(radius: number, fromDeg: number, toDeg: number): string {
  const [x1, y1] = polar(radius, fromDeg);
  const [x2, y2] = polar(radius, toDeg);
  const large = toDeg - fromDeg > 180 ? 1 : 0;
  return `M${x1.toFixed(2)} ${y1.toFixed(2)}A${radius} ${radius} 0 ${large} 1 ${x2.toFixed(2)} ${y2.toFixed(2)}`;
}

/** Where `value` sits on a min..max scale, clamped to 0..1. */
export function gaugeFraction(value: number, min: number, max: number): number {
  if (!(max > min)) return 0;
  return Math.max(0, Math.min(1, (value - min) / (max - min)));
}

const angleOf = (fraction: number) => -SWEEP_DEG / 2 + fraction * SWEEP_DEG;

/**
 * A 240° arc gauge: the value arc takes its threshold colour, a thin outer band shows the
 * threshold ranges. Options: field, min (0), max (100), unit, decimals, thresholds, label.
 */
export function GaugeWidget({ widget, data }: WidgetProps) {
  const { options } = widget;
  const value = pickNumber(data.latest, fieldOption(options));
  const min = numberOption(options, 'min', 0);
  const max = numberOption(options, 'max', 100);
  const thresholds = useMemo(() => parseThresholds(options), [options]);

  if (value === null) return <WidgetEmpty widget={widget} message={data.latest === null ? undefined : 'Not a number'} />;

  const format = formatOptionsOf(options);
  const formatted = formatValue(value, format);
  const fraction = gaugeFraction(value, min, max);
  const color = thresholdColor(value, thresholds, 'var(--pb-accent)');
  const label = stringOption(options, 'label');
  const [minX, minY] = polar(RADIUS, -SWEEP_DEG / 2);
  const [maxX, maxY] = polar(RADIUS, SWEEP_DEG / 2);

  return (
    <div className="pb-gauge">
      <svg className="pb-gauge__svg" viewBox="0 0 200 172" role="img" aria-label={`${widget.title}: ${formatted.text}`}>
        <path className="pb-gauge__track" d={arcPath(RADIUS, -SWEEP_DEG / 2, SWEEP_DEG / 2)} />
        {thresholdBands(thresholds, min, max).map((band) => (
          <path key={`${band.from}-${band.to}`} className="pb-gauge__band" d={arcPath(BAND_RADIUS, angleOf(band.from), angleOf(band.to))} stroke={band.color} />
        ))}
        {fraction > 0 ? <path className="pb-gauge__value-arc" d={arcPath(RADIUS, -SWEEP_DEG / 2, angleOf(fraction))} stroke={color} /> : null}
        <text className="pb-gauge__value" x={CX} y={label ? CY + 4 : CY + 12} textAnchor="middle" data-testid="gauge-value">
          {formatted.unitPosition === 'prefix' && formatted.unit ? <tspan className="pb-gauge__unit">{formatted.unit}</tspan> : null}
          <tspan>{formatted.number}</tspan>
          {formatted.unitPosition === 'suffix' && formatted.unit ? <tspan className="pb-gauge__unit" dx="3">{formatted.unit}</tspan> : null}
        </text>
        {label ? (
          <text className="pb-gauge__label" x={CX} y={CY + 28} textAnchor="middle">
            {label}
          </text>
        ) : null}
        <text className="pb-gauge__limit" x={minX} y={minY + 24} textAnchor="middle">
          {formatValue(min).text}
        </text>
        <text className="pb-gauge__limit" x={maxX} y={maxY + 24} textAnchor="middle">
          {formatValue(max).text}
        </text>
      </svg>
    </div>
  );
}

/** The coloured ranges of the threshold band, as fractions of the scale. */
export function thresholdBands(thresholds: readonly Threshold[], min: number, max: number): Array<{ from: number; to: number; color: string }> {
  const bands: Array<{ from: number; to: number; color: string }> = [];
  thresholds.forEach((t, i) => {
    const next = thresholds[i + 1];
    const from = gaugeFraction(t.value, min, max);
    const to = next ? gaugeFraction(next.value, min, max) : 1;
    if (to - from > 0.001) bands.push({ from, to, color: resolveColor(t.color) });
  });
  return bands;
}
