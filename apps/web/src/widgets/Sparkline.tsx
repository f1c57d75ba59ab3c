import { useId, useMemo } from 'react';

/** Most points a sparkline draws; longer series are thinned evenly (the last point kept). */
export const SPARKLINE_MAX_POINTS = 160;

/** Props of the sparkline. */
export interface SparklineProps {
  points: ReadonlyArray<{ ts: number; value: number }>;
  color?: string;
  className?: string;
}

/** The SVG path (`d`) of a line through `points`, scaled into a 100×100 box; empty for < 2 points. */
export function sparklinePath(points: ReadonlyArray<{ ts: number; value: number }>): string {
  if (points.length < 2) return '';
  const stride = Math.ceil(points.length / SPARKLINE_MAX_POINTS);
  const sample = stride > 1 ? points.filter((_, i) => i % stride === 0 || i === points.length - 1) : points;
  const first = sample[0]!;
  const last = sample[sample.length - 1]!;
  let min = Infinity;
  let max = -Infinity;
  for (const p of sample) {
    if (p.value < min) min = p.value;
    if (p.value > max) max = p.value;
  }
  const spanX = last.ts - first.ts || 1;
  const spanY = max - min || 1;
  // Keep a flat series in the middle rather than on the floor.
  const flat = max === min;
  return sample
    .map((p, i) => {
      const x = ((p.ts - first.ts) / spanX) * 100;
      const y = flat ? 50 : 96 - ((p.value - min) / spanY) * 92;
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(2)} ${y.toFixed(2)}`;
    })
    .join('');
}

/** A cheap inline-SVG trend line with a soft area fill; stretches to its box. */
export function Sparkline({ points, color = 'var(--pb-accent)', className }: SparklineProps) {
  const d = useMemo(() => sparklinePath(points), [points]);
  const gradientId = useId();
  if (!d) return null;
  return (
    <svg
      className={`pb-sparkline${className ? ` ${className}` : ''}`}
      viewBox="0 0 100 100"
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <defs>
        <linearGradient id={gradientId} x1="0" x2="0" y1="0" y2="1">
          <stop offset="0%" stopColor={color} stopOpacity="0.28" />
          <stop offset="100%" stopColor={color} stopOpacity="0" />
        </linearGradient>
      </defs>
      <path d={`${d}L100 100L0 100Z`} fill={`url(#${gradientId})`} stroke="none" />
      <path d={d} fill="none" stroke={color} strokeWidth="2" vectorEffect="non-scaling-stroke" strokeLinejoin="round" />
    </svg>
  );
}
